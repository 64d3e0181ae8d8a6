"""Benchmark the case list and the case page against a bare Django view; print the results as JSON.

Builds (or reuses) a database with one organisation holding 10 000 cases (identities
encrypted under per-person data keys, as the opening action writes them) and 20 members
(caseworkers and supervisors) logged in with two-factor sessions, starts gunicorn with the
production settings on 127.0.0.1, and drives it with 20 keep-alive clients, one per member:
the bare view (anonymous, then logged in: the reference), the first page of the case list,
a search by name, and case pages. Also measures what decryption costs per case read.
Progress goes to stderr, the JSON to stdout.

    uv run python bench/cases.py [--duration 20] [--clients 20] [--cases 10000] [--rebuild]

SQLite in a temporary directory by default; DATABASE_URL (PostgreSQL) is honoured, and the
organisation, its members and cases are then added to that database: give it a throwaway one.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `bench` and `bench.settings` must be importable here and in gunicorn.

from bench.api_organisations import (  # noqa: E402  (importable only once ROOT is on the path)
    HOST,
    Tally,
    client,
    free_port,
    log,
    machine,
    server,
    summarise,
)

SEED = 2025
ORGANISATION_NAME = "Association Égide-Banc d'essai"
USERS = 20
PAGE_SIZE = 50  # the case list's page size (egide.cases.views.PAGE_SIZE)
FAMILY_NAMES = ("Popescu", "Ionescu", "Okafor", "Adeyemi", "Nguyen", "Tran", "Hoxha", "Krasniqi", "Dimitrova",
                "Petrov", "Silva", "Santos", "Diallo", "Traoré", "Wang", "Li", "Martin", "Bernard", "Kovač",
                "Horvat", "Mensah", "Osei", "Rossi", "Ferrari")  # fmt: skip
GIVEN_NAMES = ("Ana-Maria", "Ioana", "Blessing", "Joy", "Precious", "Thi Lan", "Minh", "Elira", "Arta", "Maria",
               "Elena", "Fatoumata", "Aminata", "Mei", "Xiu", "Sophie", "Claire", "Ivana", "Ama", "Giulia",
               "Oksana", "Daria", "Gift", "Esther")  # fmt: skip
NATIONALITIES = ("ROU", "NGA", "VNM", "ALB", "BGR", "BRA", "GIN", "CHN", "FRA", "HRV", "GHA", "UKR")
FORMS = ("SEXUAL", "LABOUR_DOMESTIC", "LABOUR_OTHER", "BEGGING", "CRIMINALITY", "FORCED_MARRIAGE")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000, help="cases of the organisation")
    parser.add_argument("--clients", type=int, default=20, help="concurrent keep-alive clients (one member each)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured per target")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of warm-up per target, not measured")
    parser.add_argument("--unloaded", type=float, default=5.0, help="seconds of one lone client per target")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--reads", type=int, default=2000, help="case reads timed for the cost of decryption")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached SQLite database")
    return parser.parse_args(argv)


# --- The database -------------------------------------------------------------------------


def fingerprint() -> str:
    """Identify the schema, the bulk writer and this script, so that a stale cached database is rebuilt."""
    digest = hashlib.sha256()
    package = ROOT / "src" / "egide"
    sources = [*sorted(package.glob("*/migrations/*.py")), package / "cases" / "tests" / "bulk.py"]
    for path in [*sources, Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def environment(cases: int, rebuild: bool) -> dict[str, str]:
    """Return the server's environment: production settings, the database and its own key file.

    The key file lives beside the database and goes with it: a database whose keys are lost
    cannot be read, so it is rebuilt.
    """
    work = Path(tempfile.gettempdir()) / "egide-bench"
    (work / "static").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "EGIDE_SECRET_KEY": secrets.token_urlsafe(48),
        "EGIDE_SSL_REDIRECT": "0",
        "EGIDE_ALLOWED_HOSTS": HOST,
        "EGIDE_VAR_DIR": str(work),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
    }
    if os.environ.get("DATABASE_URL"):
        env["EGIDE_KEY_FILE"] = str(work / "cases-keys-postgresql.json")
        return env
    database = work / f"cases-{cases}-{fingerprint()}.sqlite3"
    keys = work / f"{database.name}.keys.json"
    for stale in [*work.glob("cases-*.sqlite3*"), *work.glob("cases-keys-*.json")]:
        if rebuild or not keys.exists() or not stale.name.startswith(database.name):
            stale.unlink()
    env["EGIDE_SQLITE_PATH"], env["EGIDE_KEY_FILE"] = str(database), str(keys)
    return env


@dataclass(frozen=True)
class Member:
    user: Any
    is_supervisor: bool


def organisation() -> Any:
    """Return the benchmark's organisation, created from the demo generator's first plan if missing."""
    from egide.organisations.demo import plan_organisations
    from egide.organisations.models import Organisation

    existing = Organisation.objects.filter(name=ORGANISATION_NAME).first()
    if existing is not None:
        return existing
    data = next(iter(plan_organisations(SEED, 1, datetime.date(2025, 1, 1)).values()))
    return Organisation.objects.create(**{**data.fields, "name": ORGANISATION_NAME})


def members(org: Any, count: int) -> list[Member]:
    """Return `count` members with a confirmed TOTP device: supervisors and caseworkers in turn."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from egide.accounts.models import Membership, User
    from egide.accounts.roles import Role

    result = []
    for index in range(count):
        supervisor = index % 2 == 0
        email = f"banc-{index:02d}@essai.invalid"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, None, full_name=f"Membre {index:02d}")
            role = Role.CASE_SUPERVISOR if supervisor else Role.CASEWORKER
            Membership.objects.create(user=user, organisation=org, role=str(role))
            TOTPDevice.objects.create(user=user, name="banc d'essai", confirmed=True)
        result.append(Member(user, supervisor))
    return result


def plan_cases(first: int, count: int, assignees: Sequence[Any]) -> list[Any]:
    """Plan cases number `first` to `first + count - 1`, spread over 2016–2024 and over `assignees`."""
    from egide.cases.identity import Identity, PartialDate
    from egide.cases.tests.bulk import PlannedCase

    plans = []
    for number in range(first, first + count):
        rng = random.Random(SEED * 1_000_003 + number)
        identity = Identity(
            family_name=rng.choice(FAMILY_NAMES), given_names=rng.choice(GIVEN_NAMES),
            birth_date=PartialDate(rng.randint(1970, 1995), rng.choice([None, rng.randint(1, 12)])),
            birth_place="Lagos" if rng.random() < 0.5 else "",
            phone=f"+33 6 {rng.randint(0, 99_999_999):08d}", address=f"{rng.randint(1, 200)} rue de l'Essai",
        )  # fmt: skip
        forms = sorted(set(rng.sample(FORMS, rng.choice([1, 1, 2]))))
        opened_on = datetime.date(2016, 1, 1) + datetime.timedelta(days=number * 3287 // max(first + count, 1))
        notes = "Première rencontre lors d'une maraude." if rng.random() < 0.7 else ""
        sex = "female" if rng.random() < 0.75 else "male"
        plans.append(PlannedCase(
            identity, sex, forms, opened_on, notes, assignees[number % len(assignees)],
            nationalities=(rng.choice(NATIONALITIES),),
        ))  # fmt: skip
    return plans


def fill(org: Any, staff: Sequence[Member], cases: int) -> int:
    """Open cases until the organisation holds `cases`; return how many existed before."""
    from egide.cases.models import Case
    from egide.cases.tests.bulk import bulk_open_cases

    existing = Case.objects.filter(organisation=org).count()
    opener = next(m.user for m in staff if m.is_supervisor)
    caseworkers = [m.user for m in staff if not m.is_supervisor] or [opener]
    for first in range(existing, cases, 2000):
        count = min(2000, cases - first)
        log(f"    cases {first + 1}–{first + count}")
        bulk_open_cases(org, plan_cases(first, count, caseworkers), acting_user=opener)
    return existing


def prepare_database(env: dict[str, str], cases: int) -> tuple[dict[str, Any], Any, list[Member]]:
    """Migrate, create the key file, the organisation, its members and its cases if missing."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from egide.cases.models import Case
    from egide.core import crypto

    started = time.perf_counter()
    if not os.environ.get("EGIDE_MASTER_KEYS") and not crypto.key_file_path().exists():
        crypto.new_key_file(crypto.key_file_path())  # production settings never create keys on the fly
    call_command("migrate", interactive=False, verbosity=0)  # The geography loads after migrate.
    # Pages, unlike the API, name their CSS and scripts through the production manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    org = organisation()
    staff = members(org, USERS)
    log(f"==> Opening cases in bulk up to {cases}…")
    existing = fill(org, staff, cases)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    info = {
        "vendor": connection.vendor,
        "version": version,
        "cases_in_organisation": Case.objects.filter(organisation=org).count(),
        "members": len(staff),
        "reused": existing >= cases,
        "prepare_seconds": round(time.perf_counter() - started, 1),
    }
    return info, org, staff


# --- Sessions and requests -----------------------------------------------------------------


def open_session(user: Any) -> str:
    """Store a session as the login and TOTP pages leave it; return its key for the cookie."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from egide.accounts.middleware import LOGIN_AT

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session[LOGIN_AT] = time.time()
    session.create()
    key: str = session.session_key
    return key


@dataclass(frozen=True)
class Visitor:
    """One client: its session cookie (empty: anonymous) and the URLs it requests, per target."""

    cookie: str
    paths: dict[str, list[str]]


def visible_sample(org: Any, member: Member, size: int) -> list[Any]:
    """Return `size` cases the member may read: their own cases for a caseworker, any for a supervisor."""
    from egide.cases.models import Case

    cases = Case.objects.filter(organisation=org).select_related("person__data_key")
    if not member.is_supervisor:
        cases = cases.filter(assigned_to=member.user)
    ids = list(cases.values_list("pk", flat=True))
    chosen = random.Random(member.user.pk).sample(ids, min(size, len(ids)))
    return list(cases.filter(pk__in=chosen))


def visitors(org: Any, staff: Sequence[Member]) -> list[Visitor]:
    from django.conf import settings

    from egide.cases.selectors import identity_of

    result = []
    for member in staff:
        sample = visible_sample(org, member, 200)
        names = [identity_of(c.person) for c in sample[:40]]
        cookie = f"{settings.SESSION_COOKIE_NAME}={open_session(member.user)}"
        result.append(Visitor(cookie, {
            "bare_view": ["/bench/bare/"],
            "case_list": ["/dossiers/"],
            "case_search": [f"/dossiers/?{urlencode({'name': f'{i.given_names} {i.family_name}'})}" for i in names],
            "case_page": [f"/dossiers/{c.pk}/" for c in sample],
        }))  # fmt: skip
    return result


def drive(
    port: int, target: str, crowd: Sequence[Visitor], clients: int, duration: float
) -> tuple[list[str], list[Tally], float]:
    """Run `clients` threads, each as one visitor, for `duration` seconds; return paths, tallies, elapsed."""
    tallies = [Tally() for _ in range(clients)]
    started = time.perf_counter()
    threads = []
    for i, tally in enumerate(tallies):
        visitor = crowd[i % len(crowd)]
        paths = visitor.paths[target]
        # Each client starts at another place in its rotation, so that they do not move in step.
        headers = {"Accept": "text/html", **({"Cookie": visitor.cookie} if visitor.cookie else {})}
        args = (port, paths, i * len(paths) // clients, started + duration, tally, headers)
        threads.append(threading.Thread(target=client, args=args))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every_path = [p for v in crowd for p in v.paths[target]]
    return every_path, tallies, time.perf_counter() - started


# --- What one request costs ----------------------------------------------------------------


def queries_per_request(crowd: Sequence[Visitor]) -> dict[str, int]:
    """Count the SQL queries of one request per target, through Django's test client (in process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    visitor = crowd[0]
    counts = {}
    for target, paths in visitor.paths.items():
        browser = Client(HTTP_HOST=HOST, HTTP_COOKIE=visitor.cookie)
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(paths[0])
        if response.status_code != 200:
            raise RuntimeError(f"{paths[0]} answered {response.status_code} to a logged-in member, not 200")
        counts[target] = len(queries)
    return counts


def _microseconds(timings_ns: list[int]) -> dict[str, float]:
    mean, median = statistics.fmean(timings_ns), statistics.median(timings_ns)
    return {"mean": round(mean / 1000, 1), "p50": round(median / 1000, 1)}


def encryption_cost(org: Any, reads: int) -> dict[str, Any]:
    """Time, per case read, the unwrapping of the data key and the decryption of identity, notes and list name."""
    from egide.cases.identity import decrypt_display_name, decrypt_identity, field_context, name_index
    from egide.cases.models import Person
    from egide.core import crypto
    from egide.core.keys import open_data_key

    ids = list(Person.objects.filter(organisation=org).values_list("pk", flat=True))
    chosen = random.Random(SEED).sample(ids, min(reads, len(ids)))
    persons = list(Person.objects.filter(pk__in=chosen).select_related("data_key"))
    unwrap, identity, notes, index, shown = [], [], [], [], []
    clock = time.perf_counter_ns
    for person in persons:
        started = clock()
        key = open_data_key(person.data_key)
        unwrapped = clock()
        decrypt_identity(bytes(person.identity), key, person.uid)
        decrypted = clock()
        crypto.decrypt(key, bytes(person.notes), context=field_context(person.uid, "notes"))
        done = clock()
        name_index("Popescu", "Ana-Maria", org.pk)
        indexed = clock()
        decrypt_display_name(bytes(person.display_name), key, person.uid)
        shown.append(clock() - indexed)
        index.append(indexed - done)
        unwrap.append(unwrapped - started)
        identity.append(decrypted - unwrapped)
        notes.append(done - decrypted)
    per_page = [u + i + n for u, i, n in zip(unwrap, identity, notes, strict=True)]
    # What the list decrypts per row: the separate display name; before, the whole identity.
    per_row = [u + s for u, s in zip(unwrap, shown, strict=True)]
    per_row_whole = [u + i for u, i in zip(unwrap, identity, strict=True)]
    return {
        "reads": len(persons),
        "unwrap_data_key_us": _microseconds(unwrap),
        "decrypt_identity_us": _microseconds(identity),
        "decrypt_notes_us": _microseconds(notes),
        "name_blind_index_us": _microseconds(index),
        "per_case_page_us": _microseconds(per_page),
        "decrypt_display_name_us": _microseconds(shown),
        "per_list_row_us": _microseconds(per_row),
        "per_list_row_whole_identity_us": _microseconds(per_row_whole),
        "list_row_speedup": round(statistics.fmean(per_row_whole) / statistics.fmean(per_row), 2),
        "per_list_page_us": round(statistics.fmean(per_row) * PAGE_SIZE / 1000, 1),
    }


# --- The run ---------------------------------------------------------------------------------


TARGETS = ("bare_view_anonymous", "bare_view", "case_list", "case_search", "case_page")


def crowd_for(target: str, crowd: Sequence[Visitor]) -> tuple[str, list[Visitor]]:
    """Return the paths key and the visitors of a target; the anonymous bare view has no cookie."""
    if target == "bare_view_anonymous":
        return "bare_view", [Visitor("", v.paths) for v in crowd]
    return target, list(crowd)


def with_ratios(results: dict[str, dict[str, Any]]) -> None:
    """Add each target's throughput and latencies relative to the logged-in bare view (same middleware)."""
    bare = results["bare_view"]
    for result in results.values():
        result["ratio_to_bare"] = {
            "throughput": round(result["throughput_rps"] / bare["throughput_rps"], 3),
            "p50": round(result["latency_ms"]["p50"] / bare["latency_ms"]["p50"], 2),
            "p95": round(result["latency_ms"]["p95"] / bare["latency_ms"]["p95"], 2),
        }


def measure(port: int, crowd: Sequence[Visitor], args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    results = {}
    for target in TARGETS:
        key, visitors_ = crowd_for(target, crowd)
        log(f"==> {target}: {args.warmup:g} s warm-up, {args.duration:g} s measured, {args.clients} clients")
        drive(port, key, visitors_, args.clients, args.warmup)
        paths, tallies, elapsed = drive(port, key, visitors_, args.clients, args.duration)
        results[target] = summarise(paths, tallies, elapsed)
    return results


def measure_unloaded(port: int, crowd: Sequence[Visitor], seconds: float) -> dict[str, dict[str, Any]]:
    """Measure each logged-in target with one lone client: the service time, without queueing."""
    results = {}
    for target in TARGETS[1:]:
        log(f"==> {target}, one client: {seconds:g} s")
        drive(port, target, crowd, 1, 1.0)
        paths, tallies, elapsed = drive(port, target, crowd, 1, seconds)
        summary = summarise(paths, tallies, elapsed)
        results[target] = {k: summary[k] for k in ("requests", "errors", "throughput_rps", "latency_ms")}
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    host = machine()
    env = environment(args.cases, args.rebuild)
    log("==> Preparing the database (migrations, geography, organisation, members, cases)…")
    database, org, staff = prepare_database(env, args.cases)
    crowd = visitors(org, staff)
    queries = queries_per_request(crowd)
    log(f"==> Timing decryption on {args.reads} case reads…")
    crypto_cost = encryption_cost(org, args.reads)
    from django.db import connections

    connections.close_all()
    port = free_port()
    log(f"==> gunicorn on {HOST}:{port}: {args.workers} workers × {args.threads} threads (gthread)")
    with server(env, port, args.workers, args.threads):
        results = measure(port, crowd, args)
        unloaded = measure_unloaded(port, crowd, args.unloaded)
    with_ratios(results)
    page_ms = unloaded["case_page"]["latency_ms"]["p50"]
    list_ms = unloaded["case_list"]["latency_ms"]["p50"]
    crypto_cost["share_of_unloaded_case_page"] = round(crypto_cost["per_case_page_us"]["mean"] / 1000 / page_ms, 4)
    crypto_cost["share_of_unloaded_case_list"] = round(crypto_cost["per_list_page_us"] / 1000 / list_ms, 4)
    report = {
        "benchmark": "cases",
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "settings": {
            "clients": args.clients,
            "duration_seconds": args.duration,
            "warmup_seconds": args.warmup,
            "unloaded_seconds": args.unloaded,
            "list_page_size": PAGE_SIZE,
            "server": {
                "software": "gunicorn",
                "workers": args.workers,
                "threads": args.threads,
                "worker_class": "gthread",
                "settings": "bench.settings (config.settings.production without the HTTPS redirect)",
            },
        },
        "machine": host,
        "database": database,
        "queries_per_request": queries,
        "encryption": crypto_cost,
        "targets": results,
        "unloaded": unloaded,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
