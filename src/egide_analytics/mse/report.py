"""Present a population estimate in French: a text report, a JSON-ready dict, and its warnings."""

import math
from dataclasses import dataclass
from typing import Any

from egide_analytics.mse.estimate import DropReason, Method, PopulationEstimate
from egide_analytics.mse.intervals import Interval
from egide_analytics.mse.model import FitStatus, LogLinearEngine, Pair
from egide_analytics.mse.search import EXHAUSTIVE_MAX_PAIRS, Criterion, criterion_value

METHOD_LABELS = {
    Method.STEPWISE: "pas à pas de Chan, Silverman & Vincent (2021)",
    Method.AIC: "critère d'Akaike (AIC)",
    Method.BIC: "critère bayésien (BIC)",
    Method.FIXED: "modèle fixé",
}
TIMES = "×"
THIN_SPACE = "\u202f"


@dataclass(frozen=True)
class Notice:
    """A warning for the reader: a stable `code` for programs and a French `message`."""

    code: str
    message: str


def notices(result: PopulationEstimate) -> list[Notice]:
    """Return what the reader must know to judge the estimate, most serious first."""
    found = _sparsity_notices(result) if result.too_sparse else []
    found += [_dropped_notice(result, index) for index in range(len(result.dropped))]
    names = result.table.lists
    for first, second in result.fit.minus_infinity:
        found.append(Notice(
            "minus_infinity",
            f"Les listes {names[first]} et {names[second]} n'ont aucune personne en commun : leur interaction "
            "est estimée à −∞ (aucune personne attendue sur les deux à la fois).",
        ))  # fmt: skip
    if result.search.rejected:
        found.append(Notice(
            "rejected_models",
            f"{result.search.rejected} modèle(s) candidat(s) écarté(s) : non identifiables ou sans estimation "
            "finie sur ces données.",
        ))  # fmt: skip
    if result.method in (Method.AIC, Method.BIC) and not result.search.exhaustive:
        found.append(Notice(
            "greedy_search",
            f"Plus de {EXHAUSTIVE_MAX_PAIRS} paires de listes : le meilleur modèle est cherché en ajoutant ou retirant "
            "une interaction à la fois, sans parcourir tous les modèles.",
        ))  # fmt: skip
    if not result.too_sparse:
        found += _interval_notices(result)
    return found


def format_text(result: PopulationEstimate) -> str:
    """Return the report printed by `egide estimate-population`."""
    lines = [
        "Estimation de la population cachée (estimation par systèmes multiples)",
        f"Listes analysées ({len(result.table.lists)}) : {', '.join(result.table.lists)}",
        f"Personnes observées : {_integer(result.observed)}",
        f"Méthode : {_method_label(result)}",
    ]
    if result.too_sparse:
        reason = "le modèle demandé ne le permet pas" if result.method is Method.FIXED else "listes trop clairsemées"
        lines.append(f"Estimation impossible : {reason} (voir les avertissements).")
    else:
        lines.append(f"Modèle retenu : {_model_label(result)}")
        lines += _steps_lines(result)
        lines += [
            f"Personnes non observées (estimation) : {_integer(result.unseen)}",
            f"Population totale estimée : {_integer(result.estimate)}",
        ]
        if result.bootstrap is not None:
            lines.append(_interval_line(result, result.bootstrap.interval))
        if result.profile is not None:
            lines.append(_interval_line(result, result.profile))
    warnings = notices(result)
    if warnings:
        lines.append("Avertissements :")
        lines += [f"  - {notice.message}" for notice in warnings]
    return "\n".join(lines) + "\n"


def to_dict(result: PopulationEstimate) -> dict[str, Any]:
    """Return the result as plain JSON types (a −∞ parameter is listed in `minus_infinity`, never as a number)."""
    fit = result.fit
    data: dict[str, Any] = {
        "lists": list(result.table.lists),
        "dropped_lists": [
            {"list": drop.name, "reason": drop.reason.value, "same_as": drop.same_as or None} for drop in result.dropped
        ],
        "observed": result.observed,
        "method": result.method.value,
        "threshold": result.threshold if result.method is Method.STEPWISE else None,
        "status": result.status,
        "estimate": result.estimate,
        "unseen": result.unseen,
        "model": {
            "interactions": [list(pair) for pair in result.pair_names(fit.pairs)],
            "minus_infinity": [list(pair) for pair in result.pair_names(fit.minus_infinity)],
            "status": fit.status.value,
            "aic": _number(fit.aic) if fit.ok else None,
            "bic": _number(fit.bic) if fit.ok else None,
            "parameters": _parameters(result) if fit.ok else None,
        },
        "steps": [
            {
                "interaction": list(result.pair_names([step.pair])[0]),
                "p_value": step.p_value,
                "overlap": step.overlap,
                "expected": step.expected,
            }
            for step in result.search.steps
        ],
        "interval": _interval_dict(result.interval),
        "profile_interval": _interval_dict(result.profile),
        "bootstrap": None,
        "warnings": [{"code": notice.code, "message": notice.message} for notice in notices(result)],
    }
    if result.bootstrap is not None:
        boot = result.bootstrap
        data["bootstrap"] = {
            "replicates": len(boot.replicates),
            "seed": boot.seed,
            "failed": boot.failed,
            "acceleration": boot.acceleration,
            "bias_correction": boot.bias_correction,
        }
    return data


def _sparsity_notices(result: PopulationEstimate) -> list[Notice]:
    names = result.table.lists
    if len(names) < 2:
        return [Notice("too_sparse", "Listes trop clairsemées : il reste moins de deux listes informatives, "
                                     "aucun recoupement ne permet d'estimer les personnes non observées.")]  # fmt: skip
    apart = _pairs_without_overlap(result)
    detail = f" Paires de listes sans personne en commun : {', '.join(apart)}." if apart else ""
    identifiable = result.fit.status is not FitStatus.NOT_IDENTIFIABLE
    if result.method is Method.FIXED:
        reason = "n'a pas d'estimation finie" if identifiable else "n'est pas identifiable"
        return [Notice(result.fit.status.value, f"Le modèle demandé {reason} sur ces données : aucun nombre n'est "
                                                f"donné.{detail}")]  # fmt: skip
    reason = (
        "même le modèle le plus simple (effets principaux) n'a pas d'estimation finie"
        if identifiable
        else "le modèle le plus simple (effets principaux) n'est pas identifiable"
    )
    return [Notice("too_sparse", f"Listes trop clairsemées : {reason} ; les recoupements entre listes ne suffisent "
                                 f"pas à estimer les personnes non observées.{detail}")]  # fmt: skip


def _pairs_without_overlap(result: PopulationEstimate) -> list[str]:
    engine = LogLinearEngine(len(result.table.lists))
    overlaps = engine.overlaps(result.table.cell_counts())
    apart = [pair for pair, overlap in zip(engine.all_pairs, overlaps, strict=True) if overlap == 0]
    return [_pair_label(result, pair) for pair in apart]


def _dropped_notice(result: PopulationEstimate, index: int) -> Notice:
    drop = result.dropped[index]
    if drop.reason is DropReason.EMPTY:
        text = f"La liste {drop.name} ne contient personne : elle est écartée."
    elif drop.reason is DropReason.EVERYONE:
        text = (f"La liste {drop.name} contient toutes les personnes observées : elle ne dit rien de celles qu'aucune "
                "liste ne voit et elle est écartée ; les personnes vues par elle seule comptent alors parmi les "
                "non-observées des autres listes.")  # fmt: skip
    else:
        text = f"La liste {drop.name} reproduit exactement la liste {drop.same_as} : elle est écartée."
    return Notice("list_dropped", text)


def _interval_notices(result: PopulationEstimate) -> list[Notice]:
    found = []
    boot = result.bootstrap
    if boot is None:
        found.append(Notice(
            "no_bootstrap",
            "Sans bootstrap, l'intervalle est celui du modèle retenu : il ignore l'incertitude du choix du modèle "
            "et est souvent trop étroit (relancer avec --bootstrap 1000).",
        ))  # fmt: skip
    else:
        if boot.failed:
            found.append(Notice(
                "bootstrap_failed",
                f"{boot.failed} réplication(s) bootstrap sur {len(boot.replicates)} sans estimation finie, comptées "
                "comme une population infinie.",
            ))  # fmt: skip
        if boot.jackknife_failed:
            found.append(Notice(
                "jackknife_failed",
                "Le jackknife n'a pas d'estimation en retirant certaines personnes : l'accélération BCa est fixée à 0.",
            ))  # fmt: skip
    for interval in (boot.interval if boot else None, result.profile):
        if interval is not None and math.isinf(interval.upper):
            found.append(Notice(
                f"{interval.kind}_unbounded",
                f"L'intervalle {_kind_label(interval)} n'a pas de borne supérieure : les données ne bornent pas la "
                "population vers le haut.",
            ))  # fmt: skip
    return found


def _method_label(result: PopulationEstimate) -> str:
    label = METHOD_LABELS[result.method]
    if result.method is Method.STEPWISE:
        return f"{label}, seuil p < {_decimal(result.threshold)}"
    return label


def _model_label(result: PopulationEstimate) -> str:
    fit = result.fit
    finite = [_pair_label(result, pair) for pair in fit.finite_pairs]
    label = "effets principaux" + (" + " + ", ".join(finite) if finite else "")
    if fit.minus_infinity:
        label += " ; interactions à −∞ : " + ", ".join(_pair_label(result, pair) for pair in fit.minus_infinity)
    elif not finite:
        label += " seuls"
    if result.method in (Method.AIC, Method.BIC):
        criterion = Criterion(result.method.value)
        label += f" ({criterion.value.upper()} = {_decimal(criterion_value(fit, criterion), 2)})"
    return label


def _steps_lines(result: PopulationEstimate) -> list[str]:
    if result.method is not Method.STEPWISE:
        return []
    if not result.search.steps:
        return ["Étapes : aucune interaction n'atteint le seuil."]
    lines = ["Étapes :"]
    for number, step in enumerate(result.search.steps, start=1):
        lines.append(
            f"  {number}. {_pair_label(result, step.pair)} : p = {_p_value(step.p_value)} "
            f"({_integer(step.overlap)} personne(s) sur les deux listes, {_decimal(step.expected, 1)} attendue(s))"
        )
    return lines


def _interval_line(result: PopulationEstimate, interval: Interval) -> str:
    level = _decimal(interval.level * 100, 0 if (interval.level * 100).is_integer() else 1)
    if interval.kind == "bca" and result.bootstrap is not None:
        detail = (
            f"bootstrap BCa, {_integer(len(result.bootstrap.replicates))} réplications, graine {result.bootstrap.seed}"
        )
        return f"Intervalle de confiance à {level} % ({detail}) : {_bound(interval.lower)} – {_bound(interval.upper)}"
    return (f"Intervalle à {level} % du modèle retenu (vraisemblance profilée, sans l'incertitude du choix du "
            f"modèle) : {_bound(interval.lower)} – {_bound(interval.upper)}")  # fmt: skip


def _kind_label(interval: Interval) -> str:
    return "bootstrap BCa" if interval.kind == "bca" else "de vraisemblance profilée"


def _parameters(result: PopulationEstimate) -> dict[str, float]:
    fit = result.fit
    assert fit.coefficients is not None
    labels = ["constante", *result.table.lists, *(_pair_label(result, pair) for pair in fit.finite_pairs)]
    return {label: float(value) for label, value in zip(labels, fit.coefficients, strict=True)}


def _interval_dict(interval: Interval | None) -> dict[str, Any] | None:
    if interval is None:
        return None
    # JSON has no infinity: an unbounded end is null.
    return {"kind": interval.kind, "level": interval.level, "lower": _number(interval.lower),
            "upper": _number(interval.upper)}  # fmt: skip


def _pair_label(result: PopulationEstimate, pair: Pair) -> str:
    first, second = result.pair_names([pair])[0]
    return f"{first}{TIMES}{second}"


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _integer(value: float | None) -> str:
    assert value is not None
    return f"{round(value):,}".replace(",", THIN_SPACE)


def _bound(value: float) -> str:
    return "+∞" if math.isinf(value) else _integer(value)


def _decimal(value: float, digits: int = 2) -> str:
    text = f"{value:,.{digits}f}" if digits else f"{value:,.0f}"
    return text.replace(",", THIN_SPACE).replace(".", ",")


def _p_value(value: float) -> str:
    if value >= 0.001:
        return _decimal(value, 4)
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa.replace('.', ',')} × 10^{int(exponent)}"
