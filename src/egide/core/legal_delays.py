"""Legal delays, each with its rule and its source. Dates are computed here, never typed.

Domain apps name the delays they use; this module knows calendars, not cases.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings


def add_months(start: datetime.date, months: int) -> datetime.date:
    """Add calendar months, clamping to the month's last day (31 Jan + 1 month = 28/29 Feb).

    >>> add_months(datetime.date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


@dataclass(frozen=True)
class Delay:
    """A legal delay: its length in days or months, and the text that sets it."""

    name: str
    source: str
    days: int = 0
    months: int = 0

    def end(self, start: datetime.date) -> datetime.date:
        return add_months(start, self.months) + datetime.timedelta(days=self.days)

    def before(self, end: datetime.date) -> datetime.date:
        """Return the date this delay ahead of `end` (month-end clamped): a reminder's date."""
        return add_months(end, -self.months) - datetime.timedelta(days=self.days)


EXIT_PATHWAY_APPROVAL = Delay(
    name="Agrément des associations pour le parcours de sortie de la prostitution",
    source="Code de l'action sociale et des familles, art. L121-9 et R121-12-1 (agrément de 3 ans)",
    months=36,
)


# --- Residence of foreign victims (CESEDA, recodified on 1 May 2021) ----------------------

REFLECTION_PERIOD = Delay(
    name="Délai de réflexion",
    source="CESEDA, art. R425-2 : 30 jours à compter de la remise du récépissé",
    days=30,
)
COMPLAINT_RECEIPT = Delay(
    name="Récépissé sur le récépissé de plainte",
    source="Instruction du 19 mai 2015 (application de l'art. L425-1 du CESEDA) : récépissé de 4 mois",
    months=4,
)
TEMPORARY_CARD = Delay(
    name="Carte de séjour temporaire « vie privée et familiale »",
    source="CESEDA, art. L425-1 : carte d'un an, renouvelée pendant toute la procédure pénale",
    months=12,
)
RESIDENT_CARD = Delay(
    name="Carte de résident",
    source="CESEDA, art. L425-3 : carte de 10 ans en cas de condamnation définitive",
    months=120,
)
PROVISIONAL_AUTHORISATION = Delay(
    name="Autorisation provisoire de séjour (parcours de sortie)",
    source="CESEDA, art. L425-4 : APS d'au moins 6 mois, renouvelée pendant le parcours",
    months=6,
)
RENEWAL_REMINDER = Delay(
    name="Demande de renouvellement",
    source="CESEDA, art. R431-5 : demande présentée dans les deux mois précédant l'expiration (à vérifier)",
    months=2,
)

# --- Exit-from-prostitution pathway (loi 2016-444, CASF L121-9) ----------------------------

EXIT_PATHWAY_PERIOD = Delay(
    name="Période du parcours de sortie de la prostitution",
    source="Code de l'action sociale et des familles, art. L121-9 (loi n° 2016-444) : 6 mois renouvelables",
    months=6,
)
EXIT_PATHWAY_MAXIMUM = Delay(
    name="Durée maximale du parcours de sortie de la prostitution",
    source="Code de l'action sociale et des familles, art. L121-9 (loi n° 2016-444) : 24 mois au plus",
    months=24,
)
EXIT_PATHWAY_RENEWAL_REMINDER = Delay(
    name="Préparation du renouvellement du parcours de sortie",
    source="Règle d'Égide : dossier de renouvellement prêt deux mois avant la fin de la période "
    "(avis de la commission départementale, CASF art. L121-9)",
    months=2,
)

# --- Follow-up of tasks (Égide's own practice, not a legal delay) --------------------------

TASK_REMINDER_LEAD = Delay(
    name="Rappel avant échéance",
    source="Règle d'Égide : rappel une semaine avant l'échéance, puis chaque semaine de retard",
    days=7,
)


# --- Answers to referrals between organisations (Égide's own rule, set per instance) -------


@dataclass(frozen=True)
class HoursDelay:
    """A delay counted in clock hours, whose length a setting gives (a default when it is unset)."""

    name: str
    source: str
    setting: str
    key: str
    default_hours: int

    def hours(self) -> int:
        configured: dict[str, int] = getattr(settings, self.setting, {})
        return int(configured.get(self.key, self.default_hours))

    def end(self, start: datetime.datetime) -> datetime.datetime:
        return start + datetime.timedelta(hours=self.hours())


REFERRAL_RESPONSE_SETTING = "EGIDE_REFERRAL_RESPONSE_HOURS"
REFERRAL_RESPONSE: dict[str, HoursDelay] = {
    urgency: HoursDelay(
        name=f"Délai de réponse à une orientation {label}",
        source=f"paramètre {REFERRAL_RESPONSE_SETTING} (« {urgency} », {hours} h par défaut)",
        setting=REFERRAL_RESPONSE_SETTING,
        key=urgency,
        default_hours=hours,
    )
    for urgency, label, hours in (("normal", "normale", 72), ("urgent", "urgente", 24), ("immediate", "immédiate", 4))
}
