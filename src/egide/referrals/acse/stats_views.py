"""The Ac.Sé statistics page and its CSV export: aggregates by year, no person, no location."""

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from egide.accounts.roles import Cap
from egide.core.access import capability, route_policy
from egide.referrals.acse import stats

STATISTICS = capability(Cap.ACSE_STATISTICS)


def _year(request: HttpRequest) -> int:
    value = request.GET.get("annee", "")
    years = stats.years()
    return int(value) if value.isdigit() and int(value) in years else timezone.localdate().year


@route_policy(STATISTICS)
@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return render(request, "acse/statistics.html", {
        "rows": stats.by_year(), "year": year, "years": stats.years(), "partners": stats.by_partner(year),
        "active": stats.live_placements(),
    })  # fmt: skip


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


@route_policy(STATISTICS)
@require_safe
def statistics_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="acse-statistiques.csv"'
    response.write("\ufeff")  # Spreadsheets read the BOM as « this file is UTF-8 ».
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["annee", "demandes", "accueils_commences", "accueils_termines", "attente_mediane_jours",
                     "attente_moyenne_jours"])  # fmt: skip
    for row in stats.by_year():
        writer.writerow([row.year, row.requests, row.placements_started, row.placements_ended,
                         _number(row.waiting_median_days), _number(row.waiting_mean_days)])  # fmt: skip
    writer.writerow([])
    writer.writerow(["annee", "organisation_partenaire", "arrivees", "places_utilisees"])
    for year in stats.years():
        for partner in stats.by_partner(year):
            writer.writerow([year, partner.organisation, partner.arrivals, partner.places_used])
    return response
