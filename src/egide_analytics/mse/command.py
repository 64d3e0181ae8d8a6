"""The work of `egide estimate-population`: read a CSV table, estimate, print in French or JSON.

Pure Python, numpy and scipy: it runs on a machine without Django or a database.
"""

import json
import sys
from pathlib import Path
from typing import TextIO

from egide_analytics.mse.estimate import Method, estimate_population
from egide_analytics.mse.report import format_text, to_dict
from egide_analytics.mse.table import CaptureTableError, read_capture_table

EXIT_OK = 0
EXIT_BAD_INPUT = 1
# The table was read but the lists are too sparse for any estimate.
EXIT_NO_ESTIMATE = 3


def run(
    path: str | Path,
    *,
    method: str = Method.STEPWISE.value,
    bootstrap: int = 0,
    seed: int | None = None,
    as_json: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Estimate the population of the table at `path`, print the report and return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    if bootstrap < 0:
        print("Erreur : --bootstrap attend un nombre de réplications positif ou nul.", file=err)
        return EXIT_BAD_INPUT
    if seed is not None and seed < 0:
        print("Erreur : --seed attend un entier positif ou nul.", file=err)
        return EXIT_BAD_INPUT
    try:
        table = read_capture_table(path)
    except CaptureTableError as error:
        print(f"Erreur : tableau {path} invalide.", file=err)
        for problem in error.problems:
            print(f"  - {problem}", file=err)
        return EXIT_BAD_INPUT
    result = estimate_population(table, method=method, bootstrap=bootstrap, seed=seed)
    if as_json:
        out.write(json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(format_text(result))
    return EXIT_NO_ESTIMATE if result.too_sparse else EXIT_OK
