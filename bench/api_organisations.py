"""Benchmark the organisations API against a bare Django view; print the results as JSON.

Builds (or reuses) a database of 10 000 demo organisations, starts gunicorn with the
production settings on 127.0.0.1, and drives it with 20 keep-alive clients: first the
reference view `bench/bare/`, then the filtered list and the map markers, each for the
same duration after a warm-up. Progress goes to stderr, the JSON to stdout.

    uv run python bench/api_organisations.py [--duration 20] [--clients 20] [--rebuild]

SQLite in a temporary directory by default; DATABASE_URL (PostgreSQL) is honoured, and the
organisations are then added to that database: give it a throwaway one.
"""

import argparse
import datetime
import hashlib
import http.client
import json
import math
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `bench.settings` must be importable here and in gunicorn.

HOST = "127.0.0.1"
SEED = 2014
# A fixed day, so that the cached database does not depend on when it was built.
TODAY = datetime.date(2025, 1, 1)
# Big and small, metropolitan, Corsican and overseas départements.
DEPARTEMENTS = ("75", "13", "59", "69", "93", "33", "31", "06", "44", "67", "35", "2A", "23", "48", "971", "974")
SERVICES = ("social_support", "legal_support", "health_care", "long_term_shelter", "interpreting")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organisations", type=int, default=10_000, help="organisations in the database")
    parser.add_argument("--clients", type=int, default=20, help="concurrent keep-alive clients")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured per target")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of warm-up per target, not measured")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--limit", type=int, default=50, help="page size of the list requests")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached SQLite database")
    return parser.parse_args(argv)


# --- The database -------------------------------------------------------------------------


def fingerprint() -> str:
    """Identify the schema and the demo generator, so that a stale cached database is rebuilt."""
    digest = hashlib.sha256()
    package = ROOT / "src" / "egide"
    sources = sorted(package.glob("*/migrations/*.py")) + sorted(package.glob("organisations/demo/*.py"))
    for path in [*sources, Path(__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def environment(organisations: int, rebuild: bool) -> dict[str, str]:
    """Return the environment of the server: production settings, a random key, the database."""
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
    if not os.environ.get("DATABASE_URL"):
        database = work / f"organisations-{organisations}-{fingerprint()}.sqlite3"
        for stale in work.glob("organisations-*.sqlite3*"):
            if rebuild or not stale.name.startswith(database.name):
                stale.unlink()
        env["EGIDE_SQLITE_PATH"] = str(database)
    return env


def bulk_load(count: int) -> None:
    """Add `count` demo organisations in a few bulk inserts (the per-row action is too slow for 10 000)."""
    from django.db import transaction
    from django.utils import timezone

    from egide.core.audit import record_event
    from egide.core.text import fold
    from egide.organisations.demo import plan_organisations
    from egide.organisations.models import (
        Organisation,
        OrganisationExploitationForm,
        OrganisationLanguage,
        OrganisationService,
    )
    from egide.organisations.vocabulary import Service

    plans = list(plan_organisations(SEED, count, TODAY).values())
    now = timezone.now()
    organisations = []
    for data in plans:
        org = Organisation(**data.fields)
        services = " ".join(str(Service(code).label) for code in data.services or [])
        # The same words as `actions._search_text`, which reads them back from the database.
        commune = org.commune.name if org.commune else ""
        org.search_text = fold(f"{org.name} {org.acronym} {commune} {org.departement.name} {services}")
        if org.capacity_places is not None:
            org.capacity_updated_at = now
        organisations.append(org)
    with transaction.atomic(durable=True):
        Organisation.objects.bulk_create(organisations, batch_size=500)
        children: list[tuple[Any, str]] = [
            (OrganisationService, "services"),
            (OrganisationExploitationForm, "exploitation_forms"),
            (OrganisationLanguage, "languages"),
        ]
        for model, attribute in children:
            rows = [
                model(organisation=org, code=code)
                for org, data in zip(organisations, plans, strict=True)
                for code in getattr(data, attribute) or []
            ]
            model.objects.bulk_create(rows, batch_size=2000)
        record_event("demo.load", actor=None, extra={"seed": SEED, "organisations": count, "bulk": True})


def prepare_database(env: dict[str, str], organisations: int) -> dict[str, Any]:
    """Migrate and fill the database unless it already holds enough organisations."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from egide.organisations.models import Organisation

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)  # The geography loads after migrate.
    existing = Organisation.objects.count()
    if existing < organisations:
        log(f"==> Loading {organisations - existing} organisations…")
        bulk_load(organisations - existing)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        version = cursor.fetchone()[0]
    info = {
        "vendor": connection.vendor,
        "version": version,
        "organisations": Organisation.objects.count(),
        "published": Organisation.objects.published().count(),
        "reused": existing >= organisations,
        "prepare_seconds": round(time.perf_counter() - started, 1),
    }
    connections.close_all()
    return info


# --- The server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server(env: dict[str, str], port: int, workers: int, threads: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run gunicorn for the duration of the block, and stop it (its workers too) even on error."""
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--chdir", str(ROOT), "--log-level", "warning", "--no-control-socket",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        wait_until_ready(port, process)
        yield process
    finally:
        stop(process)


def wait_until_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/bench/bare/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn gracefully, then kill its process group if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # Workers left behind by a master that died first belong to the same group.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


# --- The load ------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    body_bytes: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


def client(
    port: int, paths: Sequence[str], first: int, stop_at: float, tally: Tally, headers: dict[str, str] | None = None
) -> None:
    """Send requests one after another on one keep-alive connection until `stop_at`.

    Only 200 counts as a success: a redirect (to the login page, say) is an error.
    """
    headers = headers or {"Accept": "application/json"}
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    index = first
    while time.perf_counter() < stop_at:
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            tally.errors += 1
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            continue
        elapsed_ms = (time.perf_counter() - started) * 1000
        tally.statuses[response.status] = tally.statuses.get(response.status, 0) + 1
        if response.status == 200:
            tally.latencies_ms.append(elapsed_ms)
            tally.body_bytes += len(body)
        else:
            tally.errors += 1
        if response.will_close:
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.close()


def drive(port: int, paths: Sequence[str], clients: int, duration: float) -> tuple[list[Tally], float]:
    """Run `clients` threads for `duration` seconds; return their tallies and the elapsed time."""
    tallies = [Tally() for _ in range(clients)]
    started = time.perf_counter()
    stop_at = started + duration
    threads = [
        # Each client starts at another place in the rotation, so that they do not move in step.
        threading.Thread(target=client, args=(port, paths, i * len(paths) // clients, stop_at, tally))
        for i, tally in enumerate(tallies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tallies, time.perf_counter() - started


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile of sorted values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5), percentile([1.0, 2.0, 3.0, 4.0], 0.95)
    (2.0, 4.0)
    """
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarise(paths: Sequence[str], tallies: Sequence[Tally], elapsed: float) -> dict[str, Any]:
    latencies = sorted(ms for tally in tallies for ms in tally.latencies_ms)
    statuses: dict[int, int] = {}
    for tally in tallies:
        for status, count in tally.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    errors = sum(tally.errors for tally in tallies)
    return {
        "example": paths[0],
        "distinct_urls": len(set(paths)),
        "requests": len(latencies) + errors,
        "errors": errors,
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "seconds": round(elapsed, 2),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 2),
            "p95": round(percentile(latencies, 0.95), 2),
            "p99": round(percentile(latencies, 0.99), 2),
            "mean": round(sum(latencies) / len(latencies), 2) if latencies else math.nan,
            "max": round(latencies[-1], 2) if latencies else math.nan,
        },
        "mean_response_bytes": round(sum(t.body_bytes for t in tallies) / len(latencies)) if latencies else 0,
    }


def targets(limit: int) -> dict[str, list[str]]:
    """Return the URLs of each target; the list rotates over every (département, service) pair."""
    pairs = [(d, s) for d in DEPARTEMENTS for s in SERVICES]
    return {
        "bare_view": ["/bench/bare/"],
        "list_by_departement_and_service": [
            f"/api/v1/organisations/?departement={d}&service={s}&limit={limit}" for d, s in pairs
        ],
        "markers_by_service": [f"/api/v1/organisations/markers?service={s}" for s in SERVICES],
    }


def with_ratios(results: dict[str, dict[str, Any]]) -> None:
    """Add each target's throughput and median latency relative to the bare view."""
    bare = results["bare_view"]
    for result in results.values():
        result["ratio_to_bare"] = {
            "throughput": round(result["throughput_rps"] / bare["throughput_rps"], 3),
            "p50": round(result["latency_ms"]["p50"] / bare["latency_ms"]["p50"], 2),
        }


def machine() -> dict[str, Any]:
    import django

    return {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.machine(),
        "python": platform.python_version(),
        "django": django.get_version(),
        # Other work on the machine competes with the server and the clients.
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    host = machine()
    env = environment(args.organisations, args.rebuild)
    log("==> Preparing the database (migrations, geography, organisations)…")
    database = prepare_database(env, args.organisations)
    port = free_port()
    results: dict[str, dict[str, Any]] = {}
    log(f"==> gunicorn on {HOST}:{port}: {args.workers} workers × {args.threads} threads (gthread)")
    with server(env, port, args.workers, args.threads):
        for name, paths in targets(args.limit).items():
            log(f"==> {name}: {args.warmup:g} s warm-up, {args.duration:g} s measured, {args.clients} clients")
            drive(port, paths, args.clients, args.warmup)
            tallies, elapsed = drive(port, paths, args.clients, args.duration)
            results[name] = summarise(paths, tallies, elapsed)
    with_ratios(results)
    report = {
        "benchmark": "api_organisations",
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "settings": {
            "clients": args.clients,
            "duration_seconds": args.duration,
            "warmup_seconds": args.warmup,
            "list_limit": args.limit,
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
        "targets": results,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
