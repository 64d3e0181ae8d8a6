"""The rules engine, on the rule data of the shipped lists: examples and properties."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egide.identification import rules
from egide.identification.loader import shipped_lists
from egide.identification.vocabulary import PalermoElement

SHIPPED = {spec.code: spec for spec in shipped_lists().lists}
DIMENSION_RULE = SHIPPED["adult_labour"].rules["dimension_positive"]


def present(strong: int = 0, medium: int = 0, weak: int = 0) -> dict[str, list[str]]:
    return {"strong": [f"s{i}" for i in range(strong)], "medium": [f"m{i}" for i in range(medium)],
            "weak": [f"w{i}" for i in range(weak)]}  # fmt: skip


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((2, 0, 0), True), ((1, 1, 0), True), ((1, 0, 1), True), ((0, 3, 0), True), ((0, 2, 1), True),
        ((1, 0, 0), False), ((0, 2, 0), False), ((0, 1, 5), False), ((0, 0, 9), False), ((0, 0, 0), False),
    ],
)  # fmt: skip
def test_dimension_thresholds_follow_the_rule_data(counts: tuple[int, int, int], expected: bool) -> None:
    assert rules.evaluate_dimension(present(*counts), DIMENSION_RULE).positive is expected


def test_thresholds_are_read_from_the_data_not_hard_coded() -> None:
    stricter = {"any_of": [{"min_strong": 3}]}
    assert not rules.evaluate_dimension(present(strong=2), stricter).positive
    assert rules.evaluate_dimension(present(strong=3), stricter).positive


def test_evidence_lists_present_indicators_strongest_first() -> None:
    result = rules.evaluate_dimension({"weak": ["w"], "strong": ["s"], "medium": ["m"]}, DIMENSION_RULE)
    assert result.evidence == ["s", "m", "w"]


def test_an_indicator_present_twice_counts_once() -> None:
    assert not rules.evaluate_dimension({"strong": ["a", "a"]}, DIMENSION_RULE).positive


def test_unknown_threshold_key_is_refused() -> None:
    with pytest.raises(rules.RuleError):
        rules.evaluate_dimension(present(strong=2), {"any_of": [{"min_huge": 1}]})


counts = st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6))


@pytest.mark.parametrize("code", sorted(SHIPPED))
@given(weak=st.integers(0, 30))
def test_weak_indicators_alone_never_make_a_dimension_positive(code: str, weak: int) -> None:
    assert not rules.evaluate_dimension(present(weak=weak), SHIPPED[code].rules["dimension_positive"]).positive


@pytest.mark.parametrize("code", sorted(SHIPPED))
def test_one_strong_indicator_alone_is_not_positive(code: str) -> None:
    assert not rules.evaluate_dimension(present(strong=1), SHIPPED[code].rules["dimension_positive"]).positive


@pytest.mark.parametrize("code", sorted(SHIPPED))
@given(base=counts, added=st.sampled_from(["strong", "medium", "weak"]))
def test_adding_an_indicator_never_turns_a_positive_dimension_negative(
    code: str, base: tuple[int, int, int], added: str
) -> None:
    rule = SHIPPED[code].rules["dimension_positive"]
    before = present(*base)
    after = {k: [*v, "new"] if k == added else v for k, v in before.items()}
    if rules.evaluate_dimension(before, rule).positive:
        assert rules.evaluate_dimension(after, rule).positive


def _results(positive: dict[str, bool]) -> dict[str, rules.DimensionResult]:
    return {code: rules.DimensionResult(value) for code, value in positive.items()}


def _dimension_flags(code: str) -> Any:
    return st.fixed_dictionaries({d.code: st.booleans() for d in SHIPPED[code].dimensions})


@given(flags=_dimension_flags("child_labour"), means=_dimension_flags("child_labour"), act=st.booleans())
def test_the_child_rule_never_requires_a_means_dimension(
    flags: dict[str, bool], means: dict[str, bool], act: bool
) -> None:
    spec = SHIPPED["child_labour"]
    means_codes = {d.code for d in spec.dimensions if d.palermo_element == PalermoElement.MEANS}
    other = {c: (means[c] if c in means_codes else v) for c, v in flags.items()}
    facts = {"act_established": act}
    rule = spec.rules["victim"]
    assert rules.evaluate_victim(_results(flags), rule, facts) == rules.evaluate_victim(_results(other), rule, facts)
    assert spec.rules["means_required"] is False


def test_a_child_is_a_presumed_victim_with_act_and_exploitation_and_no_means() -> None:
    rule = SHIPPED["child_labour"].rules["victim"]
    results = _results({"exploitative_conditions": True})
    assert rules.evaluate_victim(results, rule, {"act_established": True}).positive
    assert not rules.evaluate_victim(results, rule, {"act_established": None}).positive
    assert not rules.evaluate_victim(results, rule, {"act_established": False}).positive


def test_an_adult_needs_recruitment_exploitation_and_destination_dimensions() -> None:
    rule = SHIPPED["adult_labour"].rules["victim"]
    needed = ["coercive_recruitment", "exploitative_conditions", "abuse_of_vulnerability_at_destination"]
    full = dict.fromkeys(needed, True)
    assert rules.evaluate_victim(_results(full), rule, {}).positive
    for missing in full:
        assert not rules.evaluate_victim(_results(full | {missing: False}), rule, {}).positive


def test_conclusion_wording_is_french_and_never_a_formal_identification() -> None:
    assert rules.VictimResult(True).wording == (
        "Victime présumée de traite (résultat de repérage, pas une identification formelle)"
    )
    assert rules.VictimResult(False).wording == "Critères de repérage non réunis (n'exclut pas la traite)"
