"""The coded profile of a case and its recruitment, transit and exploitation events.

The profile holds closed lists and dates only (HTCDS v2.0 victim context and the French
extensions); it is kept in clear because statistics count it, and nothing in it may name
the person. Audit events carry the names of the fields that changed, never their values.
"""

import datetime
from dataclasses import dataclass, fields
from typing import Any

import pycountry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from egide.cases import policies
from egide.cases.identity import IdentityError, PartialDate
from egide.cases.models import (
    Case,
    CaseControlMeans,
    CaseEvent,
    CaseExploitationForm,
    CaseProfile,
    CaseRecruitmentMethod,
    PersonLanguage,
    PersonNationality,
)
from egide.cases.vocabulary import (
    AdministrativeStatus,
    ComplaintService,
    EventKind,
    ExploitedInFrance,
    MeansOfControl,
    RecruitmentMethod,
    RelationshipToTrafficker,
    YesNoUnknown,
)
from egide.core.audit import record_event
from egide.core.iso import canonical_language, country_name, language_name
from egide.core.models import Commune
from egide.organisations.vocabulary import ExploitationForm


class ProfileError(ValueError):
    """Invalid profile or event values: `errors` maps each field to its French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k} : {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ProfileData:
    """Every field of the profile; multi-valued fields are sorted tuples of codes."""

    exploitation_forms: tuple[str, ...] = ()
    control_means: tuple[str, ...] = ()
    recruitment_methods: tuple[str, ...] = ()
    relationship_to_trafficker: str = ""
    exploited_in_france: str = ExploitedInFrance.UNKNOWN
    minor_at_start: str = YesNoUnknown.UNKNOWN
    nationalities: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    administrative_status: str = AdministrativeStatus.UNKNOWN
    complaint_filed: str = YesNoUnknown.UNKNOWN
    complaint_date: datetime.date | None = None
    complaint_service: str = ""

    def __post_init__(self) -> None:
        for name in _LISTS:
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name)))))

    def errors(self) -> dict[str, str]:
        """Return a French message for each invalid field; empty when the data is valid."""
        found: dict[str, str] = {}
        for name, (choices, what) in _CODE_LISTS.items():
            unknown = [c for c in getattr(self, name) if c not in choices]
            if unknown:
                found[name] = f"{what} inconnu(s) : {', '.join(unknown)}."
        for name, (choices, what) in _SINGLE_CODES.items():
            if getattr(self, name) not in choices:
                found[name] = f"{what} inconnu(e) : « {getattr(self, name)} »."
        unknown = [c for c in self.nationalities if pycountry.countries.get(alpha_3=c) is None or c != c.upper()]
        if unknown:
            found["nationalities"] = f"Codes de pays ISO 3166 à trois lettres inconnus : {', '.join(unknown)}."
        unknown = [c for c in self.languages if canonical_language(c) != c]
        if unknown:
            found["languages"] = f"Codes de langue ISO 639 inconnus : {', '.join(unknown)}."
        found.update(self._complaint_errors())
        return found

    def _complaint_errors(self) -> dict[str, str]:
        found = {}
        if self.complaint_filed != YesNoUnknown.YES:
            if self.complaint_date is not None:
                found["complaint_date"] = "Une date de plainte suppose que la plainte a été déposée (réponse « oui »)."
            if self.complaint_service:
                found["complaint_service"] = "Un service saisi suppose que la plainte a été déposée (réponse « oui »)."
        if self.complaint_date is not None and self.complaint_date > timezone.localdate():
            found["complaint_date"] = "La date de la plainte ne peut pas être dans le futur."
        return found


_LISTS = ("exploitation_forms", "control_means", "recruitment_methods", "nationalities", "languages")
_CODE_LISTS: dict[str, tuple[list[str], str]] = {
    "exploitation_forms": (ExploitationForm.values, "Forme(s) d'exploitation"),
    "control_means": (MeansOfControl.values, "Moyen(s) de contrôle"),
    "recruitment_methods": (RecruitmentMethod.values, "Méthode(s) de recrutement"),
}
_SINGLE_CODES: dict[str, tuple[list[str], str]] = {
    "relationship_to_trafficker": (["", *RelationshipToTrafficker.values], "Lien avec l'auteur"),
    "exploited_in_france": (ExploitedInFrance.values, "Lieu d'exploitation"),
    "minor_at_start": (YesNoUnknown.values, "Réponse sur la minorité"),
    "administrative_status": (AdministrativeStatus.values, "Situation administrative"),
    "complaint_filed": (YesNoUnknown.values, "Réponse sur la plainte"),
    "complaint_service": (["", *ComplaintService.values], "Service saisi"),
}
# Fields stored on CaseProfile itself (the others are child tables).
_SCALARS = tuple(f.name for f in fields(ProfileData) if f.name not in _LISTS)


def profile_data_of(case: Case) -> ProfileData:
    """Read the profile of a case; a case never profiled has the default (unknown) values."""
    profile = CaseProfile.objects.filter(case=case).first() or CaseProfile(case=case)
    return ProfileData(
        # Through the related manager, so that a prefetch made by the case page serves it.
        exploitation_forms=tuple(f.code for f in case.exploitation_forms.all()),
        control_means=tuple(case.control_means.values_list("code", flat=True)),
        recruitment_methods=tuple(case.recruitment_methods.values_list("code", flat=True)),
        nationalities=tuple(PersonNationality.objects.filter(person_id=case.person_id).values_list("code", flat=True)),
        languages=tuple(PersonLanguage.objects.filter(person_id=case.person_id).values_list("code", flat=True)),
        **{name: getattr(profile, name) for name in _SCALARS},
    )


def _replace_codes(model: type[Any], owner: dict[str, Any], codes: tuple[str, ...]) -> None:
    model.objects.filter(**owner).delete()
    model.objects.bulk_create(model(**owner, code=c) for c in codes)


def apply_profile(case: Case, data: ProfileData, *, import_key: str = "") -> list[str]:
    """Write the profile inside the caller's transaction, without audit; return the changed field names."""
    errors = data.errors()
    if errors:
        raise ProfileError(errors)
    before = profile_data_of(case)
    changed = [f.name for f in fields(ProfileData) if getattr(before, f.name) != getattr(data, f.name)]
    profile, _ = CaseProfile.objects.get_or_create(case=case)
    for name in _SCALARS:
        setattr(profile, name, getattr(data, name))
    if import_key:
        profile.import_key = import_key
    profile.save()
    tables: dict[str, tuple[type[Any], dict[str, Any]]] = {
        "exploitation_forms": (CaseExploitationForm, {"case": case}),
        "control_means": (CaseControlMeans, {"case": case}),
        "recruitment_methods": (CaseRecruitmentMethod, {"case": case}),
        "nationalities": (PersonNationality, {"person_id": case.person_id}),
        "languages": (PersonLanguage, {"person_id": case.person_id}),
    }
    for name in changed:
        if name in tables:
            _replace_codes(*tables[name], getattr(data, name))
    return changed


def do_update_profile(case: Case, data: ProfileData, *, acting_user: Any) -> list[str]:
    """Save the profile of a case; audit the names of the changed fields only."""
    if not policies.can_edit(acting_user, case):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update().get(pk=case.pk)
        changed = apply_profile(case, data)
        record_event(
            "case.profile_update", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"reference": case.reference, "fields": changed},
        )  # fmt: skip
    return changed


# Events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventData:
    kind: str
    commune_code: str = ""
    country: str = ""
    start: str = ""
    end: str = ""


def _partial(text: str, what: str, errors: dict[str, str]) -> PartialDate | None:
    if not text:
        return None
    try:
        value = PartialDate.parse(text)
    except IdentityError as error:
        errors[what] = str(error)
        return None
    if str(value) > timezone.localdate().isoformat()[: len(str(value))]:
        errors[what] = "La date ne peut pas être dans le futur."
    return value


def _event_errors(data: EventData) -> tuple[dict[str, str], Commune | None]:
    errors: dict[str, str] = {}
    if data.kind not in EventKind.values:
        errors["kind"] = "Choisissez l'étape : recrutement, transit ou exploitation."
    commune = Commune.objects.filter(code=data.commune_code).first() if data.commune_code else None
    if data.commune_code and commune is None:
        errors["commune_code"] = f"« {data.commune_code} » n'est pas un code INSEE de commune connu."
    if data.commune_code and data.country:
        errors["country"] = "Indiquez soit une commune française, soit un pays, pas les deux."
    elif not data.commune_code and not data.country:
        errors["country"] = "Indiquez le lieu : une commune française ou un pays."
    elif data.country and pycountry.countries.get(alpha_3=data.country) is None:
        errors["country"] = f"« {data.country} » n'est pas un code de pays ISO 3166 à trois lettres."
    start, end = _partial(data.start, "start", errors), _partial(data.end, "end", errors)
    if start and end:
        common = min(len(str(start)), len(str(end)))
        if str(end)[:common] < str(start)[:common]:
            errors["end"] = "La fin ne peut pas précéder le début."
    return errors, commune


def do_add_event(case: Case, data: EventData, *, acting_user: Any) -> CaseEvent:
    """Record a recruitment, transit or exploitation event of the case."""
    if not policies.can_edit(acting_user, case):
        raise PermissionDenied
    errors, commune = _event_errors(data)
    if errors:
        raise ProfileError(errors)
    with transaction.atomic(durable=True):
        event = CaseEvent.objects.create(
            case=case, kind=data.kind, commune=commune, country=data.country, start=data.start, end=data.end
        )
        record_event(
            "case.event_add", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"reference": case.reference, "event": event.pk,
                   "fields": [n for n in ("kind", "commune", "country", "start", "end") if getattr(event, n)]},
        )  # fmt: skip
    return event


def do_delete_event(event: CaseEvent, *, acting_user: Any) -> None:
    case = event.case
    if not policies.can_edit(acting_user, case):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        event_id = event.pk
        CaseEvent.objects.filter(pk=event_id).delete()
        record_event(
            "case.event_delete", actor=acting_user, organisation_id=case.organisation_id, target=case,
            extra={"reference": case.reference, "event": event_id},
        )  # fmt: skip


# Display -------------------------------------------------------------------------------------


def _labels(choices: Any, codes: tuple[str, ...]) -> list[str]:
    return [str(choices(c).label) for c in codes]


def event_place(event: CaseEvent) -> str:
    if event.commune is not None:
        return f"{event.commune.name} ({event.commune.departement_id})"
    return country_name(event.country)


def profile_display(case: Case) -> dict[str, Any]:
    """Return the profile with French labels, for the case page."""
    data = profile_data_of(case)
    events = list(case.events.select_related("commune"))
    return {
        "data": data,
        "forms": _labels(ExploitationForm, data.exploitation_forms),
        "control_means": _labels(MeansOfControl, data.control_means),
        "recruitment_methods": _labels(RecruitmentMethod, data.recruitment_methods),
        "relationship": str(RelationshipToTrafficker(data.relationship_to_trafficker).label)
        if data.relationship_to_trafficker else "",
        "exploited_in_france": str(ExploitedInFrance(data.exploited_in_france).label),
        "minor_at_start": str(YesNoUnknown(data.minor_at_start).label),
        "nationalities": [country_name(c) for c in data.nationalities],
        "languages": [language_name(c) for c in data.languages],
        "administrative_status": str(AdministrativeStatus(data.administrative_status).label),
        "complaint_filed": str(YesNoUnknown(data.complaint_filed).label),
        "complaint_service": str(ComplaintService(data.complaint_service).label) if data.complaint_service else "",
        "events": [(e, event_place(e)) for e in events],
    }  # fmt: skip
