"""Attack plain and hardened linkage encodings of one synthetic population; print the results as JSON.

The adversary knows Égide's encoding scheme but not the key, holds the encodings of a
population and a public list of frequent names with their frequencies, and its own
plaintext database drawn from the same kind of population (another seed). For each
encoding setting (plain, each hardening option alone, all together: the default), it runs
the pattern-mining attack of `egide_analytics.linkage.attack` and reports the
re-identification rate (records whose given AND family names it states correctly), its
precision, and its timing; then the frequent-filter attack on filters of names only.
Progress goes to stderr, the JSON to stdout. Pure numpy: no database.

    uv run python bench/attack.py [--records 20000] [--plaintext 20000] [--budget 60] [--seed 2014]
"""

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import replace
from typing import Any

import numpy as np

from egide_analytics.linkage import (
    HARDENED,
    HARDENED_SALTED,
    PLAIN,
    Encoder,
    EncodingParameters,
    LinkageKey,
    PersonIdentity,
)
from egide_analytics.linkage.attack import (
    MiningSettings,
    PublicNames,
    egide_clk_knowledge,
    evaluate,
    evaluate_alignment,
    frequency_alignment,
    pattern_mining_attack,
)
from egide_analytics.linkage.normalise import normalise
from egide_analytics.linkage.synthetic import generate, name_frequencies

SETTINGS: dict[str, EncodingParameters] = {
    "plain": PLAIN,
    "balancing_only": replace(PLAIN, balance=True),
    "xor_folding_only": replace(PLAIN, xor_fold=True),
    "salting_only": replace(PLAIN, salt="birth_year"),
    # The default: balancing and XOR-folding, no salt.
    "hardened": HARDENED,
    "hardened_salted": HARDENED_SALTED,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def public_names(female_share: float) -> tuple[PublicNames, PublicNames]:
    """Return the public given-name and family-name lists, given names of both sexes weighted by `female_share`."""
    lists = name_frequencies()
    given: Counter[str] = Counter()
    for name, frequency in lists["female"]:
        given[name] += female_share * frequency
    for name, frequency in lists["male"]:
        given[name] += (1 - female_share) * frequency
    ranked = given.most_common()
    return (
        PublicNames(tuple(name for name, _ in ranked), np.array([f for _, f in ranked])),
        PublicNames(tuple(name for name, _ in lists["family"]), np.array([f for _, f in lists["family"]])),
    )


def frequent_filter_attack(
    population: list[PersonIdentity], plaintext: list[PersonIdentity], key: LinkageKey
) -> dict[str, Any]:
    """Align the most frequent whole filters of names-only encodings with the most frequent full names."""
    names_only = [PersonIdentity(p.family_name, p.given_names) for p in population]
    clks = Encoder(key, PLAIN).encode(names_only).clks
    full = [f"{normalise(p).given} {normalise(p).family}" for p in plaintext]
    counts = Counter(full).most_common()
    total = sum(count for _, count in counts)
    alignment = frequency_alignment(
        [row.tobytes() for row in clks],
        [name for name, _ in counts],
        np.array([count / total for _, count in counts]),
    )
    truth = [f"{normalise(p).given} {normalise(p).family}" for p in population]
    return {"encoding": "plain, names only", **evaluate_alignment(alignment, truth).as_dict()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000, help="encoded population (default 20 000)")
    parser.add_argument("--plaintext", type=int, default=20_000, help="adversary's plaintext database (default 20 000)")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of mining per setting (default 60)")
    parser.add_argument("--seed", type=int, default=2014, help="population seed (default 2014)")
    parser.add_argument("--settings", nargs="*", choices=list(SETTINGS), help="only these encodings (default: all)")
    args = parser.parse_args(argv)

    population = generate(args.records, duplicate_rate=0.0, seed=args.seed).identities
    plaintext = generate(args.plaintext, duplicate_rate=0.0, seed=args.seed + 1).identities
    female_share = float(np.mean([p.sex == "female" for p in plaintext]))
    given, family = public_names(female_share)
    log("Adversary's knowledge…")
    start = time.perf_counter()
    knowledge = egide_clk_knowledge(plaintext, given, family)
    knowledge_seconds = time.perf_counter() - start
    truth = {"given": [p.given_names for p in population], "family": [p.family_name for p in population]}
    key = LinkageKey.from_bytes(np.random.default_rng(args.seed).bytes(32))
    settings = MiningSettings(time_budget=args.budget)
    results: dict[str, Any] = {}
    for label, parameters in SETTINGS.items():
        if args.settings and label not in args.settings:
            continue
        log(f"Attacking {label} encodings…")
        start = time.perf_counter()
        clks = Encoder(key, parameters).encode(population).clks
        encode_seconds = time.perf_counter() - start
        attack = pattern_mining_attack(clks, knowledge, settings)
        outcome = evaluate(attack, knowledge, truth)
        results[label] = {
            "parameters": {"balance": parameters.balance, "xor_fold": parameters.xor_fold, "salt": parameters.salt},
            **outcome.as_dict(),
            "identified_features": attack.identified_features,
            "dropped_complement_columns": attack.dropped_columns,
            "mining_nodes": attack.nodes,
            "encode_seconds": round(encode_seconds, 2),
            "attack_seconds": round(attack.seconds, 2),
        }
        log(f"  {label}: {outcome.reidentification_rate:.1%} re-identified, precision {outcome.precision:.1%}")
    log("Frequent-filter attack…")
    frequent = frequent_filter_attack(population, plaintext, key)
    report = {
        "benchmark": "linkage_attack",
        "population": args.records,
        "plaintext_database": args.plaintext,
        "public_names": {"given": len(given.names), "family": len(family.names)},
        "features_known_to_adversary": len(knowledge.feature_index),
        "knowledge_seconds": round(knowledge_seconds, 2),
        "mining_budget_seconds": args.budget,
        "pattern_mining": results,
        "frequent_filter": frequent,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__},
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
