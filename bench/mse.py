"""Benchmark multiple systems estimation on the six-list UK 2013 table; print the results as JSON.

Times one model fit, the stepwise search (cold: admissibility not yet cached; warm), the
greedy AIC search, and a full estimate with BCa bootstrap replicates (each replicate
repeats the stepwise search; the jackknife adds one search per observed pattern).
Progress goes to stderr, the JSON to stdout. Pure numpy and scipy: no database.

    uv run python bench/mse.py [--replicates 1000] [--seed 2014] [--repeat 200]
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy

from egide_analytics.mse import LogLinearEngine, estimate_population, stepwise
from egide_analytics.mse.datasets import uk_2013
from egide_analytics.mse.search import Criterion, criterion_search


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(function: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Return the median and minimum wall time of `function`, in microseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1e6)
    return {"median_us": round(statistics.median(samples), 1), "min_us": round(min(samples), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=1000, help="bootstrap replicates (default 1000)")
    parser.add_argument("--seed", type=int, default=2014, help="bootstrap seed (default 2014)")
    parser.add_argument("--repeat", type=int, default=200, help="repetitions of the short timings (default 200)")
    args = parser.parse_args(argv)

    table = uk_2013()
    cells = table.cell_counts()
    engine = LogLinearEngine(len(table.lists))
    chosen = stepwise(engine, cells, table.lists).fit.pairs

    log("Fits…")
    fits = {
        "main_effects": timed(lambda: engine.fit(cells, ()), args.repeat),
        "stepwise_model": timed(lambda: engine.fit(cells, chosen), args.repeat),
    }
    log("Searches…")
    cold = timed(lambda: stepwise(LogLinearEngine(len(table.lists)), cells, table.lists), max(args.repeat // 10, 5))
    warm = timed(lambda: stepwise(engine, cells, table.lists), args.repeat)
    greedy = timed(lambda: criterion_search(engine, cells, table.lists, Criterion.AIC), max(args.repeat // 10, 5))

    log(f"Bootstrap, {args.replicates} replicates…")
    start = time.perf_counter()
    result = estimate_population(table, bootstrap=args.replicates, seed=args.seed)
    bootstrap_seconds = time.perf_counter() - start
    assert result.bootstrap is not None and result.interval is not None and result.estimate is not None

    report = {
        "table": {
            "name": "UK 2013 (six lists)",
            "lists": len(table.lists),
            "observed": table.observed,
            "observed_patterns": int(np.count_nonzero(cells)),
            "cells": len(cells),
        },
        "fit": fits,
        "stepwise": {"cold_cache": cold, "warm_cache": warm, "interactions": len(chosen)},
        "aic_greedy_search": greedy,
        "bootstrap": {
            "replicates": args.replicates,
            "seed": args.seed,
            "seconds": round(bootstrap_seconds, 2),
            # Searches run: the data, each replicate, and one jackknife deletion per observed pattern.
            "per_search_ms": round(bootstrap_seconds * 1000 / (1 + args.replicates + np.count_nonzero(cells)), 2),
            "failed_replicates": result.bootstrap.failed,
        },
        "result": {
            "estimate": round(result.estimate, 1),
            "interval_95_bca": [round(result.interval.lower, 1), round(result.interval.upper, 1)],
            "model": ["×".join(pair) for pair in result.pair_names(result.fit.pairs)],
            "acceleration": round(result.bootstrap.acceleration, 5),
        },
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
