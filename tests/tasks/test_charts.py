"""The progress charts are SVG pictures, CSP-safe (no style attributes) and escape their data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from tasks import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    assert "style=" not in markup and "<script" not in markup
    return ET.fromstring(markup)  # well-formed XML, or this raises


def topic_rows() -> list[dict[str, object]]:
    return [
        {"task__topic__name": "Kinematics", "n": 12, "accuracy": 0.75, "mean_seconds": 95.0},
        {"task__topic__name": "Waves <b>&", "n": 3, "accuracy": 0.0, "mean_seconds": 610.0},
    ]


def test_it_draws_one_bar_per_topic_with_escaped_labels() -> None:
    svg = parse(charts.accuracy_chart(topic_rows()))
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Accuracy per topic"
    assert len(svg.findall(f"{SVG}rect")) == 2
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Waves <b>&" in texts  # escaped in the markup, intact once parsed
    assert "75% of 12" in texts


def test_it_scales_the_time_chart_to_round_ticks() -> None:
    svg = parse(charts.time_chart(topic_rows()))
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("font-size") == "11"]
    assert ticks[0] == "0 s" and ticks[-1] == "12 min"
    assert "10 min" in [t.text for t in svg.iter(f"{SVG}text")]


def test_it_plots_predicted_against_actual_in_blocks_of_ten() -> None:
    outcomes = [(i % 2 == 0, 0.7) for i in range(20)] + [(True, None) for _ in range(10)]
    svg = parse(charts.calibration_chart(outcomes))
    actual, predicted = svg.findall(f"{SVG}polyline")
    assert len(actual.get("points").split()) == 3
    # The last block has no stored predictions (imported attempts): no point for it.
    assert len(predicted.get("points").split()) == 2
    assert predicted.get("stroke-dasharray")
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "1–10" in labels and "21–30" in labels


def test_it_folds_a_short_last_block_into_the_one_before() -> None:
    svg = parse(charts.calibration_chart([(True, 0.5)] * 23))
    actual = svg.findall(f"{SVG}polyline")[0]
    assert len(actual.get("points").split()) == 2
    assert "11–23" in [t.text for t in svg.iter(f"{SVG}text")]


@pytest.mark.parametrize("chart", [charts.accuracy_chart, charts.time_chart])
def test_it_says_so_when_there_is_nothing_to_draw(chart: object) -> None:
    svg = parse(chart([]))  # type: ignore[operator]
    assert "No completed tasks yet." in [t.text for t in svg.iter(f"{SVG}text")]
    assert "Complete a few" in charts.calibration_chart([])


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "–"), (4.4, "4 s"), (59.6, "1 min"), (90, "1 min 30 s"), (605, "10 min")],
)
def test_it_formats_seconds_for_people(seconds: float | None, text: str) -> None:
    assert charts.format_seconds(seconds) == text


def test_it_uses_presentation_attributes_only() -> None:
    markup = charts.calibration_chart([(True, 0.6), (False, 0.6)] * 15)
    assert not re.search(r"\sstyle=", markup)
    assert 'stroke="#2457c5"' in markup
