"""The next yearly reference number."""

from egide.core.numbering import next_number


def test_the_first_number_of_a_year_is_one() -> None:
    assert next_number([], "2026-") == "2026-0001"
    assert next_number(["2025-0007"], "2026-") == "2026-0001"


def test_numbers_are_compared_as_numbers_not_as_text() -> None:
    assert next_number(["AS-2026-9999", "AS-2026-10000", "AS-2026-0042"], "AS-2026-") == "AS-2026-10001"


def test_references_of_other_series_or_not_numbered_are_ignored() -> None:
    used = ["2026-0003", "2026-0010", "2026-import-7", "AS-2026-0500"]
    assert next_number(used, "2026-") == "2026-0011"
