"""The authorization matrix: every route × every kind of caller, status and side effects.

Routes are discovered from the URL resolver and the API, never listed by hand, so a new
route that is missing from `EXPECTED` fails `test_every_route_is_in_the_matrix`, and one
without a declared policy fails `test_every_route_declares_a_policy`. Each call is made by
the anonymous public and by every role, both as a member of the organisation that owns
the object and as a member of another organisation; each must get the expected status
and leave the database exactly as it was.
"""

import datetime
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import log_in
from django.apps import apps
from django.test import Client
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver

from egide.accounts.actions import do_create_api_token
from egide.accounts.models import Membership, User
from egide.accounts.roles import Role
from egide.accounts.teams import do_create_team, do_set_membership_team
from egide.api import api
from egide.cases.actions import do_open_case
from egide.cases.consent import do_record_consent
from egide.cases.identity import Identity, PartialDate
from egide.cases.models import BreakGlass, Case
from egide.cases.sealing import do_seal_case
from egide.core.access import policy_of
from egide.core.api import api_operations
from egide.core.models import AuditEvent, AuditKind, Commune, Departement, Region
from egide.identification.actions import ScreeningData, do_create_screening, do_record_answers, load_shipped_lists
from egide.identification.models import Indicator, IndicatorList
from egide.observatory.actions import do_receive_submission
from egide.observatory.incoming import Incoming, IncomingRecord
from egide.observatory.models import LinkageRun, ReviewPair
from egide.observatory.publication.models import Release, ReleaseFile
from egide.observatory.publication.vocabulary import FileKind, ReleaseState
from egide.observatory.reports.models import AnnualReport
from egide.observatory.reports.vocabulary import ReportState
from egide.observatory.vocabulary import Channel, RunState
from egide.organisations.models import Organisation
from egide.organisations.tests.factories import OrganisationFactory
from egide.organisations.vocabulary import AddressVisibility, Kind, Service
from egide.referrals.acse.actions import RequestData, ShelterData, do_create_shelter, do_open_request
from egide.referrals.acse.matching import refusals as acse_refusals
from egide.referrals.acse.sealed import AvoidPlace, ShelterLocation
from egide.referrals.acse.workflow import do_propose_placement
from egide.referrals.actions import do_send_referral
from egide.referrals.models import Referral
from egide.referrals.transfers import do_propose_transfer
from egide.support import actions as support_actions

ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Caller:
    role: Role | None  # None: anonymous
    own: bool  # member of the organisation that owns the object under test

    def __str__(self) -> str:
        return ANONYMOUS if self.role is None else f"{self.role.value}@{'own' if self.own else 'other'}"


CALLERS = [Caller(None, False)] + [Caller(role, own) for role in Role for own in (True, False)]

# Expected status of a GET, then of a POST, for one caller.
Rule = Callable[[Caller], tuple[int, int]]


def everyone(get: int = 200, post: int = 405) -> Rule:
    return lambda c: (get, post)


def login_then(allowed: Callable[[Caller], bool], get: int = 200, post: int = 200, denied: int = 403) -> Rule:
    """Anonymous callers are sent to the login page; others get `denied` unless allowed."""

    def rule(c: Caller) -> tuple[int, int]:
        if c.role is None:
            return 302, 302
        return (get, post) if allowed(c) else (denied, denied)

    return rule


def has_role(*roles: Role) -> Callable[[Caller], bool]:
    return lambda c: c.role in roles


def own_role(*roles: Role) -> Callable[[Caller], bool]:
    return lambda c: c.own and c.role in roles


ANY_ROLE: Callable[[Caller], bool] = lambda c: c.role is not None  # noqa: E731
SCREENERS = (Role.CASEWORKER, Role.CASE_SUPERVISOR)
CASE_READERS = (*SCREENERS, Role.VOLUNTEER)


def screening_rule(
    c: Caller, *, own: tuple[int, int], other: tuple[int, int], roles: tuple[Role, ...] = SCREENERS
) -> tuple[int, int]:
    """Statuses on the `own` organisation's screening: by membership for screeners, 403 for other roles."""
    if c.role is None:
        return 302, 302
    if c.role not in roles:
        return 403, 403
    return own if c.own else other


def case_rule(
    c: Caller, *, own: tuple[int, int], other: tuple[int, int], roles: tuple[Role, ...] = SCREENERS
) -> tuple[int, int]:
    """Like `screening_rule`; the volunteer of `own` is not assigned the case, so it is missing for them too."""
    if c.role == Role.VOLUNTEER and Role.VOLUNTEER in roles:
        return screening_rule(Caller(c.role, False), own=own, other=other, roles=roles)
    return screening_rule(c, own=own, other=other, roles=roles)


def acse_rule(
    c: Caller, *, own: tuple[int, int], other: tuple[int, int], hosts: tuple[int, int] | None = None
) -> tuple[int, int]:
    """Ac.Sé routes: `own` for the real coordinator, `other` for the role held elsewhere; `hosts` (when
    the route is theirs too) for the caseworker and supervisor of `own`, `other`'s hosts finding nothing."""
    if c.role is None:
        return 302, 302
    if c.role == Role.ACSE_COORDINATOR:
        return own if c.own else other
    if hosts is not None and c.role in SCREENERS:
        return hosts if c.own else (404, 404 if hosts[1] != 405 else 405)
    return 403, 403


def acse_statistics_api_rule(c: Caller) -> tuple[int, int]:
    if c.role is None:
        return 401, 401
    return (200, 200) if c.role in (Role.ACSE_COORDINATOR, Role.NATIONAL_COORDINATOR) else (403, 403)


def acse_api_rule(c: Caller) -> tuple[int, int]:
    if c.role is None:
        return 401, 401
    if (c.role == Role.ACSE_COORDINATOR and c.own) or (c.role in SCREENERS and c.own):
        return 422, 422
    return (404, 404) if c.role in (Role.ACSE_COORDINATOR, *SCREENERS) else (403, 403)


OBS_READERS = (Role.STATISTICIAN, Role.NATIONAL_COORDINATOR, Role.RAPPORTEUR)
OBS_ROLES = (Role.CASE_SUPERVISOR, *OBS_READERS)
OBS_UPLOADERS = (Role.CASE_SUPERVISOR, Role.STATISTICIAN)


def observatory_rule(c: Caller, *, statistician: tuple[int, int], readers: tuple[int, int] | None = None,
                     supervisor: tuple[int, int] | None = None, supervisor_other: tuple[int, int] | None = None
                     ) -> tuple[int, int]:  # fmt: skip
    """Observatory pages: the statistician, the other readers (national coordinator, rapporteur) and the
    supervisor (of the submission's holder `own`, or of `other`); None: the role is refused (403)."""
    if c.role is None:
        return 302, 302
    by_role = {
        Role.STATISTICIAN: statistician,
        Role.NATIONAL_COORDINATOR: readers,
        Role.RAPPORTEUR: readers,
        Role.CASE_SUPERVISOR: supervisor if c.own else (supervisor_other or supervisor),
    }
    return by_role.get(c.role) or (403, 403)


SUPERVISOR = (Role.CASE_SUPERVISOR,)
TEAM_MANAGERS = (Role.CASE_SUPERVISOR, Role.ORG_ADMIN)
ANSWERERS = (*SCREENERS, Role.ACSE_COORDINATOR)
REFERRERS = ANSWERERS


def referral_rule(
    c: Caller, *, sender: tuple[int, int], recipient: tuple[int, int], roles: tuple[Role, ...] = REFERRERS
) -> tuple[int, int]:
    """Statuses on the referral from `own` to `other`: `own`'s members follow it, `other`'s answer it.

    The Ac.Sé coordinator answers for their own organisation only, and follows no case: on
    the sending side they find nothing (a method the route refuses is still refused first).
    """
    if c.role is None:
        return 302, 302
    if c.role not in roles:
        return 403, 403
    if c.own and c.role == Role.ACSE_COORDINATOR:
        get, post = (status if status == 405 else 404 for status in sender)
        return get, post
    return sender if c.own else recipient


def api_rule(allowed: tuple[Role, ...], own: int, other: int) -> Rule:
    """Statuses of an API operation: 401 anonymous, 403 without the capability, else by membership."""

    def rule(c: Caller) -> tuple[int, int]:
        if c.role is None:
            return 401, 401
        if c.role not in allowed:
            return 403, 403
        status = own if c.own else other
        return status, status

    return rule


# A POST without data: forms answer 200 with their errors and must write nothing.
EXPECTED: dict[str, Rule] = {
    "public:home": everyone(),
    "public:accessibility": everyone(),
    "public:privacy": everyone(),
    "organisations:map": everyone(),
    "organisations:directory": everyone(),
    "organisations:detail": everyone(),
    "organisations:edit": login_then(
        lambda c: own_role(Role.ORG_ADMIN)(c) or has_role(Role.NATIONAL_COORDINATOR)(c), denied=404
    ),
    "organisations:create": login_then(has_role(Role.NATIONAL_COORDINATOR)),
    "organisations:import": login_then(has_role(Role.NATIONAL_COORDINATOR)),
    # Without a file waiting in the session, the report and the confirmation send back to the upload.
    "organisations:import_report": login_then(has_role(Role.NATIONAL_COORDINATOR), get=302, post=405),
    "organisations:import_confirm": login_then(has_role(Role.NATIONAL_COORDINATOR), get=405, post=302),
    "organisations:export": login_then(has_role(Role.NATIONAL_COORDINATOR, Role.STATISTICIAN), post=405),
    "accounts:home": login_then(ANY_ROLE, post=405),
    "accounts:login": lambda c: (200, 200) if c.role is None else (302, 302),
    "accounts:logout": lambda c: (405, 302),
    "accounts:mfa_setup": login_then(ANY_ROLE),
    "accounts:mfa_verify": login_then(ANY_ROLE),
    "accounts:api_tokens": login_then(ANY_ROLE),
    # The token belongs to someone else: nobody may revoke it.
    "accounts:api_token_revoke": lambda c: (302, 302) if c.role is None else (405, 404),
    "core:audit_log": login_then(has_role(Role.PLATFORM_ADMIN), post=405),
    "identification:screening_list": login_then(has_role(*SCREENERS), post=405),
    "identification:screening_create": login_then(has_role(*SCREENERS)),
    # The screening belongs to `own`: other organisations' screeners get 404, like a missing one.
    "identification:screening_detail": lambda c: screening_rule(c, own=(200, 405), other=(404, 405)),
    "identification:screening_answers": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    # An empty POST lacks the confirmation box: back to the screening, nothing confirmed.
    "identification:screening_confirm": lambda c: screening_rule(
        c, own=(405, 302), other=(405, 404), roles=(Role.CASE_SUPERVISOR,)
    ),
    "identification:indicator_lists": login_then(has_role(Role.NATIONAL_COORDINATOR)),
    # Cases: caseworkers and supervisors of the owning organisation only; the case belongs to `own`.
    "cases:case_list": login_then(has_role(*CASE_READERS), post=405),
    "cases:case_create": login_then(has_role(*SCREENERS)),
    "cases:case_detail": lambda c: case_rule(c, own=(200, 405), other=(404, 405), roles=CASE_READERS),
    "cases:identity_edit": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    # An empty POST lacks the confirmation box: back to the case, nothing closed.
    "cases:case_close": lambda c: screening_rule(c, own=(405, 302), other=(405, 404)),
    "cases:consent_record": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    "cases:status_record": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    # Empty POSTs name no consent, decision or screening: back to the case, nothing written.
    "cases:consent_withdraw": lambda c: screening_rule(c, own=(405, 302), other=(405, 404)),
    "cases:screening_attach": lambda c: screening_rule(c, own=(405, 302), other=(405, 404)),
    "cases:status_confirm": lambda c: screening_rule(
        c, own=(405, 302), other=(405, 404), roles=(Role.CASE_SUPERVISOR,)
    ),
    # The case profile is edited like the identity; an empty POST of an event lacks its step and place.
    "cases:profile_edit": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    "cases:event_add": lambda c: screening_rule(c, own=(405, 200), other=(405, 404)),
    "cases:event_delete": lambda c: screening_rule(c, own=(405, 302), other=(405, 404)),
    "cases:consent_texts": login_then(has_role(*CASE_READERS), post=405),
    # HTCDS exchange: supervisors, each for the cases of their own organisation.
    "cases:htcds_export": login_then(has_role(Role.CASE_SUPERVISOR), post=405),
    "cases:htcds_import": login_then(has_role(Role.CASE_SUPERVISOR)),
    "cases:htcds_import_report": login_then(has_role(Role.CASE_SUPERVISOR), get=302, post=405),
    "cases:htcds_import_confirm": login_then(has_role(Role.CASE_SUPERVISOR), get=405, post=302),
    # Support: the dashboard lists the caller's own cases; the rest follows the case of `own`.
    "support:dashboard": login_then(has_role(*CASE_READERS), post=405),
    "support:timeline": lambda c: case_rule(c, own=(200, 405), other=(404, 405), roles=CASE_READERS),
    "support:needs_edit": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    "support:service_create": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    "support:service_edit": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    "support:procedure_create": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    "support:procedure_edit": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    "support:pathway_edit": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    "support:pathway_renew": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    # An empty POST names no task: back to the case, nothing done.
    "support:task_done": lambda c: screening_rule(c, own=(405, 302), other=(405, 404)),
    # Who sees a case. The case is assigned to the caseworker of `own`, in no team, not sealed.
    "cases:alerts": login_then(has_role(*SUPERVISOR), post=405),
    # An empty POST names no decision: the page again with the error, nothing reviewed.
    "cases:alert_review": lambda c: screening_rule(c, own=(405, 200), other=(405, 404), roles=SUPERVISOR),
    "cases:case_assign": lambda c: case_rule(c, own=(200, 200), other=(404, 404), roles=SUPERVISOR),
    "cases:case_seal": lambda c: case_rule(c, own=(200, 200), other=(404, 404), roles=SUPERVISOR),
    "cases:legal_hold": lambda c: case_rule(c, own=(200, 200), other=(404, 404), roles=SUPERVISOR),
    # The case is not sealed: breaking the glass sends back to the case.
    "cases:break_glass": lambda c: case_rule(c, own=(302, 302), other=(404, 404)),
    "cases:case_export": lambda c: case_rule(c, own=(200, 200), other=(404, 404)),
    "cases:minor_section": lambda c: case_rule(c, own=(200, 200), other=(404, 404), roles=CASE_READERS),
    # Teams: supervisors and admins manage those of their own organisation; the team of `own` has a member,
    # so an empty POST deletes nothing, and the caseworker's membership stays in no team.
    "accounts:teams": login_then(has_role(*TEAM_MANAGERS), get=302, post=405),
    "accounts:teams_organisation": lambda c: screening_rule(c, own=(200, 200), other=(404, 404), roles=TEAM_MANAGERS),
    "accounts:team_rename": lambda c: screening_rule(c, own=(405, 200), other=(405, 404), roles=TEAM_MANAGERS),
    "accounts:team_delete": lambda c: screening_rule(c, own=(405, 200), other=(405, 404), roles=TEAM_MANAGERS),
    "accounts:membership_team": lambda c: screening_rule(c, own=(405, 302), other=(405, 404), roles=TEAM_MANAGERS),
    # Notifications: every logged-in user has their own; an empty POST marks nothing and goes back to the list.
    "accounts:notifications": login_then(ANY_ROLE, post=302),
    # Referrals: the referral and the transfer go from the case of `own` to `other`, so both sides see them.
    "referrals:referral_list": login_then(has_role(*REFERRERS), post=405),
    "referrals:referral_detail": lambda c: referral_rule(c, sender=(200, 405), recipient=(200, 405)),
    "referrals:referral_answer": lambda c: referral_rule(c, sender=(405, 404), recipient=(405, 302), roles=ANSWERERS),
    "referrals:referral_withdraw": lambda c: referral_rule(c, sender=(405, 302), recipient=(405, 404), roles=SCREENERS),
    "referrals:referral_create": lambda c: screening_rule(c, own=(200, 200), other=(404, 404)),
    "referrals:transfer_list": login_then(has_role(*SUPERVISOR), post=405),
    "referrals:transfer_detail": lambda c: screening_rule(c, own=(200, 405), other=(200, 405), roles=SUPERVISOR),
    "referrals:transfer_answer": lambda c: screening_rule(c, own=(405, 404), other=(405, 302), roles=SUPERVISOR),
    "referrals:transfer_create": lambda c: screening_rule(c, own=(200, 200), other=(404, 404), roles=SUPERVISOR),
    # Ac.Sé: the coordinator of `own` also coordinates the Ac.Sé coordination; the role alone, held in an
    # ordinary organisation (`other`), grants nothing. The shelter belongs to `own`, whose caseworker and
    # supervisor are its hosts; the request (from the case of `own`) is proposed to it.
    "acse:board": lambda c: acse_rule(c, own=(200, 405), other=(403, 405)),
    "acse:proposals": lambda c: acse_rule(c, own=(200, 405), other=(403, 405)),
    "acse:request_create": lambda c: acse_rule(c, own=(200, 200), other=(404, 404)),
    "acse:request_detail": lambda c: acse_rule(c, own=(200, 405), other=(404, 405)),
    "acse:request_edit": lambda c: acse_rule(c, own=(200, 200), other=(404, 404)),
    # An empty POST names no shelter: back to the proposals, nothing proposed.
    "acse:request_propose": lambda c: acse_rule(c, own=(405, 302), other=(405, 404)),
    "acse:request_withdraw": lambda c: acse_rule(c, own=(200, 200), other=(404, 404)),
    "acse:placement_agree": lambda c: acse_rule(c, own=(200, 200), other=(404, 404), hosts=(200, 200)),
    "acse:placement_refuse": lambda c: acse_rule(c, own=(200, 200), other=(404, 404), hosts=(200, 200)),
    "acse:placement_interview": lambda c: acse_rule(c, own=(200, 200), other=(404, 404)),
    "acse:placement_transfer": lambda c: acse_rule(c, own=(200, 200), other=(404, 404)),
    "acse:placement_arrival": lambda c: acse_rule(c, own=(200, 200), other=(404, 404)),
    "acse:placement_end": lambda c: acse_rule(c, own=(200, 200), other=(404, 404)),
    "acse:placement_cancel": lambda c: acse_rule(c, own=(200, 200), other=(404, 404)),
    "acse:shelter_list": lambda c: acse_rule(c, own=(200, 405), other=(403, 405)),
    "acse:shelter_create": lambda c: acse_rule(c, own=(200, 200), other=(403, 403)),
    "acse:shelter_edit": lambda c: acse_rule(c, own=(200, 200), other=(403, 403)),
    "acse:shelter_detail": lambda c: acse_rule(c, own=(200, 405), other=(404, 405), hosts=(200, 405)),
    "acse:host_availability": lambda c: acse_rule(c, own=(200, 200), other=(404, 404), hosts=(200, 200)),
    "acse:host_placement": lambda c: acse_rule(c, own=(200, 405), other=(404, 405), hosts=(200, 405)),
    # Hosts see their own shelters' page, empty for the hosts of `other`, which has none.
    "acse:host_home": login_then(has_role(*SCREENERS), post=405),
    "acse:statistics": login_then(has_role(Role.ACSE_COORDINATOR, Role.NATIONAL_COORDINATOR), post=405),
    "acse:statistics_csv": login_then(has_role(Role.ACSE_COORDINATOR, Role.NATIONAL_COORDINATOR), post=405),
    # Annual report: the observatory reads, the statistician generates and publishes; empty POSTs name no
    # year and lack the confirmation, so they send back to the list. The public reads the published 2023.
    "observatory_reports:list": login_then(has_role(*OBS_READERS), post=405),
    "observatory_reports:generate": login_then(has_role(Role.STATISTICIAN), get=405, post=302),
    "observatory_reports:detail": login_then(has_role(*OBS_READERS), post=405),
    "observatory_reports:pdf": login_then(has_role(*OBS_READERS), post=405),
    "observatory_reports:publish": login_then(has_role(Role.STATISTICIAN), get=405, post=302),
    "observatory_reports:retry": login_then(has_role(Role.STATISTICIAN), get=405, post=302),
    "public_reports:list": everyone(),
    "public_reports:detail": everyone(),
    "public_reports:pdf": everyone(),
    "observatory:home": login_then(has_role(*OBS_ROLES), post=405),
    "observatory:submit": login_then(has_role(Role.CASE_SUPERVISOR)),
    "observatory:submission_list": login_then(has_role(*OBS_ROLES), post=405),
    "observatory:submission_detail": lambda c: observatory_rule(
        c, statistician=(200, 405), readers=(200, 405), supervisor=(200, 405), supervisor_other=(404, 405)
    ),
    # Without a reason nothing is withdrawn: back to the submission.
    "observatory:submission_withdraw": lambda c: observatory_rule(
        c, statistician=(405, 302), supervisor=(405, 302), supervisor_other=(405, 404)
    ),
    "observatory:upload": login_then(has_role(*OBS_UPLOADERS)),
    "observatory:survey_template": login_then(has_role(*OBS_UPLOADERS), post=405),
    "observatory:survey_upload": login_then(has_role(*OBS_UPLOADERS)),
    "observatory:survey_report": login_then(has_role(*OBS_UPLOADERS), get=302, post=405),
    "observatory:survey_confirm": login_then(has_role(*OBS_UPLOADERS), get=405, post=302),
    # Readers see the runs; only the statistician starts one (an empty form starts nothing).
    "observatory:run_list": lambda c: observatory_rule(c, statistician=(200, 200), readers=(200, 403)),
    "observatory:run_detail": lambda c: observatory_rule(c, statistician=(200, 405), readers=(200, 405)),
    "observatory:review": lambda c: observatory_rule(c, statistician=(200, 405)),
    "observatory:review_decide": lambda c: observatory_rule(c, statistician=(405, 302)),
    # Observatory releases: the release of the world is published; the observatory's roles hold no organisation scope.
    "publication:dashboard": login_then(has_role(*OBS_READERS), post=405),
    "publication:release_list": login_then(has_role(*OBS_READERS), post=405),
    # An empty form is refused (422) and nothing is computed.
    "publication:release_create": login_then(has_role(Role.STATISTICIAN), get=405, post=422),
    "publication:release_detail": login_then(has_role(*OBS_READERS), post=405),
    # Already published: publishing again is refused; an empty withdrawal lacks its reason. Back to the release.
    "publication:release_publish": login_then(has_role(Role.STATISTICIAN), get=405, post=302),
    "publication:release_withdraw": login_then(has_role(Role.STATISTICIAN), get=405, post=302),
    "publication:release_file": login_then(has_role(*OBS_READERS), post=405),
    # Noisy counts: an empty query is refused (422) and spends nothing of the budget.
    "publication:release_queries": login_then(has_role(*OBS_READERS), post=422),
    "publication:open_data": everyone(),
    "publication:open_data_release": everyone(),
    "publication:open_data_methodology": everyone(),
    "publication:open_data_file": everyone(),
    # django-ninja's own documentation views answer any method; they only read.
    "api:openapi-json": everyone(post=200),
    "api:openapi-view": everyone(post=200),
}
API_EXPECTED: dict[str, Rule] = {
    "GET /organisations/": everyone(),
    "GET /organisations/markers": everyone(),
    "GET /organisations/{organisation_id}": everyone(),
    "GET /geo/departements": everyone(),
    "GET /geo/departements/list": everyone(),
    "GET /geo/communes": everyone(),
    "GET /referrals/": api_rule(REFERRERS, 200, 200),
    # An empty answer: the sending side finds no referral to answer, the recipient is told what is missing.
    "POST /referrals/{referral_id}/answer": api_rule(ANSWERERS, 404, 422),
    "GET /acse/statistics": lambda c: acse_statistics_api_rule(c),
    # An empty body is refused (422) by whoever may update the shelter; nothing is written.
    "POST /acse/shelters/{shelter_id}/availability": lambda c: acse_api_rule(c),
    "GET /observatory/submissions": api_rule(OBS_ROLES, 200, 200),
    # No holder named: refused before anything is read (422); nothing is written.
    "POST /observatory/submissions": api_rule(OBS_UPLOADERS, 422, 422),
    # No encoded submission in force in the world: nothing to link (422).
    "POST /observatory/runs": api_rule((Role.STATISTICIAN,), 422, 422),
    "GET /observatory/runs/{run_id}": api_rule(OBS_READERS, 200, 200),
    "GET /observatory/releases": everyone(),
    "GET /observatory/releases/{release_id}": everyone(),
    # An empty body is refused (422) for the statistician; nothing is computed.
    "POST /observatory/releases": api_rule((Role.STATISTICIAN,), 422, 422),
}
# Side effects that are the point of the route, not a leak: sessions, login bookkeeping.
IGNORED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
# Read-only reference data, large, with no write path: left out to keep the digest fast.
REFERENCE_MODELS = {Region, Departement, Commune}


def _url_patterns(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace or ""]))
            yield from _url_patterns(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = ":".join(filter(None, [namespace, p.name or ""]))
            yield name, prefix + str(p.pattern), p.callback


def site_routes() -> list[tuple[str, str, Any]]:
    return [r for r in _url_patterns(get_resolver().url_patterns) if not r[0].startswith("api:") or r[0] in EXPECTED]


def test_every_route_declares_a_policy() -> None:
    undeclared = [name for name, _, view in site_routes() if policy_of(view) is None and not name.startswith("api:")]
    assert undeclared == []
    assert [f"{m} {p}" for m, p, f in api_operations(api) if not hasattr(f, "egide_policy")] == []


def test_every_route_is_in_the_matrix() -> None:
    names = {name for name, _, _ in _url_patterns(get_resolver().url_patterns) if not name.startswith("api:")}
    names |= {"api:openapi-json", "api:openapi-view"}
    assert sorted(names - set(EXPECTED)) == [], "add the new routes to EXPECTED"
    operations = {f"{m} {p}" for m, p, _ in api_operations(api)}
    assert sorted(operations - set(API_EXPECTED)) == [], "add the new API operations to API_EXPECTED"


@dataclass
class World:
    own: Any
    other: Any
    users: dict[str, User]
    token_id: int
    screening_id: int = 0
    case_id: int = 0
    support: dict[str, int] = field(default_factory=dict)
    teams: dict[str, int] = field(default_factory=dict)
    referrals: dict[str, int] = field(default_factory=dict)
    acse: dict[str, int] = field(default_factory=dict)
    reports: dict[str, int] = field(default_factory=dict)
    observatory: dict[str, int] = field(default_factory=dict)
    publication: dict[str, int | str] = field(default_factory=dict)
    alerts: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def world(db: Any) -> World:
    own = OrganisationFactory(
        name="Foyer confidentiel",
        kind=Kind.SHELTER,
        address="1 rue Secrète",
        address_visibility=AddressVisibility.DEPARTEMENT,
        services=[Service.LONG_TERM_SHELTER],
    )
    other = OrganisationFactory(name="Association voisine")
    users: dict[str, User] = {}
    for caller in CALLERS:
        if caller.role is None:
            continue
        user = User.objects.create_user(
            f"{caller}@example.org".replace("@own", "-own").replace("@other", "-other"),
            "matrix password 123",
            full_name=str(caller),
        )
        Membership.objects.create(user=user, organisation=own if caller.own else other, role=caller.role)
        users[str(caller)] = user
    stranger = User.objects.create_user("stranger@example.org", "matrix password 123", full_name="Tiers")
    token, _ = do_create_api_token(stranger, name="tiers", days=30)
    world = World(own, other, users, token.pk, _screening(own, users), _case(own, users))
    world.support = _support(world)
    world.teams = _teams(world)
    world.referrals = _referrals(world)
    world.acse = _acse(world)
    world.reports = _reports()
    world.observatory = _observatory(world)
    world.publication = _publication(world)
    world.alerts = _alerts(world)
    return world


def _screening(own: Any, users: dict[str, User]) -> int:
    """A completed « presumed victim » screening of `own`, made by its caseworker, awaiting confirmation."""
    load_shipped_lists()
    author = users[str(Caller(Role.CASEWORKER, True))]
    lst = IndicatorList.objects.get(code="adult_labour", is_current=True)
    screening = do_create_screening(
        ScreeningData(own.pk, lst, "adult", "LABOUR_OTHER", datetime.date(2024, 3, 12), "", "Personne A"),
        acting_user=author,
    )
    indicator_ids = Indicator.objects.filter(dimension__indicator_list=lst).values_list("pk", flat=True)
    answers = dict.fromkeys(indicator_ids, ("yes", ""))
    do_record_answers(screening, answers, "unknown", acting_user=author)
    return screening.pk


def _case(own: Any, users: dict[str, User]) -> int:
    """An open case of `own`, opened by its caseworker."""
    identity = Identity(family_name="Matrice", given_names="Personne", birth_date=PartialDate(1990, 5))
    case = do_open_case(own, identity, "female", ["SEXUAL"], acting_user=users[str(Caller(Role.CASEWORKER, True))])
    return case.pk


def _support(world: World) -> dict[str, int]:
    """A service, an APS and an exit pathway on the case of `own`, recorded by its caseworker."""
    user, case = world.users[str(Caller(Role.CASEWORKER, True))], Case.objects.get(pk=world.case_id)
    service = support_actions.do_save_service(case, support_actions.ServiceData("housing", "planned"), acting_user=user)
    granted = support_actions.ProcedureData(
        "provisional_authorisation", "granted", decision_on=datetime.date(2025, 1, 10)
    )
    aps = support_actions.do_save_procedure(case, granted, acting_user=user)
    approved = OrganisationFactory(name="Association agréée", exit_pathway_approved_on=datetime.date(2024, 6, 1))
    support_actions.do_save_pathway(case, support_actions.PathwayData(
        approved.pk, file_built_on=datetime.date(2024, 12, 1), decision="authorised",
        decision_on=datetime.date(2025, 1, 10), start_on=datetime.date(2025, 1, 15), aps_id=aps.pk,
    ), acting_user=user)  # fmt: skip
    return {"service_id": service.pk, "procedure_id": aps.pk}


def _teams(world: World) -> dict[str, int]:
    """A team of `own` with its supervisor in it, and the membership of its caseworker, in no team."""
    supervisor = world.users[str(Caller(Role.CASE_SUPERVISOR, True))]
    team = do_create_team(world.own, "Équipe matrice", acting_user=supervisor)
    do_set_membership_team(Membership.objects.get(user=supervisor), team, acting_user=supervisor)
    caseworker = Membership.objects.get(user=world.users[str(Caller(Role.CASEWORKER, True))])
    return {"team_id": team.pk, "membership_id": caseworker.pk}


def _referrals(world: World) -> dict[str, int]:
    """A pending referral and a pending transfer of the case of `own` to `other`, with the person's consent."""
    caseworker = world.users[str(Caller(Role.CASEWORKER, True))]
    supervisor = world.users[str(Caller(Role.CASE_SUPERVISOR, True))]
    case = Case.objects.get(pk=world.case_id)
    do_record_consent(case, "share_with_organisation", True, "fr", False, world.other, acting_user=caseworker)
    referral = do_send_referral(
        case, world.other, services=[Service.LONG_TERM_SHELTER], urgency="normal", reason="Mise à l'abri.",
        shared_fields=["sex"], acting_user=caseworker,
    )  # fmt: skip
    transfer = do_propose_transfer(
        case, world.other, reason="Déménagement.", services=[Service.SOCIAL_SUPPORT], acting_user=supervisor
    )
    return {"referral_id": referral.pk, "transfer_id": transfer.pk}


def _acse(world: World) -> dict[str, int]:
    """The Ac.Sé coordination (the coordinator of `own` coordinates it too), a shelter of `own` at a secret
    commune, the case of `own` referred twice: once with a request proposed to the shelter, once not yet."""
    coordination = OrganisationFactory(name="Coordination Ac.Sé (matrice)", kind=Kind.ACSE_COORDINATION)
    coordinator = world.users[str(Caller(Role.ACSE_COORDINATOR, True))]
    Membership.objects.create(user=coordinator, organisation=coordination, role=Role.ACSE_COORDINATOR)
    Organisation.objects.filter(pk=world.own.pk).update(acse_partner=True, acse_reserved_places=2)
    location = ShelterLocation("35238", "12 rue Cachée")
    shelter = do_create_shelter(ShelterData(world.own.pk, "Maison matrice", location, 2, 1), acting_user=coordinator)
    case, sender = Case.objects.get(pk=world.case_id), world.users[str(Caller(Role.CASEWORKER, True))]
    referral = Referral.objects.create(case=case, sender=world.own, recipient=coordination, sent_by=sender)
    waiting = Referral.objects.create(case=case, sender=world.own, recipient=coordination, sent_by=sender)
    today = datetime.date.today()
    data = RequestData(today, "woman", True, (AvoidPlace("exploitation", "commune", "13055"),), today)
    request = do_open_request(referral, data, acting_user=coordinator)
    placement = do_propose_placement(request, shelter, today, acting_user=coordinator, refusals=acse_refusals)
    return {"shelter_id": shelter.pk, "request_id": request.pk, "placement_id": placement.pk,
            "referral_id": waiting.pk}  # fmt: skip


def _reports() -> dict[str, int]:
    """A ready annual report of 2024 and the published one of 2023."""
    ready = AnnualReport.objects.create(year=2024, state=ReportState.READY, html="<p>2024</p>", pdf=b"%PDF-1.7")
    AnnualReport.objects.create(year=2023, state=ReportState.PUBLISHED, html="<p>2023</p>", pdf=b"%PDF-1.7")
    return {"report_id": ready.pk, "year": 2023}


def _observatory(world: World) -> dict[str, int]:
    """A survey submission of `own` (two hand-typed records, no encoding) and a finished run with one
    possible duplicate between them, written directly: the matrix needs no linkage key."""
    statistician = world.users[str(Caller(Role.STATISTICIAN, True))]
    incoming = Incoming(year=datetime.date.today().year - 1, channel=Channel.SURVEY, records=[
        IncomingRecord("m1", {"status": "supported"}), IncomingRecord("m2", {"status": "identified"})])  # fmt: skip
    submission = do_receive_submission(world.own, incoming, acting_user=statistician)
    run = LinkageRun.objects.create(started_by=statistician, state=RunState.DONE, years=[submission.year])
    first, second = submission.records.order_by("id")
    pair = ReviewPair.objects.create(run=run, record_a=first, record_b=second, score=0.75)
    return {"submission_id": submission.pk, "run_id": run.pk, "pair_id": pair.pk}


def _publication(world: World) -> dict[str, int | str]:
    """A published release of 2025 on a finished run, with its CSV (stored as is: the matrix tests access only)."""
    statistician = world.users[str(Caller(Role.STATISTICIAN, True))]
    run = LinkageRun.objects.create(years=[2025], state=RunState.DONE, started_by=statistician)
    release = Release.objects.create(
        year=2025, run=run, state=ReleaseState.PUBLISHED, title="Victimes de la traite en 2025",
        rules={"threshold": 10, "rounding_base": 5}, created_by=statistician, published_by=statistician,
        published_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
        tables=[{"name": "persons.sex", "title": "Sexe", "unit": "personnes distinctes", "row_variable": "sex",
                 "cells": [["female", "femme", "", "", 120, ""], ["male", "homme", "", "", None, "primary"]]}],
    )  # fmt: skip
    ReleaseFile.objects.create(release=release, kind=FileKind.CSV, name="matrice.csv", content=b"a;b\r\n",
                               sha256="0" * 64, size=6)  # fmt: skip
    return {"release_id": release.pk, "kind": FileKind.CSV}


def _alerts(world: World) -> dict[str, int]:
    """An expired, unreviewed break-the-glass opening of the case of `own` by its caseworker, written directly:
    the case stays unsealed for the other routes."""
    caseworker = world.users[str(Caller(Role.CASEWORKER, True))]
    expired = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(hours=1)
    glass = BreakGlass.objects.create(case_id=world.case_id, user=caseworker, reason="Matrice", expires_at=expired)
    return {"glass_id": glass.pk}


def _concrete(path: str, world: World) -> str:
    values = {"pk": world.own.pk, "token_id": world.token_id, "fmt": "csv", "organisation_id": world.own.pk,
              "screening_id": world.screening_id, "case_id": world.case_id, **world.support, **world.teams,
              **world.referrals, **world.observatory, **world.reports,
              **world.publication, **world.alerts}  # fmt: skip
    # Ac.Sé routes name the referral received by the coordination, not the one sent to `other`.
    values |= world.acse if path.lstrip("^/").startswith("acse/") else {}
    for key, value in values.items():
        for converter in ("int", "str", ""):
            path = path.replace(f"<{converter}:{key}>" if converter else f"<{key}>", str(value))
            path = path.replace(f"{{{key}}}", str(value))
    assert "<" not in path and "{" not in path, f"no test value for a parameter of {path}"
    return "/" + path.lstrip("^/").rstrip("$")


def _snapshot() -> str:
    """Digest every row of every table a route could write to."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.db_table in IGNORED_TABLES or model in REFERENCE_MODELS:
            continue
        qs = model._default_manager.order_by("pk")
        if model is AuditEvent:
            qs = qs.filter(kind=AuditKind.WRITE)
        digest.update(model._meta.db_table.encode())
        for row in qs.values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


# Each new Client builds its own middleware chain, and WhiteNoise's scan of every static file
# with it: the matrix's thousands of clients share one chain (cookies stay per client).
_HANDLER = ClientHandler(enforce_csrf_checks=False)


def _client(caller: Caller, world: World) -> Client:
    client = Client()
    client.handler = _HANDLER
    return client if caller.role is None else log_in(client, world.users[str(caller)])


def _check(
    name: str, url: str, rule: Rule, world: World, methods: tuple[str, ...], *, json_body: bool = False
) -> list[str]:
    """Call the route; the API's POSTs send an empty JSON object, as a script would."""
    failures = []
    # Logging in writes (last login): every client logs in before the first digest. Then
    # nothing may change, so the state after one call is the state before the next.
    clients = {(caller, method): _client(caller, world) for caller in CALLERS for method in methods}
    before = _snapshot()
    for caller in CALLERS:
        expected = dict(zip(("GET", "POST"), rule(caller), strict=True))
        for method in methods:
            client = clients[caller, method]
            if method == "GET":
                response = client.get(url)
            elif json_body:
                response = client.post(url, {}, content_type="application/json")
            else:
                response = client.post(url, {})
            if response.status_code != expected[method]:
                failures.append(f"{method} {url} as {caller}: {response.status_code}, expected {expected[method]}")
            after = _snapshot()
            if after != before:
                failures.append(f"{method} {url} as {caller} changed the database")
            before = after
    return failures


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_site_route(name: str, world: World) -> None:
    paths = [path for n, path, _ in site_routes() if n == name]
    if name.startswith("api:"):
        paths = [p for n, p, _ in _url_patterns(get_resolver().url_patterns) if n == name]
    assert paths, f"route {name} not found"
    assert _check(name, _concrete(paths[0], world), EXPECTED[name], world, ("GET", "POST")) == []


@pytest.mark.parametrize("operation", sorted(API_EXPECTED))
def test_api_operation(operation: str, world: World) -> None:
    method, path = operation.split(" ", 1)
    url = "/api/v1" + _concrete(path, world)
    if path == "/geo/communes":
        url += "?q=paris"
    assert _check(operation, url, API_EXPECTED[operation], world, (method,), json_body=True) == []


def _sealed_rule(page: str) -> Rule:
    """Statuses on the sealed case: it opens to its assigned caseworker only, others see « dossier protégé »."""
    readers = SCREENERS if page else CASE_READERS
    # Caseworker of `own` (assigned), then supervisor of `own` (sees the protected page or breaks the glass).
    assigned, protected = ((302, 302), (200, 200)) if page else ((200, 405), (403, 405))
    missing = (404, 404) if page else (404, 405)  # the detail page refuses POST before looking

    def rule(c: Caller) -> tuple[int, int]:
        if c.role is None:
            return 302, 302
        if c.role not in readers:
            return 403, 403
        if not c.own or c.role == Role.VOLUNTEER:
            return missing
        return assigned if c.role == Role.CASEWORKER else protected

    return rule


@pytest.mark.parametrize("page", ["", "bris-de-glace/"])
def test_sealed_case(page: str, world: World) -> None:
    supervisor = world.users[str(Caller(Role.CASE_SUPERVISOR, True))]
    do_seal_case(Case.objects.get(pk=world.case_id), "high_risk", acting_user=supervisor)
    url = f"/dossiers/{world.case_id}/{page}"
    assert _check(f"sealed {page}", url, _sealed_rule(page), world, ("GET", "POST")) == []
