"""The screening rules engine: pure functions over rule data, no Django.

Rules are data (stored with each indicator-list version), so that a corrected brochure
changes the data, never this code. A dimension rule is `{"any_of": [threshold, ...]}`
where a threshold maps `min_<strength>[_or_<strength>...]` to a minimum count; a victim
rule is a tree of `all_of`, `any_of` (dimension codes or nested rules) and `fact` nodes.

>>> rule = {"any_of": [{"min_strong": 2}, {"min_strong": 1, "min_medium_or_weak": 1}]}
>>> evaluate_dimension({"strong": ["a"], "weak": ["b"]}, rule).positive
True
>>> evaluate_dimension({"strong": ["a"]}, rule).positive
False
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

STRENGTHS = ("strong", "medium", "weak")

POSITIVE_WORDING = "Victime présumée de traite (résultat de repérage, pas une identification formelle)"
NEGATIVE_WORDING = "Critères de repérage non réunis (n'exclut pas la traite)"


class RuleError(ValueError):
    """The rule data cannot be evaluated (unknown key, strength or node)."""


@dataclass(frozen=True)
class DimensionResult:
    positive: bool
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class VictimResult:
    positive: bool

    @property
    def wording(self) -> str:
        return POSITIVE_WORDING if self.positive else NEGATIVE_WORDING


def threshold_strengths(key: str) -> tuple[str, ...]:
    """Return the strengths a threshold key counts together.

    >>> threshold_strengths("min_medium_or_weak")
    ('medium', 'weak')
    """
    if not key.startswith("min_"):
        raise RuleError(f"clé de seuil inconnue : {key}")
    strengths = tuple(key.removeprefix("min_").split("_or_"))
    unknown = [s for s in strengths if s not in STRENGTHS]
    if unknown:
        raise RuleError(f"force inconnue dans la clé {key} : {', '.join(unknown)}")
    return strengths


def _meets(counts: Mapping[str, int], threshold: Mapping[str, int]) -> bool:
    return all(sum(counts.get(s, 0) for s in threshold_strengths(k)) >= int(n) for k, n in threshold.items())


def evaluate_dimension(present_by_strength: Mapping[str, Sequence[str]], rule: Mapping[str, Any]) -> DimensionResult:
    """Apply a dimension rule to the present indicators' codes, grouped by strength.

    Each present indicator counts once. The evidence is every present indicator, strongest
    first, whether or not the dimension is positive.
    """
    unknown = set(present_by_strength) - set(STRENGTHS)
    if unknown:
        raise RuleError(f"force inconnue : {', '.join(sorted(unknown))}")
    counts = {s: len(set(present_by_strength.get(s, ()))) for s in STRENGTHS}
    thresholds = rule.get("any_of")
    if not isinstance(thresholds, list) or not thresholds:
        raise RuleError("la règle de dimension doit avoir une liste « any_of » non vide")
    positive = any(_meets(counts, t) for t in thresholds)
    evidence = [code for s in STRENGTHS for code in sorted(set(present_by_strength.get(s, ())))]
    return DimensionResult(positive, evidence)


def _node(node: Any, results: Mapping[str, DimensionResult], facts: Mapping[str, bool | None]) -> bool:
    if isinstance(node, str):
        result = results.get(node)
        return bool(result and result.positive)
    if not isinstance(node, Mapping):
        raise RuleError(f"élément de règle inconnu : {node!r}")
    if "all_of" in node:
        return all(_node(n, results, facts) for n in node["all_of"])
    if "any_of" in node:
        return any(_node(n, results, facts) for n in node["any_of"])
    if "fact" in node:
        # An unknown fact does not establish anything.
        return facts.get(str(node["fact"])) is True
    raise RuleError(f"élément de règle inconnu : {dict(node)!r}")


def evaluate_victim(
    dimension_results: Mapping[str, DimensionResult], rule: Mapping[str, Any], facts: Mapping[str, bool | None]
) -> VictimResult:
    """Apply a victim rule (`all_of`, `any_of`, `fact`) to the dimensions' results and the facts."""
    return VictimResult(_node(rule, dimension_results, facts))


def referenced(node: Any) -> tuple[set[str], set[str]]:
    """Return the dimension codes and the fact names a victim rule refers to.

    >>> dimensions, facts = referenced({"all_of": [{"fact": "act_established"}, {"any_of": ["x", "y"]}]})
    >>> sorted(dimensions), sorted(facts)
    (['x', 'y'], ['act_established'])
    """
    dimensions: set[str] = set()
    facts: set[str] = set()
    children: Iterable[Any] = ()
    if isinstance(node, str):
        dimensions.add(node)
    elif isinstance(node, Mapping):
        if "fact" in node:
            facts.add(str(node["fact"]))
        children = [*node.get("all_of", ()), *node.get("any_of", ())]
    for child in children:
        d, f = referenced(child)
        dimensions |= d
        facts |= f
    return dimensions, facts


def check_dimension_rule(rule: Any) -> None:
    """Raise RuleError unless `rule` is a well-formed dimension rule."""
    if not isinstance(rule, Mapping) or not isinstance(rule.get("any_of"), list) or not rule["any_of"]:
        raise RuleError("la règle de dimension doit avoir une liste « any_of » non vide")
    for threshold in rule["any_of"]:
        if not isinstance(threshold, Mapping) or not threshold:
            raise RuleError(f"seuil invalide : {threshold!r}")
        for key, value in threshold.items():
            threshold_strengths(str(key))
            if not isinstance(value, int) or value < 1:
                raise RuleError(f"le seuil {key} doit être un entier positif")
