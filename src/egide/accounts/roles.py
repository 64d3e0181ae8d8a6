"""Roles and the capabilities they grant.

A role is a named set of capabilities within a trust zone. Adding a role (the enforcement
and steering roles come later) is one entry in `Role` and one in `ROLE_SPECS`; code checks
capabilities, never role names.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from egide.core.access import AUDIT_VIEW


class Zone(models.TextChoices):
    PROTECTION = "protection", _("protection")
    OBSERVATORY = "observatory", _("observatoire")
    PLATFORM = "platform", _("plateforme")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("intervenant·e social·e")
    VOLUNTEER = "volunteer", _("bénévole")
    CASE_SUPERVISOR = "case_supervisor", _("responsable de l'accompagnement")
    ORG_ADMIN = "org_admin", _("administrateur·rice de l'organisation")
    ACSE_COORDINATOR = "acse_coordinator", _("coordination Ac.Sé")
    NATIONAL_COORDINATOR = "national_coordinator", _("coordination nationale")
    STATISTICIAN = "statistician", _("statisticien·ne de l'observatoire")
    RAPPORTEUR = "rapporteur", _("rapporteur national (lecture seule)")
    PLATFORM_ADMIN = "platform_admin", _("administration technique")


class Cap:
    """Capability names, so that a typo is an AttributeError rather than a silent denial."""

    DIRECTORY_VIEW = "directory.view"
    ORGANISATION_EDIT_OWN = "organisation.edit_own"
    ORGANISATION_EDIT_ANY = "organisation.edit_any"
    ORGANISATION_CREATE = "organisation.create"
    ORGANISATION_IMPORT = "organisation.import"
    ORGANISATION_EXPORT = "organisation.export"
    CONFIDENTIAL_ADDRESS_VIEW_ANY = "organisation.view_confidential_address_any"
    MEMBERS_VIEW_OWN = "members.view_own"
    AUDIT_VIEW = AUDIT_VIEW
    API_TOKENS = "account.api_tokens"
    SCREENING_CREATE = "screening.create"
    SCREENING_CONFIRM = "screening.confirm"
    INDICATOR_LISTS_MANAGE = "indicator_lists.manage"
    CASE_VIEW = "case.view"
    CASE_CREATE = "case.create"
    CASE_STATUS_CONFIRM = "case.status_confirm"
    # Without a scope capability a user sees only the cases assigned to them.
    CASE_SCOPE_TEAM = "case.scope_team"
    CASE_SCOPE_ORGANISATION = "case.scope_organisation"
    CASE_VIEW_IDENTITY_DOCUMENTS = "case.view_identity_documents"
    CASE_BREAK_GLASS = "case.break_glass"
    CASE_SEAL = "case.seal"
    CASE_ASSIGN = "case.assign"
    CASE_EXPORT = "case.export"
    CASE_HTCDS_EXCHANGE = "case.htcds_exchange"
    CASE_LEGAL_HOLD = "case.legal_hold"
    REFERRAL_SEND = "referral.send"
    # Answer the referrals addressed to the organisation, and read what they share.
    REFERRAL_ANSWER = "referral.answer"
    REFERRAL_CONSENT_OVERRIDE = "referral.consent_override"
    CASE_TRANSFER = "case.transfer"
    ACSE_COORDINATE = "acse.coordinate"
    # Follow the Ac.Sé placements hosted by the organisation's own shelters.
    PLACEMENT_HOST = "acse.host"
    ACSE_STATISTICS = "acse.statistics"
    # Send the organisation's yearly submission to the observatory (encodings and codes only).
    OBSERVATORY_SUBMIT = "observatory.submit"
    # Receive the submissions of data holders that do not use Égide, and manage all submissions.
    OBSERVATORY_SUBMISSIONS_MANAGE = "observatory.submissions_manage"
    OBSERVATORY_LINK = "observatory.link"
    OBSERVATORY_RELEASE = "observatory.release"
    # Read the observatory's figures: dashboard, safe tables, estimates, reports before publication.
    OBSERVATORY_VIEW = "observatory.view"


@dataclass(frozen=True)
class RoleSpec:
    zone: Zone
    capabilities: frozenset[str]
    reads_victim_data: bool


_EVERYONE = {Cap.DIRECTORY_VIEW, Cap.API_TOKENS}

ROLE_SPECS: dict[Role, RoleSpec] = {
    Role.CASEWORKER: RoleSpec(
        Zone.PROTECTION,
        frozenset(
            _EVERYONE
            | {
                Cap.SCREENING_CREATE,
                Cap.CASE_VIEW,
                Cap.CASE_CREATE,
                Cap.CASE_SCOPE_TEAM,
                Cap.CASE_VIEW_IDENTITY_DOCUMENTS,
                Cap.CASE_BREAK_GLASS,
                Cap.CASE_EXPORT,
                Cap.REFERRAL_SEND,
                Cap.REFERRAL_ANSWER,
                Cap.PLACEMENT_HOST,
            }
        ),
        reads_victim_data=True,
    ),
    # A volunteer helps with the cases assigned to them and never sees identity documents.
    Role.VOLUNTEER: RoleSpec(Zone.PROTECTION, frozenset(_EVERYONE | {Cap.CASE_VIEW}), reads_victim_data=True),
    Role.CASE_SUPERVISOR: RoleSpec(
        Zone.PROTECTION,
        frozenset(
            _EVERYONE
            | {
                Cap.MEMBERS_VIEW_OWN,
                Cap.SCREENING_CREATE,
                Cap.SCREENING_CONFIRM,
                Cap.CASE_VIEW,
                Cap.CASE_CREATE,
                Cap.CASE_STATUS_CONFIRM,
                Cap.CASE_SCOPE_TEAM,
                Cap.CASE_SCOPE_ORGANISATION,
                Cap.CASE_VIEW_IDENTITY_DOCUMENTS,
                Cap.CASE_BREAK_GLASS,
                Cap.CASE_SEAL,
                Cap.CASE_ASSIGN,
                Cap.CASE_EXPORT,
                Cap.CASE_HTCDS_EXCHANGE,
                Cap.CASE_LEGAL_HOLD,
                Cap.REFERRAL_SEND,
                Cap.REFERRAL_ANSWER,
                Cap.REFERRAL_CONSENT_OVERRIDE,
                Cap.CASE_TRANSFER,
                Cap.PLACEMENT_HOST,
                Cap.OBSERVATORY_SUBMIT,
            }
        ),
        reads_victim_data=True,
    ),
    Role.ORG_ADMIN: RoleSpec(
        Zone.PROTECTION,
        frozenset(_EVERYONE | {Cap.ORGANISATION_EDIT_OWN, Cap.MEMBERS_VIEW_OWN}),
        reads_victim_data=False,
    ),
    Role.ACSE_COORDINATOR: RoleSpec(
        Zone.PROTECTION,
        frozenset(
            _EVERYONE
            | {Cap.CONFIDENTIAL_ADDRESS_VIEW_ANY, Cap.ACSE_COORDINATE, Cap.ACSE_STATISTICS, Cap.REFERRAL_ANSWER}
        ),
        reads_victim_data=True,
    ),
    Role.NATIONAL_COORDINATOR: RoleSpec(
        Zone.OBSERVATORY,
        frozenset(
            _EVERYONE
            | {
                Cap.ORGANISATION_EDIT_ANY,
                Cap.ORGANISATION_CREATE,
                Cap.ORGANISATION_IMPORT,
                Cap.ORGANISATION_EXPORT,
                Cap.CONFIDENTIAL_ADDRESS_VIEW_ANY,
                Cap.INDICATOR_LISTS_MANAGE,
                Cap.ACSE_STATISTICS,
                Cap.OBSERVATORY_VIEW,
            }
        ),
        reads_victim_data=False,
    ),
    Role.STATISTICIAN: RoleSpec(
        Zone.OBSERVATORY,
        frozenset(
            _EVERYONE
            | {
                Cap.ORGANISATION_EXPORT,
                Cap.OBSERVATORY_SUBMISSIONS_MANAGE,
                Cap.OBSERVATORY_LINK,
                Cap.OBSERVATORY_RELEASE,
                Cap.OBSERVATORY_VIEW,
            }
        ),
        reads_victim_data=False,
    ),
    Role.RAPPORTEUR: RoleSpec(Zone.OBSERVATORY, frozenset(_EVERYONE | {Cap.OBSERVATORY_VIEW}), reads_victim_data=False),
    Role.PLATFORM_ADMIN: RoleSpec(Zone.PLATFORM, frozenset(_EVERYONE | {Cap.AUDIT_VIEW}), reads_victim_data=False),
}


def capabilities_of(role: str) -> frozenset[str]:
    return ROLE_SPECS[Role(role)].capabilities
