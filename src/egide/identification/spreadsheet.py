"""Read indicator lists from an XLSX workbook: a sheet « listes », then one sheet per list.

Sheet « listes »: code, titre, profil (adulte/enfant), formes (codes separated by « ; »),
regle (empty or « oit_delphi »: the ILO/EC rules for the profile), statut (optional:
brouillon or verifiee). Each list's sheet, named by its code: dimension, code, libelle_fr,
libelle_en, force (forte/moyenne/faible or strong/medium/weak), incertain (oui/non).
"""

from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from egide.identification.loader import (
    DimensionSpec,
    IndicatorSpec,
    ListSpec,
    ParseResult,
    build_rules,
    check_spec,
    shipped_data,
)
from egide.identification.vocabulary import PROFILE_WORDS, STRENGTH_WORDS, ListStatus

LISTS_SHEET = "listes"
LIST_COLUMNS = ("code", "titre", "profil", "formes", "regle")
INDICATOR_COLUMNS = ("dimension", "code", "libelle_fr", "libelle_en", "force", "incertain")
RULE_NAMES = {"", "oit_delphi"}
YES, NO = {"oui", "o", "yes", "vrai", "1"}, {"non", "n", "no", "faux", "0", ""}
STATUS_WORDS = {"": ListStatus.DRAFT_UNVERIFIED, "brouillon": ListStatus.DRAFT_UNVERIFIED,
                "verifiee": ListStatus.VERIFIED, "vérifiée": ListStatus.VERIFIED}  # fmt: skip


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _rows(sheet: Worksheet, required: tuple[str, ...], errors: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Return (row number, values by column name) for every non-empty row under the header."""
    rows = list(sheet.iter_rows(values_only=True))
    header = [_text(h).lower() for h in (rows[0] if rows else ())]
    missing = [c for c in required if c not in header]
    if missing:
        errors.append(f"feuille « {sheet.title} », ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}.")
        return []
    result = []
    for number, row in enumerate(rows[1:], start=2):
        values = {name: _text(v) for name, v in zip(header, row, strict=False) if name}
        if any(values.values()):
            result.append((number, values))
    return result


def _list_row(number: int, v: dict[str, str], errors: list[str]) -> ListSpec | None:
    where = f"feuille « {LISTS_SHEET} », ligne {number}"
    before = len(errors)
    profile = PROFILE_WORDS.get(v["profil"].lower())
    if not v["code"]:
        errors.append(f"{where}, colonne code : code obligatoire.")
    if profile is None:
        errors.append(f"{where}, colonne profil : profil inconnu « {v['profil']} » (attendu : adulte ou enfant).")
    if v["regle"].lower() not in RULE_NAMES:
        errors.append(f"{where}, colonne regle : règle inconnue « {v['regle']} » (attendu : oit_delphi).")
    status = STATUS_WORDS.get(v.get("statut", "").lower())
    if status is None:
        errors.append(f"{where}, colonne statut : statut inconnu « {v['statut']} » (brouillon ou verifiee).")
    if len(errors) > before or profile is None or status is None:
        return None
    combination = shipped_data()["combination_rule"]
    forms = [f.strip().upper() for f in v["formes"].replace(",", ";").split(";") if f.strip()]
    source = "Fichier XLSX chargé par la coordination nationale"
    rules = build_rules(combination, "", profile) or {}
    return ListSpec(v["code"], v["titre"] or v["code"], profile, forms, status, source, rules, [])


def _indicators(sheet: Worksheet, spec: ListSpec, errors: list[str]) -> None:
    catalogue = {d["id"]: d for d in shipped_data()["dimensions"]}
    # Every dimension of the catalogue, empty ones included, so that the rules can refer to them.
    dimensions = {
        code: DimensionSpec(code, str(meta["label_fr"]), str(meta["palermo_element"]))
        for code, meta in catalogue.items()
    }
    seen: set[tuple[str, str]] = set()
    for number, v in _rows(sheet, INDICATOR_COLUMNS, errors):
        where = f"feuille « {sheet.title} », ligne {number}"
        dim_code, code = v["dimension"], v["code"]
        strength = STRENGTH_WORDS.get(v["force"].lower())
        uncertain = v["incertain"].lower()
        problems = []
        if dim_code not in catalogue:
            problems.append(f"{where}, colonne dimension : dimension inconnue « {dim_code} ».")
        if not code:
            problems.append(f"{where}, colonne code : code obligatoire.")
        elif (dim_code, code) in seen:
            problems.append(f"{where}, colonne code : code en double « {code} » dans la dimension {dim_code}.")
        if strength is None:
            problems.append(
                f"{where}, colonne force : force inconnue « {v['force']} » (attendu : forte, moyenne, faible)."
            )
        if uncertain not in YES | NO:
            problems.append(f"{where}, colonne incertain : valeur « {v['incertain']} » (attendu : oui ou non).")
        if not v["libelle_fr"]:
            problems.append(f"{where}, colonne libelle_fr : libellé obligatoire.")
        errors.extend(problems)
        if problems or strength is None:
            continue
        seen.add((dim_code, code))
        dimensions[dim_code].indicators.append(
            IndicatorSpec(code, v["libelle_fr"], v["libelle_en"], strength, uncertain in YES)
        )
    spec.dimensions = list(dimensions.values())


def parse_xlsx(content: bytes) -> ParseResult:
    """Read every list of a workbook; report every problem with its sheet, row and column."""
    result = ParseResult()
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a bad file
        result.errors.append("Fichier XLSX illisible.")
        return result
    if LISTS_SHEET not in workbook.sheetnames:
        result.errors.append(f"Feuille « {LISTS_SHEET} » absente : elle décrit les listes (code, titre, profil).")
        return result
    for number, values in _rows(workbook[LISTS_SHEET], LIST_COLUMNS, result.errors):
        spec = _list_row(number, values, result.errors)
        if spec is None:
            continue
        if spec.code not in workbook.sheetnames:
            result.errors.append(f"feuille « {spec.code} » absente (liste déclarée ligne {number} de « listes »).")
            continue
        _indicators(workbook[spec.code], spec, result.errors)
        result.errors.extend(check_spec(spec, f"feuille « {spec.code} »"))
        result.lists.append(spec)
    if not result.lists and not result.errors:
        result.errors.append(f"Aucune liste déclarée dans la feuille « {LISTS_SHEET} ».")
    return result
