"""Benchmark disclosure control on a year's standard release; print the results as JSON.

Builds a generated year (linked records of persons seen by holders of unequal sizes), its
standard tables (one-way tables as declared and in distinct persons, cross tables: about
thirty tables linked by shared margins), protects them (primary, zero and secondary
suppression with LP verification, rounding), then runs the LP attack on every suppressed
count of the published release. Progress goes to stderr, the JSON to stdout.

    uv run python bench/sdc.py [--persons 900] [--holders 40] [--records-only 100000] [--seed 2014]
"""

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from typing import Any

import numpy as np
import scipy

from egide_analytics.sdc import ReleaseAttack, Rules, protect
from egide_analytics.statistics import standard_tables, year_statistics
from egide_analytics.statistics.synthetic import synthetic_capture, synthetic_year


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seconds(start: float) -> float:
    return round(time.perf_counter() - start, 3)


def release_figures(persons: int, holders: int, seed: int) -> dict[str, Any]:
    log(f"Generating {persons} persons over {holders} holders…")
    records, population = synthetic_capture(persons=persons, holders=holders, seed=seed)
    start = time.perf_counter()
    tables = standard_tables(records)
    tables_seconds = seconds(start)
    log(f"Protecting {len(tables)} tables…")
    start = time.perf_counter()
    release = protect(tables, Rules())
    protect_seconds = seconds(start)
    flags = Counter(row.flag or "publiée" for row in release.rows())
    log("Attacking every suppressed count…")
    start = time.perf_counter()
    attack = ReleaseAttack(release)
    suppressed = attack.suppressed()
    widths = []
    for key in suppressed:
        low, high = attack.bounds(key)
        widths.append(high - low)
    attack_seconds = seconds(start)
    start = time.perf_counter()
    stats = year_statistics(records, rules=Rules())
    year_seconds = seconds(start)
    return {
        "records": len(records),
        "persons": persons,
        "generated_population": population,
        "holders": holders,
        "tables": len(tables),
        "counts": sum(flags.values()),
        "flags": dict(flags),
        "seconds": {
            "standard_tables": tables_seconds,
            "protect_with_lp_verification": protect_seconds,
            "lp_attack_all_suppressed": attack_seconds,
            "year_statistics_end_to_end": year_seconds,
        },
        "attack": {
            "suppressed_counts": len(suppressed),
            "linear_programs": 2 * len(suppressed),
            "narrowest_interval": min(widths) if widths else None,
            "protection_width": Rules().protection_width,
        },
        "hidden_population": {
            "status": stats.hidden_population.status,
            "true_population": population,
            "estimate": stats.hidden_population.estimate,
            "interval": [stats.hidden_population.lower, stats.hidden_population.upper],
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--persons",
        type=int,
        default=900,
        help="distinct persons of the protected year (default 900)",
    )
    parser.add_argument("--holders", type=int, default=40, help="data holders (default 40)")
    parser.add_argument(
        "--records-only", type=int, default=100_000, help="distinct persons of the tables-only timing (0 skips)"
    )
    parser.add_argument("--seed", type=int, default=2014)
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"release": release_figures(args.persons, args.holders, args.seed)}
    if args.records_only:
        log(f"Standard tables of {args.records_only} persons…")
        records = synthetic_year(persons=args.records_only, holders=args.holders, seed=args.seed)
        start = time.perf_counter()
        standard_tables(records)
        report["large_tables"] = {"persons": args.records_only, "records": len(records), "seconds": seconds(start)}
    report["machine"] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
