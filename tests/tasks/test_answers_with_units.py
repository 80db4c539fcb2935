"""Numeric answers with units (tasks/answers.py): one row per accepted and refused form."""

from __future__ import annotations

import pytest

from tasks import answers
from tasks.answers import AnswerError, expected_unit_text, parse_numeric_answer

ACCEPTED = [
    # typed, task unit, value in the task's unit
    ("12", "m", 12.0),
    ("12 m", "m", 12.0),
    ("12m", "m", 12.0),
    ("1200 cm", "m", 12.0),
    ("0.012 km", "m", 12.0),
    ("1.2e3", "m", 1200.0),
    ("1.2E-3", "m", 0.0012),
    ("1,200", "m", 1200.0),
    ("1,200,000", "m", 1_200_000.0),
    ("1,200.5", "m", 1200.5),
    ("1 200", "m", 1200.0),
    ("1\u202f200 m", "m", 1200.0),
    ("1.2×10^3", "m", 1200.0),
    ("1.2 × 10^3", "m", 1200.0),
    ("1.2 x 10**3", "m", 1200.0),
    ("1.2 × 10³", "m", 1200.0),
    ("1.2·10⁻³ m", "mm", 1.2),
    ("3.2 x 10^-4", "m", 0.00032),
    ("−3", "m", -3.0),
    ("-3 m", "m", -3.0),
    ("+3", "m", 3.0),
    (".5", "m", 0.5),
    ("5 m/s", "km/h", 18.0),
    ("18 km/h", "m/s", 5.0),
    ("9.81 m/s^2", "m/s²", 9.81),
    ("12 kg m/s", "kg·m/s", 12.0),
    ("4 uC", "μC", 4.0),
    ("4 µC", "μC", 4.0),
    ("2.5 kJ", "J", 2500.0),
    ("28.9°", "°", 28.9),
    ("28.9 deg", "°", 28.9),
    ("50 %", "%", 50.0),
    ("2.5 D", "D", 2.5),
    ("2.5 dpt", "D", 2.5),
    ("85 dB", "dB", 85.0),
    ("3.278 years", "yr", 3.278),
    ("2", "", 2.0),
    # Absolute temperatures convert with the offset …
    ("20 °C", "K", 293.15),
    ("20 degC", "K", 293.15),
    ("293.15 K", "°C", 20.0),
    ("44 °C", "K", 317.15),
    # … differences without it.
    ("10 °C", "ΔK", 10.0),
    ("10 K", "Δ°C", 10.0),
    ("18 °F", "ΔK", 10.0),
]

REFUSED = [
    # typed, task unit, words the message must contain
    ("12 s", "m", "is a time, but this task asks for a length in m"),
    ("12 m", "N", "is a length, but this task asks for a force in N"),
    ("20 °C", "m", "is a temperature"),
    ("12 %", "°", "asks for an angle"),
    ("12 m", "", "is a length, but this task asks for a plain number"),
    ("1,2", "m", "is the comma a decimal point or a thousands separator"),
    ("1,25", "m", "is the comma a decimal point"),
    ("1.200,5", "m", "is the comma a decimal point"),
    ("12 foo", "m", "“foo” is not a unit we know"),
    ("12 m/", "m", "is not a unit we know"),
    ("abc", "m", "is not a number"),
    ("12 3", "m", "is not a number"),
    ("1.2.3", "m", "is not a number"),
    ("", "m", "Enter your answer"),
    ("1e400", "m", "finite number"),
    ("1" * 101, "m", "too long"),
]


@pytest.mark.parametrize(("typed", "unit", "value"), ACCEPTED)
def test_it_accepts_and_converts(typed: str, unit: str, value: float) -> None:
    answer = parse_numeric_answer(typed, unit=unit)
    assert answer.value == pytest.approx(value, rel=1e-9)
    assert answer.typed == " ".join(typed.split())


@pytest.mark.parametrize(("typed", "unit", "words"), REFUSED)
def test_it_refuses_with_a_message(typed: str, unit: str, words: str) -> None:
    with pytest.raises(AnswerError) as raised:
        parse_numeric_answer(typed, unit=unit)
    assert words in raised.value.message


def test_it_takes_a_json_number_as_already_in_the_tasks_unit() -> None:
    assert parse_numeric_answer(12, unit="m").value == 12.0
    assert parse_numeric_answer(2.5, unit="kJ").value == 2.5
    for bad in (True, None, [12], float("nan"), float("inf")):
        with pytest.raises(AnswerError):
            parse_numeric_answer(bad, unit="m")


def test_it_says_which_unit_is_expected() -> None:
    assert expected_unit_text("m/s") == "m/s"
    assert expected_unit_text("ΔK") == "K (a temperature difference)"
    assert expected_unit_text("") == ""


def test_it_builds_the_unit_registry_once_per_process() -> None:
    answers.unit_registry.cache_clear()
    parse_numeric_answer("12", unit="m")
    assert answers.unit_registry.cache_info().currsize == 0  # a bare number needs no pint
    parse_numeric_answer("1200 cm", unit="m")
    parse_numeric_answer("5 m/s", unit="km/h")
    info = answers.unit_registry.cache_info()
    assert (info.misses, info.hits) == (1, 1)
