"""Numeric answers as students type them: a number, optionally a unit, converted to the task's unit.

Accepted: ``12``, ``12 m``, ``1200 cm``, ``1.2e3``, ``1,200`` (thousands), ``1 200``,
``1.2×10^3``, ``1.2 x 10^-3``, ``1.2 × 10³``, ``−3`` (a typographic minus). Refused with a
message that says why, and never graded: a unit of another dimension (``12 s`` for a length),
an ambiguous comma (``1,2``: a decimal comma or a thousands separator?), anything that is not a
number. Temperatures: absolute values convert between K, °C and °F (20 °C is 293.15 K); a task
whose unit starts with ``Δ`` (``ΔK``, ``Δ°C``) asks for a temperature *difference*, where 10 °C
is 10 K.

Units are read by pint. Its registry takes a noticeable moment to build, so it is built once per
process, on the first answer that carries a unit.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

MAX_ANSWER_CHARS = 100

# Display units in the bank that pint reads differently, or not at all.
UNIT_ALIASES = {
    "D": "dioptre",  # pint's "D" is the debye, a dipole moment; students mean dioptres
    "dpt": "dioptre",
    "°": "degree",
    "º": "degree",  # the masculine ordinal, which some keyboards give for a degree sign
    "deg": "degree",
    "degrees": "degree",
    "yr": "year",
    "years": "year",
    "y": "year",
    "Ohm": "ohm",
    "ohms": "ohm",
}
ANGLE_UNITS = {"degree", "radian", "arcminute", "arcsecond", "turn", "gradian"}
LOG_UNITS = {"decibel", "bel", "neper"}
# Dimensions named as a student would read them in an error message.
DIMENSION_NAMES = {
    "[length]": "a length",
    "[time]": "a time",
    "[mass]": "a mass",
    "[temperature]": "a temperature",
    "[current]": "a current",
    "[length] / [time]": "a speed",
    "[length] / [time] ** 2": "an acceleration",
    "[mass] * [length] / [time] ** 2": "a force",
    "[mass] * [length] ** 2 / [time] ** 2": "an energy",
    "[mass] * [length] ** 2 / [time] ** 3": "a power",
    "[mass] / [length] / [time] ** 2": "a pressure",
    "[mass] * [length] / [time]": "a momentum",
    "1 / [time]": "a frequency",
    "[current] * [time]": "a charge",
    "[mass] * [length] ** 2 / [time] ** 3 / [current]": "a voltage",
    "[length] ** 2": "an area",
    "[length] ** 3": "a volume",
    "1 / [length]": "an inverse length",
    "dimensionless": "a plain number",
}

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_DASHES = str.maketrans({"−": "-", "–": "-", "‒": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " "})
# A number: sign, digits with separators (checked below), an optional exponent written
# e-style, or as "× 10^n" / "x 10**n" / "·10⁻³". The rest of the text is the unit.
_NUMBER = re.compile(
    r"""
    ^(?P<sign>[+-]?)\s*
    (?P<mantissa>\d[\d,. ]*\d|\d|\.\d+)
    (?:
        [eE](?P<e_exp>[+-]?\d+)
      | \s*[×xX*·⋅]\s*10\s*(?:\^|\*\*)\s*\(?(?P<p_exp>[+-]?\d+)\)?
      | \s*[×xX*·⋅]\s*10(?P<s_exp>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)
    )?
    (?P<unit>.*)$
    """,
    re.VERBOSE | re.DOTALL,
)
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_SPACE = re.compile(r"^\d{1,3}( \d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")


class AnswerError(ValueError):
    """An answer that cannot be graded; `message` is safe to show the student."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NumericAnswer:
    """What the student typed and its value in the task's unit."""

    typed: str
    value: float


@functools.cache
def unit_registry() -> pint.UnitRegistry:
    """pint's registry, built once per process on first use (never at import: it is slow)."""
    import pint

    registry: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=False)
    registry.define("dioptre = 1 / meter = _ = diopter")
    return registry


def is_difference_unit(unit: str) -> bool:
    """A task unit like ``ΔK`` asks for a temperature difference, not an absolute value."""
    return unit.strip().startswith("Δ")


def expected_unit_text(unit: str) -> str:
    """How the answer field describes the unit it expects: ``m``, ``K (a temperature
    difference)``, or "" for a plain number."""
    unit = unit.strip()
    if is_difference_unit(unit):
        return f"{unit[1:].strip()} (a temperature difference)"
    return unit


# Another unit of the same kind, for the answer field's hint ("you can also give 1200 cm").
_EXAMPLE_UNITS = {
    "m": "cm", "cm": "m", "mm": "cm", "km": "m", "nm": "µm", "s": "ms", "min": "s",
    "m/s": "km/h", "km/h": "m/s", "J": "kJ", "kJ": "J", "N": "kN", "kN": "N", "W": "kW",
    "kW": "W", "K": "°C", "°C": "K", "ΔK": "°C", "kPa": "Pa", "Hz": "kHz", "eV": "J",
    "V": "mV", "A": "mA", "mA": "A", "°": "rad", "yr": "days", "μs": "ns", "mC": "C",
}  # fmt: skip


def example_unit(unit: str) -> str:
    """Another unit the task accepts, e.g. "cm" for a task in m ("" when none comes to mind)."""
    return _EXAMPLE_UNITS.get(unit.strip(), "")


def parse_numeric_answer(text: object, *, unit: str) -> NumericAnswer:
    """Read a student's numeric answer and convert it to `unit`, the task's unit.

    A JSON number is taken as already in the task's unit. Raises AnswerError with a message
    for the student when the text is not a number, has an ambiguous comma, or carries a unit
    of another dimension.
    """
    if isinstance(text, bool):
        raise AnswerError(_not_a_number_message(str(text), unit))
    if isinstance(text, int | float):
        try:
            value = float(text)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            raise AnswerError(f"The answer must be a finite number{_in(unit)}.")
        return NumericAnswer(typed=repr(value), value=value)
    if not isinstance(text, str):
        raise AnswerError(_not_a_number_message("", unit))
    typed = " ".join(text.split())
    if not typed:
        raise AnswerError("Enter your answer.")
    if len(typed) > MAX_ANSWER_CHARS:
        raise AnswerError(f"That answer is too long: at most {MAX_ANSWER_CHARS} characters.")
    number, unit_text = split_number_and_unit(typed, unit=unit)
    if not unit_text:
        return NumericAnswer(typed=typed, value=number)
    return NumericAnswer(typed=typed, value=convert(number, unit_text, to=unit, typed=typed))


def split_number_and_unit(typed: str, *, unit: str) -> tuple[float, str]:
    """(the number, the unit text after it) of a typed answer; AnswerError if no number."""
    normalised = typed.translate(_DASHES).strip()
    match = _NUMBER.match(normalised)
    if match is None:
        raise AnswerError(_not_a_number_message(typed, unit))
    mantissa = _mantissa(match["mantissa"], typed=typed, unit=unit)
    exponent = match["e_exp"] or match["p_exp"] or ""
    if match["s_exp"]:
        exponent = match["s_exp"].translate(_SUPERSCRIPTS)
    try:
        value = float(f"{match['sign']}{mantissa}e{exponent or 0}")
    except (ValueError, OverflowError):
        raise AnswerError(_not_a_number_message(typed, unit)) from None
    if not math.isfinite(value):
        raise AnswerError(f"The answer must be a finite number{_in(unit)}.")
    return value, match["unit"].strip()


def _mantissa(raw: str, *, typed: str, unit: str) -> str:
    """Digits with an optional decimal point; thousands separators (comma or space) removed
    where they can only be that; an ambiguous comma refused."""
    raw = raw.strip()
    if _PLAIN.match(raw):
        return raw
    if _THOUSANDS_COMMA.match(raw):
        return raw.replace(",", "")
    if _THOUSANDS_SPACE.match(raw):
        return raw.replace(" ", "")
    if "," in raw:
        raise AnswerError(
            f"“{typed}”: is the comma a decimal point or a thousands separator? "
            "Use a point for decimals (1.2) and write thousands as 1200 or 1,200."
        )
    raise AnswerError(_not_a_number_message(typed, unit))


def convert(value: float, unit_text: str, *, to: str, typed: str) -> float:
    """`value` in the student's `unit_text`, converted to the task's unit `to`."""
    import pint

    registry = unit_registry()
    difference = is_difference_unit(to)
    target_text = to.strip()[1:].strip() if difference else to.strip()
    try:
        source = _units(registry, unit_text, difference=difference)
    except (pint.errors.PintError, ValueError, AssertionError, AttributeError, TypeError):
        raise AnswerError(
            f"“{typed}”: “{unit_text}” is not a unit we know. Give the number in "
            f"{expected_unit_text(to) or 'no unit'}, or with a unit like m or cm."
        ) from None
    target = _units(registry, target_text, difference=difference)
    if not _same_kind(source, target):
        raise AnswerError(_dimension_message(typed, source, target, to))
    try:
        converted = float(registry.Quantity(value, source).to(target).magnitude)
    except pint.errors.DimensionalityError:
        raise AnswerError(_dimension_message(typed, source, target, to)) from None
    if not math.isfinite(converted):
        raise AnswerError(f"The answer must be a finite number{_in(to)}.")
    # 2030 ms is 2.03 s, not 2.0300000000000002 s: conversion factors carry binary noise.
    return float(f"{converted:.12g}")


def _units(registry: pint.UnitRegistry, text: str, *, difference: bool) -> pint.Unit:
    text = UNIT_ALIASES.get(text.strip(), text.strip())
    units = registry.parse_units(text) if text else registry.dimensionless
    if difference and not units.is_compatible_with(registry.kelvin):
        return units
    if difference:
        # 10 °C of warming is 10 K, not 283.15 K: offset units become their deltas.
        name = {"degree_Celsius": "delta_degC", "degree_Fahrenheit": "delta_degF"}
        return registry.parse_units(name.get(str(units), str(units)))
    return units


def _same_kind(source: Any, target: Any) -> bool:
    """pint calls angles, percentages and decibels all dimensionless; students don't."""
    kinds = []
    for units in (source, target):
        names = set(units._units.keys()) if hasattr(units, "_units") else set()
        if names & ANGLE_UNITS:
            kinds.append("angle")
        elif names & LOG_UNITS:
            kinds.append("log")
        else:
            kinds.append(str(units.dimensionality))
    return kinds[0] == kinds[1]


def _dimension_message(typed: str, source: Any, target: Any, to: str) -> str:
    what = _dimension_name(source)
    wanted = _dimension_name(target)
    expected = expected_unit_text(to) or "a plain number"
    if not to.strip():
        return (
            f"“{typed}” is {what or 'not a plain number'}, but this task asks for a plain number."
        )
    if what and wanted and what != wanted:
        return f"“{typed}” is {what}, but this task asks for {wanted} in {expected}."
    return f"“{typed}” cannot be converted to {expected}."


def _dimension_name(units: Any) -> str:
    names = set(units._units.keys()) if hasattr(units, "_units") else set()
    if names & ANGLE_UNITS:
        return "an angle"
    if "percent" in names:
        return "a percentage"
    if names & LOG_UNITS:
        return "a level in decibels"
    return DIMENSION_NAMES.get(str(units.dimensionality), "")


def _in(unit: str) -> str:
    text = expected_unit_text(unit)
    return f" in {text}" if text else ""


def _not_a_number_message(typed: str, unit: str) -> str:
    example = f"e.g. 12.5, 3.2e-4 or 1.2 × 10^3{' ' + unit if unit else ''}"
    return f"“{typed}” is not a number. Use digits, {example}."
