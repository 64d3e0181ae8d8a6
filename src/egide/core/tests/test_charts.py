"""SVG charts: valid XML, accessible, labelled, suppressed cells drawn as « s » with no mark."""

import xml.etree.ElementTree as ET

import pytest

from egide.core.charts import (
    COLOURS,
    IntervalRow,
    Series,
    bar_chart,
    grouped_bar_chart,
    interval_chart,
    line_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 -- our own output, not untrusted XML
    assert root.tag == f"{SVG}svg"
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def _bars(root: ET.Element) -> list[ET.Element]:
    return [node for node in root.iter(f"{SVG}rect") if node.get("class") == "bar"]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_a_bar_chart_is_accessible_valid_svg_with_every_label_and_value() -> None:
    root = _parse(bar_chart("Victimes par sexe", [("femme", 1235), ("homme", 240)], description="Effectifs arrondis."))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Victimes par sexe"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "Effectifs arrondis."  # type: ignore[union-attr]
    texts = _texts(root)
    assert {"femme", "homme", "1\xa0235", "240"} <= set(texts)
    assert len(_bars(root)) == 2


def test_a_suppressed_cell_draws_no_bar_and_reads_s() -> None:
    root = _parse(bar_chart("Âge", [("moins de 15 ans", None), ("18 à 24 ans", 35), ("25 à 34 ans", 0)]))
    bars = _bars(root)
    assert len(bars) == 1  # zero and suppressed draw nothing
    assert "18 à 24 ans : 35" in "".join(bars[0].itertext())
    assert _texts(root).count("s") == 1 and "0" in _texts(root)


def test_longer_values_draw_longer_bars() -> None:
    widths = [float(b.get("width", 0)) for b in _bars(_parse(bar_chart("T", [("a", 10), ("b", 40)])))]
    assert widths[1] == pytest.approx(4 * widths[0], abs=0.5)


def test_labels_are_escaped() -> None:
    root = _parse(bar_chart("A & B <test>", [("x < y & z", 10)]))
    assert "x < y & z" in "".join(_texts(root))


def test_two_series_differ_by_pattern_not_colour_alone() -> None:
    series = [Series("femmes", [50, 20]), Series("hommes", [15, None])]
    svg = grouped_bar_chart("Formes × sexe", ["sexuelle", "travail"], series)
    root = _parse(svg)
    fills = {bar.get("fill") for bar in _bars(root)}
    assert COLOURS[0] in fills and any(f and f.startswith("url(#") for f in fills)
    assert root.find(f".//{SVG}pattern") is not None
    assert len(_bars(root)) == 3
    assert {"femmes", "hommes", "s"} <= set(_texts(root))


def test_a_stacked_bar_with_a_suppressed_part_has_no_total() -> None:
    svg = grouped_bar_chart("Empilé", ["a", "b"], [Series("x", [50, 30]), Series("y", [None, 20])], stacked=True)
    root = _parse(svg)
    assert len(_bars(root)) == 3
    values = [t for t in _texts(root) if t in ("s", "50", "80")]
    assert values == ["s", "50"]


def test_series_of_unequal_length_are_refused() -> None:
    with pytest.raises(ValueError, match="2 categories"):
        grouped_bar_chart("T", ["a", "b"], [Series("x", [1])])


def test_two_charts_never_share_pattern_ids() -> None:
    one = grouped_bar_chart("Un", ["a"], [Series("x", [1]), Series("y", [2])])
    two = grouped_bar_chart("Deux", ["a"], [Series("x", [1]), Series("y", [2])])
    ids = [p.get("id") for svg in (one, two) for p in _parse(svg).iter(f"{SVG}pattern")]
    assert len(ids) == len(set(ids)) == 2


def test_a_line_chart_labels_years_and_breaks_at_a_suppressed_year() -> None:
    series = [Series("déclarées", [100, 120, None, 150]), Series("distinctes", [80, 95, 90, 110])]
    root = _parse(line_chart("Évolution", [2021, 2022, 2023, 2024], series))
    texts = _texts(root)
    assert {"2021", "2024", "déclarées", "distinctes", "s", "150"} <= set(texts)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2  # the first series stops at 2023 and its lone 2024 point has no line
    assert lines[1].get("stroke-dasharray")  # the second series is dashed, not only another colour


def test_an_interval_chart_writes_the_estimate_interval_and_known_persons() -> None:
    root = _parse(interval_chart("Population cachée", [IntervalRow("2024", 4210, 3550, 5480, known=2870)]))
    text = " ".join(_texts(root))
    assert "4\xa0210" in text and "3\xa0550" in text and "5\xa0480" in text and "2\xa0870" in text
    interval = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "interval")
    known = next(n for n in root.iter(f"{SVG}line") if n.get("class") == "known")
    x, width, kx = float(interval.get("x", 0)), float(interval.get("width", 0)), float(known.get("x1", 0))
    assert kx < x < x + width  # known persons lie below the interval here


def test_palette_keeps_three_to_one_contrast_on_white() -> None:
    for colour in COLOURS:
        assert (1.05) / (_luminance(colour) + 0.05) >= 3.0, colour
