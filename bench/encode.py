"""Benchmark the linkage encodings on synthetic records; print the results as JSON.

Generates N synthetic records (15 % duplicates), then encodes them with a fresh encoder
(empty caches: a data holder's real run) under the hardened and the plain parameters: wall
time, records per second and peak resident memory. The reference, measured in the same
run, is a straightforward keyed CLK encoder — one HMAC-SHA256 per q-gram and per hash
function, as the textbook describes it — timed on a sample and extrapolated to N.
Progress goes to stderr, the JSON to stdout. Pure numpy and numba: no database.

    uv run python bench/encode.py [--records 1000000] [--reference-sample 20000] [--seed 2014]
"""

import argparse
import contextlib
import hashlib
import hmac
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from egide_analytics.linkage import HARDENED, PLAIN, Encoder, EncodingParameters, LinkageKey, normalise
from egide_analytics.linkage.bloom import qgrams
from egide_analytics.linkage.normalise import PersonIdentity, clear_caches
from egide_analytics.linkage.synthetic import generate


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _status_mb(field: str) -> float | None:
    """Return a memory figure of this process from /proc (VmRSS, VmHWM), in MB; None elsewhere than Linux."""
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _reset_peak() -> None:
    """Reset the peak resident memory (Linux ≥ 4.0), so each measurement has its own peak."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def measure(name: str, key: LinkageKey, parameters: EncodingParameters, columns: Sequence[list[str]]) -> dict[str, Any]:
    log(f"Encoding {len(columns[0])} records, {name}…")
    clear_caches()
    _reset_peak()
    before = _status_mb("VmRSS")
    load = os.getloadavg()[0]
    start, cpu_start = time.perf_counter(), time.process_time()
    encodings = Encoder(key, parameters).encode_columns(*columns)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = _status_mb("VmHWM")
    return {
        "seconds": round(seconds, 2),
        # The machine is shared: the CPU time of this process is the figure other loads do not inflate.
        "cpu_seconds": round(cpu, 2),
        "load_average_before": round(load, 2),
        "records_per_second": round(len(encodings) / seconds),
        "rss_before_mb": before,
        "peak_rss_mb": peak,
        "peak_increase_mb": round(peak - before, 1) if peak is not None and before is not None else None,
        "filter_bits": parameters.filter_bits,
    }


def reference_encode(identities: Sequence[PersonIdentity], key: bytes, parameters: EncodingParameters) -> np.ndarray:
    """Encode the textbook way: one HMAC per q-gram per hash function, bits set one by one (plain CLK)."""
    m = parameters.filter_bits
    hashes = dict(parameters.field_hashes)
    out = np.zeros((len(identities), m // 8), dtype=np.uint8)
    for row, identity in enumerate(identities):
        n = normalise(identity)
        features = [("family", g) for g in qgrams(n.family, 2)] if n.family else []
        features += [("family_key", g) for g in qgrams(n.family_key, 2)] if n.family_key else []
        features += [("given", g) for g in qgrams(n.given, 2)] if n.given else []
        features += [("given_key", g) for g in qgrams(n.given_key, 2)] if n.given_key else []
        features += [("name_tokens", g) for t in n.name_tokens for g in qgrams(t, 2)]
        features += [(f, v) for f, v in (("year", n.year), ("month", n.month), ("day", n.day), ("sex", n.sex),
                                         ("country", n.country)) if v]  # fmt: skip
        bits = bytearray(m)
        for field, feature in features:
            for i in range(hashes[field]):
                digest = hmac.new(key, f"{field}\x1f{feature}\x1f{i}".encode(), hashlib.sha256).digest()
                bits[int.from_bytes(digest[:8], "big") % m] = 1
        out[row] = np.packbits(np.frombuffer(bytes(bits), dtype=np.uint8))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="records to encode (default 1 000 000)")
    parser.add_argument("--reference-sample", type=int, default=20_000, help="records for the reference (20 000)")
    parser.add_argument("--seed", type=int, default=2014, help="seed of the synthetic records (default 2014)")
    args = parser.parse_args(argv)

    key = LinkageKey.from_bytes(hashlib.sha256(b"egide benchmark key").digest())
    log("Compiling the filter kernel (cached on disk after the first run)…")
    start = time.perf_counter()
    Encoder(key).encode([PersonIdentity("Martin", "Marie", "1990-01-01", "F", "FRA")])
    warmup = time.perf_counter() - start

    log(f"Generating {args.records} synthetic records…")
    start = time.perf_counter()
    data = generate(args.records, duplicate_rate=0.15, seed=args.seed)
    generation = time.perf_counter() - start
    columns = data.columns()

    hardened = measure("hardened", key, HARDENED, columns)
    plain = measure("plain", key, PLAIN, columns)

    sample = data.identities[: args.reference_sample]
    log(f"Reference encoder on {len(sample)} records…")
    clear_caches()
    start, cpu_start = time.perf_counter(), time.process_time()
    reference_encode(sample, key.derive("reference"), PLAIN)
    reference_seconds, reference_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    extrapolated = reference_seconds * args.records / len(sample)

    result = {
        "benchmark": "linkage encodings (egide encode)",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "records": args.records,
        "duplicate_rate": 0.15,
        "generation_seconds": round(generation, 2),
        "kernel_warmup_seconds": round(warmup, 2),
        "hardened": hardened,
        "plain": plain,
        "reference": {
            "method": "one HMAC-SHA256 per q-gram and per hash function, plain CLK, pure Python",
            "sample": len(sample),
            "sample_seconds": round(reference_seconds, 2),
            "extrapolated_seconds": round(extrapolated, 1),
            "extrapolated_cpu_seconds": round(reference_cpu * args.records / len(sample), 1),
            "records_per_second": round(len(sample) / reference_seconds),
            "speedup_hardened": round(extrapolated / hardened["seconds"], 1),
            "speedup_plain": round(extrapolated / plain["seconds"], 1),
            "cpu_speedup_hardened": round(reference_cpu * args.records / len(sample) / hardened["cpu_seconds"], 1),
        },
        "target_seconds": 60,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
