"""Blocking: which pairs of records are compared at all.

Two records are a candidate pair when they fall in the same block of at least one blocking
key. The keys are

- each exact keyed token of the encodings (records sharing the token's value; unknown
  values, '', block nothing), and
- `lsh_bands` bands of Hamming locality-sensitive hashing on the Bloom filters: each band
  samples `lsh_bits` bit positions (the same for every record, drawn from a fixed seed) and
  records whose filters agree on all of them share a block. Two filters of Dice d with
  balanced weights agree on a bit with probability about d, so a typo that breaks every
  exact token still leaves a true match a good chance in one band, while unrelated records
  rarely agree on `lsh_bits` bits.

Each key is a column of 32-bit codes, 0 meaning « no block »; a block larger than
`max_block_size` (a value shared by too many records to tell them apart) is dropped for
that key and its records get 0. A pair is compared only under the first key that puts it
in a block, which deduplicates candidate pairs without ever holding them in memory:
memory is the codes (n × keys × 4 bytes) plus the pairs kept.
"""

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numba
import numpy as np

NO_BLOCK = np.uint32(0)


@dataclass(frozen=True)
class BlockingConfig:
    """How candidate pairs are chosen."""

    use_tokens: bool = True
    lsh_bands: int = 32
    lsh_bits: int = 18
    max_block_size: int = 400
    seed: int = 2009

    def __post_init__(self) -> None:
        if not 1 <= self.lsh_bits <= 31:
            raise ValueError("lsh_bits doit être compris entre 1 et 31")
        if self.lsh_bands < 0 or self.max_block_size < 2:
            raise ValueError("lsh_bands doit être positif ou nul et max_block_size au moins 2")


@dataclass(frozen=True)
class BlockingKeys:
    """The blocking codes of every record: one column per key, 0 where the record has no block."""

    names: tuple[str, ...]
    codes: np.ndarray  # (n, n_keys) uint32, C-contiguous: a record's codes side by side


def token_codes(values: Sequence[str]) -> np.ndarray:
    """Return a nonzero 32-bit code for each token, 0 for an unknown ('') token."""
    codes = np.fromiter((zlib.crc32(value.encode()) if value else 0 for value in values), dtype=np.uint32,
                        count=len(values))  # fmt: skip
    # A real token whose checksum is 0 must not read as unknown.
    codes[(codes == 0) & np.fromiter((bool(value) for value in values), dtype=bool, count=len(values))] = 1
    return codes


def lsh_positions(filter_bits: int, config: BlockingConfig) -> np.ndarray:
    """Return the (bands, bits) bit positions sampled by the LSH bands, the same on every run."""
    rng = np.random.default_rng(config.seed)
    if config.lsh_bands == 0:
        return np.zeros((0, config.lsh_bits), dtype=np.int64)
    return np.stack([rng.choice(filter_bits, size=config.lsh_bits, replace=False)
                     for _ in range(config.lsh_bands)]).astype(np.int64)  # fmt: skip


@numba.njit(cache=True, nogil=True)
def _lsh_codes(clks: np.ndarray, counts: np.ndarray, positions: np.ndarray, out: np.ndarray, first: int) -> None:
    for row in range(clks.shape[0]):
        if counts[row] == 0:
            for band in range(positions.shape[0]):
                out[row, first + band] = 0
            continue
        for band in range(positions.shape[0]):
            code = np.uint32(0)
            for position in positions[band]:
                bit = (clks[row, position >> 3] >> (7 - (position & 7))) & 1
                code = (code << np.uint32(1)) | np.uint32(bit)
            # +1: an all-zero sample is a real block, 0 means none (lsh_bits ≤ 31 leaves room).
            out[row, first + band] = code + np.uint32(1)


def blocking_keys(
    tokens: Mapping[str, Sequence[str]], clks: np.ndarray, counts: np.ndarray, config: BlockingConfig
) -> BlockingKeys:
    """Compute the blocking codes of n records from their tokens and bit-packed filters (n, bytes)."""
    token_names = sorted(tokens) if config.use_tokens else []
    n = clks.shape[0]
    codes = np.zeros((n, len(token_names) + config.lsh_bands), dtype=np.uint32)
    for column, name in enumerate(token_names):
        if len(tokens[name]) != n:
            raise ValueError(f"le jeton « {name} » n'a pas une valeur par enregistrement")
        codes[:, column] = token_codes(tokens[name])
    positions = lsh_positions(clks.shape[1] * 8, config)
    if config.lsh_bands:
        _lsh_codes(np.ascontiguousarray(clks, dtype=np.uint8), counts, positions, codes, len(token_names))
    names = (*(f"jeton:{name}" for name in token_names), *(f"lsh:{band}" for band in range(config.lsh_bands)))
    return BlockingKeys(names=names, codes=codes)


@dataclass(frozen=True)
class Blocks:
    """The blocks of one key: record indices grouped by code (`order[starts[b]:starts[b] + sizes[b]]`)."""

    order: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray
    dropped_blocks: int
    dropped_records: int


def blocks_of(codes: np.ndarray, key: int, max_block_size: int) -> Blocks:
    """Group the records by their code of column `key`; drop oversize blocks and set their codes to 0.

    Zeroing the dropped records' codes matters: later keys look at earlier codes to skip the
    pairs already compared, and the pairs of a dropped block were not.
    """
    column = codes[:, key]
    known = np.flatnonzero(column != NO_BLOCK)
    order = known[np.argsort(column[known], kind="stable")]
    sorted_codes = column[order]
    if order.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Blocks(order=order, starts=empty, sizes=empty, dropped_blocks=0, dropped_records=0)
    boundaries = np.flatnonzero(sorted_codes[1:] != sorted_codes[:-1]) + 1
    starts = np.concatenate(([0], boundaries)).astype(np.int64)
    sizes = np.diff(np.concatenate((starts, [order.size]))).astype(np.int64)
    oversize = sizes > max_block_size
    if oversize.any():
        for start, size in zip(starts[oversize], sizes[oversize], strict=True):
            codes[order[start : start + size], key] = NO_BLOCK
    keep = (sizes >= 2) & ~oversize
    return Blocks(order=order, starts=starts[keep], sizes=sizes[keep], dropped_blocks=int(oversize.sum()),
                  dropped_records=int(sizes[oversize].sum()))  # fmt: skip
