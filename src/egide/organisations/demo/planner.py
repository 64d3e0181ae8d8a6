"""Plan the demo organisations from a seed and the reference geography, writing nothing."""

import csv
import datetime
import io
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from stdnum.fr import siret as siret_number

from egide.core.geo.loader import DATA_DIR
from egide.core.models import Commune, Departement
from egide.core.text import fold
from egide.organisations.actions import OrganisationData
from egide.organisations.demo.tables import (
    CITY_BIAS,
    CITY_POSTCODES,
    DESCRIPTIONS,
    DISTINCT_SHARE,
    FICTION,
    FORM_ODDS,
    JITTER_KM,
    KIND_WEIGHTS,
    KM_PER_DEGREE,
    LANGUAGE_ODDS,
    OPENING_HOURS,
    PATTERNS,
    POSTCODE_SEPARATORS,
    SERVICES,
    STEMS,
    STREETS,
    SUB_PREFECTURE,
    SUPPORT_KINDS,
    TOWN_BIAS,
    TOWN_KINDS,
    TOWNS_PER_DEPARTEMENT,
    TREES,
    WEEKDAY_HOURS,
)
from egide.organisations.vocabulary import AddressVisibility, ExploitationForm, Kind, Service

# Fixed organisations, identified by a key; the accounts belong to them.
NATIONAL, ACSE, OPERATOR, ASSOCIATION = "national", "acse", "operator", "association"
NICE, PARIS = "06088", "75056"


@dataclass
class Geography:
    departements: list[Departement]
    departements_by_code: dict[str, Departement]
    communes: dict[str, list[Commune]]
    cum_weights: dict[str, list[float]]
    towns: dict[str, list[Commune]]
    chef_lieux: dict[str, Commune]
    by_code: dict[str, Commune]


def _chef_lieu_codes() -> dict[str, str]:
    """Return the commune code of each département's chef-lieu (seat of the préfecture)."""
    text = (DATA_DIR / "departements.csv").read_text(encoding="utf-8")
    return {row["DEP"]: row["CHEFLIEU"] for row in csv.DictReader(io.StringIO(text))}


def _geography() -> Geography:
    communes: dict[str, list[Commune]] = defaultdict(list)
    by_code: dict[str, Commune] = {}
    for commune in Commune.objects.filter(latitude__isnull=False, longitude__isnull=False).order_by("code"):
        communes[commune.departement_id].append(commune)
        by_code[commune.code] = commune
    cum_weights: dict[str, list[float]] = {}
    for code, items in communes.items():
        total, cum = 0.0, []
        for commune in items:
            # Associations gather in towns: weigh by more than the population; +1 for unknown ones.
            total += (commune.population + 1) ** TOWN_BIAS
            cum.append(total)
        cum_weights[code] = cum
    towns = {
        code: sorted(items, key=lambda c: (-c.population, c.code))[:TOWNS_PER_DEPARTEMENT]
        for code, items in communes.items()
    }
    chef_lieux = {dep: by_code[code] for dep, code in _chef_lieu_codes().items() if code in by_code}
    departements = [d for d in Departement.objects.defer("geometry").order_by("code") if communes.get(d.code)]
    return Geography(departements, {d.code: d for d in departements}, communes, cum_weights, towns, chef_lieux, by_code)


def _luhn_check_digit(payload: str) -> str:
    """Return the digit that makes `payload` followed by it pass the Luhn check.

    >>> _luhn_check_digit("73282932")
    '0'
    """
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str((10 - total % 10) % 10)


def make_siret(rng: random.Random) -> str:
    """Return a SIRET that passes `stdnum.fr.siret`: a Luhn-valid SIREN, then a NIC that completes it."""
    while True:
        siren = rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(7))
        siren += _luhn_check_digit(siren)
        nic = "000" + rng.choice("123456789")
        siret = siren + nic + _luhn_check_digit(siren + nic)
        if siret_number.is_valid(siret):
            return siret


def _jitter(rng: random.Random, latitude: float, longitude: float) -> tuple[float, float]:
    """Move a point by at most JITTER_KM in a uniformly random direction."""
    distance = JITTER_KM * 0.99 * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    d_lat = distance * math.cos(angle) / KM_PER_DEGREE
    d_lon = distance * math.sin(angle) / (KM_PER_DEGREE * math.cos(math.radians(latitude)))
    return round(latitude + d_lat, 6), round(longitude + d_lon, 6)


def _spread(rng: random.Random, geo: Geography, count: int) -> list[Departement]:
    """Choose a département for each of `count` organisations, bigger ones more often.

    A share of them go to distinct départements (a weighted sample without replacement), so
    that small départements have organisations too; the rest favour the most populous ones,
    where support services concentrate.
    """
    weights = [max(d.population, 100_000) for d in geo.departements]
    distinct = min(len(geo.departements), int(count * DISTINCT_SHARE))
    # Efraimidis–Spirakis: the `distinct` largest keys log(u) / weight form a weighted sample.
    keys = [math.log(1.0 - rng.random()) / weight for weight in weights]
    ranked = sorted(range(len(weights)), key=lambda i: keys[i], reverse=True)[:distinct]
    chosen = [geo.departements[i] for i in sorted(ranked)]
    city_weights = [weight**CITY_BIAS for weight in weights]
    chosen += rng.choices(geo.departements, weights=city_weights, k=count - distinct)
    return chosen


def _pick(rng: random.Random, odds: Sequence[tuple[str, float]]) -> list[str]:
    return [code for code, probability in odds if rng.random() < probability]


def _services(rng: random.Random, kind: str) -> list[str]:
    always, odds = SERVICES[kind]
    services = [*always, *_pick(rng, odds)]
    if kind == Kind.SHELTER and (Service.EMERGENCY_SHELTER not in services or rng.random() < 0.6):
        services.append(Service.LONG_TERM_SHELTER)
    return sorted(set(services))


def _exploitation_forms(rng: random.Random, kind: str) -> list[str]:
    if kind == Kind.LABOUR_INSPECTION:
        return [ExploitationForm.LABOUR_DOMESTIC, ExploitationForm.LABOUR_OTHER]
    return sorted(set(_pick(rng, FORM_ODDS)) or {ExploitationForm.SEXUAL})


def _languages(rng: random.Random, kind: str) -> list[str]:
    odds = LANGUAGE_ODDS if kind in SUPPORT_KINDS else LANGUAGE_ODDS[:1]
    return sorted({"fr", *_pick(rng, odds)})


def _phone(rng: random.Random) -> str:
    return f"01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}"


def _slug(name: str) -> str:
    return fold(name.replace("(démo)", "")).replace(" ", "-")[:60].strip("-")


class _Namer:
    """Give each organisation a distinct name and its acronym."""

    def __init__(self, used: set[str]) -> None:
        self.used = used

    def name(
        self, rng: random.Random, pattern: tuple[str, str], commune: Commune, departement: Departement
    ) -> tuple[str, str]:
        template, acronym = pattern
        stem = rng.choice(STEMS)
        base = template.format(stem=stem, tree=rng.choice(TREES), commune=commune.name, departement=departement.name)
        name, branch = f"{base} (démo)", 1
        while name in self.used:
            branch += 1
            name = f"{base}, antenne {branch} (démo)"
        self.used.add(name)
        if acronym in {"A", "C", "R", "E", "F", "MA"}:
            acronym += "".join(w[0] for w in fold(stem).split() if w not in {"l", "la", "le", "les", "d"}).upper()
        return name, acronym


def _placement(
    rng: random.Random, geo: Geography, kind: str, departement: Departement, prefectures: set[str]
) -> tuple[str, Commune, tuple[str, str]]:
    """Choose the commune and the name pattern; a second préfecture is a sous-préfecture, or an association."""
    code = departement.code
    if kind == Kind.PREFECTURE and code not in prefectures and code in geo.chef_lieux:
        prefectures.add(code)
        return kind, geo.chef_lieux[code], PATTERNS[kind][0]
    if kind == Kind.PREFECTURE:
        chef_lieu = geo.chef_lieux.get(code)
        others = [c for c in geo.towns[code] if c != chef_lieu]
        if others:
            return kind, rng.choice(others), SUB_PREFECTURE
        kind = Kind.ASSOCIATION
    if kind in TOWN_KINDS:
        towns = geo.towns[code]
        commune = rng.choices(towns, weights=[c.population + 1 for c in towns])[0]
    else:
        commune = rng.choices(geo.communes[code], cum_weights=geo.cum_weights[code])[0]
    return kind, commune, rng.choice(PATTERNS[kind])


def _postcodes(commune: Commune) -> list[str]:
    found = [postcode for postcode in POSTCODE_SEPARATORS.split(commune.postcodes) if postcode]
    return found or CITY_POSTCODES.get(commune.code, [""])


def _organisation(
    rng: random.Random,
    name: str,
    acronym: str,
    kind: str,
    departement: Departement,
    commune: Commune,
    today: datetime.date,
) -> OrganisationData:
    slug = _slug(name)
    postcodes = _postcodes(commune)
    assert commune.latitude is not None and commune.longitude is not None
    latitude, longitude = _jitter(rng, commune.latitude, commune.longitude)
    services = _services(rng, kind)
    is_support = kind in {Kind.ASSOCIATION, Kind.SHELTER}
    fields: dict[str, object] = {
        "name": name,
        "acronym": acronym,
        "kind": kind,
        "siret": "",
        "description": DESCRIPTIONS[kind] + FICTION,
        "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        "postcode": rng.choice(postcodes),
        "commune": commune,
        "departement": departement,
        "latitude": latitude,
        "longitude": longitude,
        "address_visibility": AddressVisibility.PUBLIC,
        "phone": _phone(rng),
        "email": f"contact@{slug}.example.org",
        "website": f"https://{slug}.example.org",
        "hotline": _phone(rng) if Service.LISTENING_LINE in services else "",
        "opening_hours": rng.choice(OPENING_HOURS.get(kind, WEEKDAY_HOURS)),
        "national_collective_member": is_support and rng.random() < 0.3,
        "is_published": kind != Kind.POLICE_UNIT or rng.random() < 0.2,
    }
    if kind == Kind.ASSOCIATION and rng.random() < 0.3:
        # Three-year approvals granted up to five years ago: some still valid, some expired.
        fields["exit_pathway_approved_on"] = today - datetime.timedelta(days=rng.randint(30, 5 * 365))
    if kind == Kind.SHELTER:
        places = rng.randint(6, 60)
        fields |= {
            "address_visibility": AddressVisibility.HIDDEN if rng.random() < 0.15 else AddressVisibility.DEPARTEMENT,
            "capacity_places": places,
            "capacity_free_places": rng.randint(0, min(places, 8)),
        }
        if rng.random() < 0.4:
            fields |= {"acse_partner": True, "acse_reserved_places": rng.randint(1, 2)}
    return OrganisationData(fields, services, _exploitation_forms(rng, kind), _languages(rng, kind))


def _fixed(rng: random.Random, geo: Geography, today: datetime.date) -> dict[str, OrganisationData]:
    """Plan the organisations the accounts belong to."""
    paris, nice = geo.by_code[PARIS], geo.by_code[NICE]
    plans: dict[str, OrganisationData] = {}
    specs = (
        (
            NATIONAL,
            Kind.NATIONAL_BODY,
            "Mission nationale de coordination (démo)",
            "MNC",
            paris,
            "Coordination nationale de la lutte contre la traite et observatoire ; "
            "destinataire des données pseudonymisées.",
            [Service.TRAINING, Service.OTHER],
        ),
        (
            ACSE,
            Kind.ACSE_COORDINATION,
            "Coordination nationale Ac.Sé (démo)",
            "AcSé",
            nice,
            "Coordination du dispositif national d'accueil sécurisant des victimes de traite (Ac.Sé) "
            "et de son réseau de centres d'hébergement partenaires.",
            [Service.LISTENING_LINE, Service.SOCIAL_SUPPORT, Service.TRAINING],
        ),
        (
            OPERATOR,
            Kind.OTHER,
            "Opérateur technique de la plateforme Égide (démo)",
            "",
            paris,
            "Exploitation technique de la plateforme ; n'accède à aucune donnée de victime.",
            [Service.OTHER],
        ),
        (
            ASSOCIATION,
            Kind.ASSOCIATION,
            "Association Égide Accueil — Paris (démo)",
            "AEA",
            paris,
            DESCRIPTIONS[Kind.ASSOCIATION],
            [Service.SOCIAL_SUPPORT, Service.LEGAL_SUPPORT, Service.DAY_RECEPTION, Service.INTERPRETING],
        ),
    )
    for key, kind, name, acronym, commune, description, services in specs:
        assert commune.latitude is not None and commune.longitude is not None
        latitude, longitude = _jitter(rng, commune.latitude, commune.longitude)
        slug = _slug(name)
        fields: dict[str, object] = {
            "name": name,
            "acronym": acronym,
            "kind": kind,
            "siret": "",
            "description": description + FICTION,
            "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
            "postcode": rng.choice(_postcodes(commune)),
            "commune": commune,
            "departement": geo.departements_by_code[commune.departement_id],
            "latitude": latitude,
            "longitude": longitude,
            "phone": _phone(rng),
            "email": f"contact@{slug}.example.org",
            "website": f"https://{slug}.example.org",
            "opening_hours": WEEKDAY_HOURS[0],
            "is_published": key != OPERATOR,
        }
        if key == ACSE:
            fields |= {"address_visibility": AddressVisibility.DEPARTEMENT, "hotline": _phone(rng)}
        if key == ASSOCIATION:
            approved_on = today - datetime.timedelta(days=400)
            fields |= {"national_collective_member": True, "exit_pathway_approved_on": approved_on}
        forms = [f.value for f in ExploitationForm] if key in {NATIONAL, ACSE} else [ExploitationForm.SEXUAL]
        plans[key] = OrganisationData(fields, sorted(services), sorted(forms), ["en", "fr"])
    return plans


def plan_organisations(
    seed: int, organisations: int, today: datetime.date, geo: Geography | None = None
) -> dict[str, OrganisationData]:
    """Plan, without writing anything, the demo organisations, keyed by a stable label."""
    geo = geo or _geography()
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not secrets)
    plans = _fixed(rng, geo, today)
    namer = _Namer({str(data.fields["name"]) for data in plans.values()})
    prefectures: set[str] = set()
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    for index, departement in enumerate(_spread(rng, geo, max(organisations - len(plans), 0))):
        kind, commune, pattern = _placement(rng, geo, rng.choices(kinds, weights=weights)[0], departement, prefectures)
        name, acronym = namer.name(rng, pattern, commune, departement)
        plans[f"org-{index:05d}"] = _organisation(rng, name, acronym, kind, departement, commune, today)
    sirets: set[str] = set()
    for data in plans.values():
        siret = make_siret(rng)
        while siret in sirets:
            siret = make_siret(rng)
        sirets.add(siret)
        data.fields["siret"] = siret
    return plans
