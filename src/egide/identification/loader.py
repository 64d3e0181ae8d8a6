"""Read indicator lists from the shipped YAML or an uploaded YAML file, and check them.

Parsing never writes: it returns `ListSpec`s and every problem found, in French. Writing a
list is `actions.do_load_indicator_lists`; `actions.load_shipped_lists` loads the shipped file.
"""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from egide.identification import rules
from egide.identification.vocabulary import (
    ListStatus,
    PalermoElement,
    Profile,
    Strength,
)
from egide.organisations.vocabulary import ExploitationForm

SHIPPED_FILE = Path(__file__).parent / "data" / "ilo-indicators.yaml"

# What the ILO/EC YAML does not say about each list: its French title, profile and forms.
KNOWN_LISTS: dict[str, tuple[str, Profile, list[str]]] = {
    "adult_labour": ("OIT/CE — adultes, exploitation par le travail", Profile.ADULT,
                     [ExploitationForm.LABOUR_DOMESTIC, ExploitationForm.LABOUR_OTHER]),
    "child_labour": ("OIT/CE — mineurs, exploitation par le travail", Profile.CHILD,
                     [ExploitationForm.LABOUR_DOMESTIC, ExploitationForm.LABOUR_OTHER]),
    "adult_sexual": ("OIT/CE — adultes, exploitation sexuelle", Profile.ADULT, [ExploitationForm.SEXUAL]),
    "child_sexual": ("OIT/CE — mineurs, exploitation sexuelle", Profile.CHILD, [ExploitationForm.SEXUAL]),
}  # fmt: skip


@dataclass
class IndicatorSpec:
    code: str
    label: str
    label_en: str
    strength: str
    uncertain: bool


@dataclass
class DimensionSpec:
    code: str
    label: str
    palermo_element: str
    indicators: list[IndicatorSpec] = field(default_factory=list)


@dataclass
class ListSpec:
    code: str
    title: str
    profile: str
    exploitation_forms: list[str]
    status: str
    source: str
    rules: dict[str, Any]
    dimensions: list[DimensionSpec]

    def content_hash(self) -> str:
        """Hash everything a version is made of, so that reloading the same content is a no-op."""
        canonical = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def indicator_count(self) -> int:
        return sum(len(d.indicators) for d in self.dimensions)


@dataclass
class ParseResult:
    lists: list[ListSpec] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _victim_rule_for(combination: dict[str, Any], code: str, profile: str) -> dict[str, Any] | None:
    """Find the victim rule that applies to `code`, else the one for its profile."""
    victim = combination.get("victim") or {}
    wanted = "children" if profile == Profile.CHILD else "adults"
    for rule in victim.values():
        if code in (rule.get("applies_to") or []):
            return dict(rule)
    rule = victim.get(wanted)
    return dict(rule) if rule else None


def build_rules(combination: dict[str, Any], code: str, profile: str) -> dict[str, Any] | None:
    victim = _victim_rule_for(combination, code, profile)
    if victim is None or "dimension_positive" not in combination:
        return None
    node = {k: victim[k] for k in ("all_of", "any_of", "fact") if k in victim}
    return {
        "dimension_positive": {"any_of": combination["dimension_positive"].get("any_of")},
        "victim": node,
        "means_required": bool(victim.get("means_required", True)),
        "expression": str(victim.get("expression", "")),
    }


def check_spec(spec: ListSpec, where: str) -> list[str]:
    """Return every problem of a list, each naming where it is."""
    errors: list[str] = []
    if spec.profile not in Profile.values:
        errors.append(f"{where} : profil inconnu « {spec.profile} » (attendu : adulte ou enfant).")
    unknown_forms = [f for f in spec.exploitation_forms if f not in ExploitationForm.values]
    if unknown_forms:
        errors.append(f"{where} : forme(s) d'exploitation inconnue(s) : {', '.join(unknown_forms)}.")
    if not spec.exploitation_forms:
        errors.append(f"{where} : aucune forme d'exploitation couverte.")
    if spec.indicator_count == 0:
        errors.append(f"{where} : la liste est vide (aucun indicateur).")
    try:
        rules.check_dimension_rule(spec.rules.get("dimension_positive"))
    except rules.RuleError as error:
        errors.append(f"{where} : règle de dimension invalide : {error}.")
    dimension_codes, _ = rules.referenced(spec.rules.get("victim"))
    known = {d.code: d for d in spec.dimensions}
    missing = sorted(dimension_codes - set(known))
    if missing:
        errors.append(f"{where} : la règle de conclusion cite des dimensions inconnues : {', '.join(missing)}.")
    means = sorted(c for c in dimension_codes & set(known) if known[c].palermo_element == PalermoElement.MEANS)
    if spec.profile == Profile.CHILD and means:
        errors.append(
            f"{where} : pour un mineur, aucune dimension « moyens » ne peut être exigée "
            f"(art. 225-4-1 II du Code pénal) ; la règle exige : {', '.join(means)}."
        )
    return errors


def _indicator(item: dict[str, Any], where: str, errors: list[str]) -> IndicatorSpec | None:
    code, strength = str(item.get("id") or "").strip(), str(item.get("strength") or "").strip()
    if not code:
        errors.append(f"{where} : indicateur sans identifiant.")
        return None
    if strength not in Strength.values:
        errors.append(f"{where}, indicateur {code} : force inconnue « {strength} » (attendu : strong, medium, weak).")
        return None
    return IndicatorSpec(code, str(item.get("label_fr") or ""), str(item.get("label_en") or ""), strength,
                         bool(item.get("uncertain", False)))  # fmt: skip


def _dimensions(data: dict[str, Any], code: str, raw: dict[str, Any], errors: list[str]) -> list[DimensionSpec]:
    catalogue = {d["id"]: d for d in data.get("dimensions") or []}
    result = []
    for dim_code, items in raw.items():
        where = f"liste {code}, dimension {dim_code}"
        if dim_code not in catalogue:
            errors.append(f"{where} : dimension inconnue.")
            continue
        meta = catalogue[dim_code]
        dim = DimensionSpec(dim_code, str(meta.get("label_fr") or dim_code), str(meta.get("palermo_element") or ""))
        seen: set[str] = set()
        for item in items or []:
            indicator = _indicator(item, where, errors)
            if indicator is None:
                continue
            if indicator.code in seen:
                errors.append(f"{where} : code en double « {indicator.code} ».")
                continue
            seen.add(indicator.code)
            dim.indicators.append(indicator)
        result.append(dim)
    return result


def parse_yaml(text: str | bytes) -> ParseResult:
    """Read lists in the schema of `ilo-indicators.yaml`; lists without indicators are skipped."""
    result = ParseResult()
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        result.errors.append(f"Fichier YAML illisible : {error}")
        return result
    if not isinstance(data, dict) or not isinstance(data.get("lists"), dict):
        result.errors.append("Fichier YAML : la clé « lists » est absente.")
        return result
    status = ListStatus.VERIFIED if data.get("dataset_status") == "verified" else ListStatus.DRAFT_UNVERIFIED
    meta = data.get("list_meta") or {}
    for code, raw in data["lists"].items():
        title, profile, forms = KNOWN_LISTS.get(code, ("", "", []))
        own = meta.get(code) or {}
        title, profile = str(own.get("title_fr") or title), str(own.get("profile") or profile)
        forms = [str(f) for f in own.get("exploitation_forms") or forms]
        if not title:
            result.errors.append(f"liste {code} : liste inconnue ; donnez son titre, son profil et ses formes "
                                 "dans « list_meta ».")  # fmt: skip
            continue
        spec = ListSpec(code, title, profile, forms, status, str(data.get("source") or ""),
                        build_rules(data.get("combination_rule") or {}, code, profile) or {},
                        _dimensions(data, code, raw or {}, result.errors))  # fmt: skip
        if spec.indicator_count == 0:
            result.skipped.append(f"liste {code} : aucun indicateur, non chargée (à ne pas utiliser pour un repérage).")
            continue
        result.errors.extend(check_spec(spec, f"liste {code}"))
        result.lists.append(spec)
    return result


@cache
def shipped_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SHIPPED_FILE.read_text(encoding="utf-8"))
    return data


def shipped_lists() -> ParseResult:
    return parse_yaml(SHIPPED_FILE.read_bytes())
