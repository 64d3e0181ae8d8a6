"""Rendering the figures: numbered blocks in reading order, « s » for suppressed cells, honest caveats."""

import datetime
import re

from egide.observatory.reports.figures import make_table
from egide.observatory.reports.render import build_sections, render_html
from egide.observatory.reports.tests.sample import sample_figures

AT = datetime.datetime(2025, 3, 1, 10, 0)


def test_figures_and_tables_are_numbered_in_reading_order() -> None:
    html = render_html(sample_figures(), generated_at=AT)
    for kind in ("Figure", "Tableau"):
        numbers = [int(n) for n in re.findall(rf'<span class="block-number">{kind} (\d+)</span>', html)]
        assert numbers == list(range(1, len(numbers) + 1)) and numbers


def test_a_suppressed_cell_is_printed_s() -> None:
    html = render_html(sample_figures(), generated_at=AT)
    assert "<td>s</td>" in html and "secret statistique" in html


def test_a_table_where_everyone_is_unknown_is_left_out() -> None:
    figures = sample_figures()
    figures["tables"]["network"] = make_table(
        "network", "Réseau", rows=[("yes", "oui", [0]), ("no", "non", [0]), ("unknown", "inconnu", [4085])], total=4085
    )
    blocks = [b.caption for s in build_sections(figures) for b in s.blocks]
    assert "Réseau" not in blocks
    figures["tables"]["network"]["rows"][0]["values"] = [None]  # suppressed is not « nothing known »
    assert "Réseau" in [b.caption for s in build_sections(figures) for b in s.blocks]


def test_a_very_wide_interval_is_said_to_be_uncertain() -> None:
    figures = sample_figures()
    assert "très incertaine" not in render_html(figures, generated_at=AT)
    figures["population"].update(estimate=62200, low=35430, high=124615)
    assert "très incertaine" in render_html(figures, generated_at=AT)


def test_without_an_estimate_the_report_says_why() -> None:
    figures = sample_figures()
    figures["population"] = {"status": "too_few_lists", "lists": 0, "known": 4085, "notes": []}
    html = render_html(figures, generated_at=AT)
    assert "Aucune estimation n'est publiée pour 2024" in html.replace("&#x27;", "'")
    assert "Une seule liste était disponible" in html
