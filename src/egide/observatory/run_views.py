"""Pages of linkage runs: list and start, run detail with counts per year, review of possible duplicates."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from egide.accounts.roles import Cap
from egide.core.access import capability, route_policy
from egide.observatory import actions, policies, selectors
from egide.observatory.forms import DecisionForm, RunForm
from egide.observatory.models import LinkageRun, ReviewPair
from egide.observatory.vocabulary import Decision
from egide_analytics.submission import BY_NAME

READ = capability(Cap.OBSERVATORY_LINK, Cap.OBSERVATORY_VIEW, Cap.OBSERVATORY_SUBMISSIONS_MANAGE)
LINK = capability(Cap.OBSERVATORY_LINK)
# The codes shown beside a possible duplicate: enough to judge, never an identity.
REVIEW_VARIABLES = ("sex", "age_group", "nationality", "forms", "status", "minor_at_start")


@route_policy(READ)
@require_http_methods(["GET", "POST"])
def run_list(request: HttpRequest) -> HttpResponse:
    """List runs; the statistician starts a new one here."""
    form = RunForm(request.POST or None)
    if request.method == "POST":
        if not policies.can_link(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                run = actions.do_start_run(acting_user=request.user, **form.cleaned_data)
            except actions.RunRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Appariement n° {run.pk} lancé : il s'exécute en arrière-plan.")
                return redirect("observatory:run_detail", run_id=run.pk)
    page = Paginator(LinkageRun.objects.select_related("started_by"), 30).get_page(request.GET.get("page"))
    return render(request, "observatory/run_list.html", {
        "page": page, "form": form, "can_link": policies.can_link(request.user),
        "current": selectors.search_submissions(selectors.SubmissionFilters()).count(),
    })  # fmt: skip


@route_policy(READ)
@require_safe
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(LinkageRun.objects.select_related("started_by"), pk=run_id)
    years = [
        {"year": int(year), **counts, "rate_percent": round(100 * counts["duplication_rate"], 1)}
        for year, counts in sorted(run.year_counts.items())
    ]
    decided = run.review_pairs.exclude(decision=Decision.PENDING).count()
    return render(request, "observatory/run_detail.html", {
        "run": run, "years": years, "decided": decided, "can_link": policies.can_link(request.user),
        "submissions": run.submissions.select_related("organisation").order_by("year", "organisation__name"),
    })  # fmt: skip


def _codes(variables: dict[str, object]) -> list[tuple[str, str]]:
    shown = []
    for name in REVIEW_VARIABLES:
        variable, value = BY_NAME[name], variables.get(name, "unknown")
        codes = value if isinstance(value, list) else [value]
        shown.append((variable.title, ", ".join(variable.label(str(c)) for c in codes) or "—"))
    return shown


@route_policy(LINK)
@require_safe
def review(request: HttpRequest, run_id: int) -> HttpResponse:
    """The possible duplicates of a run, highest similarity first: codes and score only."""
    run = get_object_or_404(LinkageRun, pk=run_id)
    show = request.GET.get("voir", "pending")
    pairs = run.review_pairs.select_related(
        "record_a__submission__organisation", "record_b__submission__organisation", "decided_by"
    )
    if show == "pending":
        pairs = pairs.filter(decision=Decision.PENDING)
    page = Paginator(pairs, 25).get_page(request.GET.get("page"))
    rows = [
        {
            "pair": p,
            "codes": [
                (title, a, b)
                for (title, a), (_, b) in zip(_codes(p.record_a.variables), _codes(p.record_b.variables), strict=True)
            ],
        }
        for p in page.object_list
    ]
    return render(request, "observatory/review.html", {"run": run, "page": page, "rows": rows, "show": show})


@route_policy(LINK)
@require_POST
def review_decide(request: HttpRequest, run_id: int, pair_id: int) -> HttpResponse:
    pair = get_object_or_404(ReviewPair, pk=pair_id, run_id=run_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Décision inconnue.")
    else:
        try:
            actions.do_decide_pair(pair, form.cleaned_data["decision"], acting_user=request.user)
        except actions.RunRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Décision enregistrée ; les comptes de l'appariement sont mis à jour.")
    page = request.POST.get("page", "1")
    return redirect(reverse("observatory:review", args=[run_id]) + f"?page={page if page.isdigit() else 1}")
