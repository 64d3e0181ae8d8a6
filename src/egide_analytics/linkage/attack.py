"""Attack Bloom-filter linkage encodings as an adversary who knows the scheme but not the key.

The adversary holds a population's encodings (bit-packed filters, one row per record) and a
public list of frequent names with their frequencies, and knows how the encoder turns a
name into features (normalisation, q-grams, number of bit positions per feature). Two
attacks after Christen, Ranbaduge, Vatsalan & Schnell, « Precise and fast cryptanalysis
for Bloom filter based privacy-preserving record linkage » (IEEE TKDE 2019):

- `frequency_alignment`: the most frequent identical values (whole filters, or exact
  tokens) are matched rank by rank to the most frequent plaintext values, as long as both
  rankings are unambiguous.
- `pattern_mining_attack`: the records are split recursively by the plaintext's most
  frequent feature (q-gram) in each part; the bit positions that are set together in as
  many filters of the part as the feature's expected frequency are that feature's
  positions. The names the known features point to then predict which records have each
  unknown feature, whose positions are the columns set in nearly all of them (repeated:
  each round sharpens the predictions). Each filter's set of identified features is
  finally matched to the public name whose features fit it best. Columns that are the
  exact complement of another column (balancing with a fixed permutation) are dropped first.

`evaluate` compares guesses with the truth: the re-identification rate is the share of
records whose true name the attack states, the precision the share of its stated guesses
that are right. See docs/methods/linkage-attack.md.

>>> def bigrams(name):
...     return {"given:" + name[i : i + 2] for i in range(len(name) - 1)}
>>> knowledge = AttackerKnowledge(
...     plaintext=[bigrams(name) for name in ["anna"] * 50 + ["paul"] * 30],
...     public={"given": PublicNames(("anna", "anne", "paul"), np.array([0.5, 0.3, 0.2]))},
...     name_features=lambda field, name: bigrams(name), bits_per_feature=lambda feature: 4)
>>> sorted(knowledge.feature_index), knowledge.candidates["given"].sum(axis=1).tolist()
(['given:an', 'given:au', 'given:na', 'given:nn', 'given:pa', 'given:ul'], [3, 2, 3])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from egide_analytics.linkage.encoding import PLAIN, EncodingParameters
from egide_analytics.linkage.normalise import PersonIdentity, normalise

BoolMatrix = npt.NDArray[np.bool_]
IndexArray = npt.NDArray[np.intp]
FeatureFunction = Callable[[str], Iterable[str]]
# A name is stated when it alone fits best and fits at least this well (Dice of identified features).
STATED_DICE = 0.8


@dataclass(frozen=True)
class PublicNames:
    """A public list of one field's names with their frequencies."""

    names: tuple[str, ...]
    weights: npt.NDArray[np.float64]

    def probabilities(self) -> npt.NDArray[np.float64]:
        """Return the weights scaled to sum to 1."""
        weights = np.asarray(self.weights, dtype=np.float64)
        scaled: npt.NDArray[np.float64] = weights / weights.sum()
        return scaled


def _as_written(field_name: str, name: str) -> str:
    """Return `name` unchanged: names compare as written unless the scheme says otherwise."""
    return name


def _all_set(bits: BoolMatrix, columns: Sequence[int] | IndexArray) -> BoolMatrix:
    """Return which rows have every one of `columns` set."""
    return np.asarray(bits[:, columns].all(axis=1), dtype=np.bool_)


@dataclass(frozen=True)
class AttackerKnowledge:
    """What the adversary knows besides the filters: the scheme, a plaintext database, public names.

    - `plaintext`: the features of each record of the adversary's own plaintext database,
      drawn from the same kind of population (every field the scheme encodes);
    - `public`: for each attacked field, the candidate names and their frequencies;
    - `name_features(field, name)`: the features a value of an attacked field sets;
    - `bits_per_feature(feature)`: how many bit positions the scheme gives that feature.

    Features are strings, equal when the scheme hashes them alike.
    """

    plaintext: Sequence[Iterable[str]]
    public: Mapping[str, PublicNames]
    name_features: Callable[[str, str], Iterable[str]]
    bits_per_feature: Callable[[str], int]
    canonical: Callable[[str, str], str] = _as_written
    min_plaintext_count: int = 20
    feature_index: dict[str, int] = field(init=False, repr=False)
    plaintext_matrix: BoolMatrix = field(init=False, repr=False)
    candidates: dict[str, BoolMatrix] = field(init=False, repr=False)
    lengths: npt.NDArray[np.intp] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        records = [frozenset(features) for features in self.plaintext]
        counts: dict[str, int] = {}
        for features in records:
            for feature in features:
                counts[feature] = counts.get(feature, 0) + 1
        # Only features frequent enough in the plaintext can be mined; rarer ones are never split on.
        index = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= self.min_plaintext_count))}
        matrix = np.zeros((len(records), len(index)), dtype=np.bool_)
        for row, features in enumerate(records):
            matrix[row, [index[f] for f in features if f in index]] = True
        candidates = {}
        for field_name, names in self.public.items():
            candidate = np.zeros((len(names.names), len(index)), dtype=np.bool_)
            for row, name in enumerate(names.names):
                candidate[row, [index[f] for f in self.name_features(field_name, name) if f in index]] = True
            candidates[field_name] = candidate
        lengths = np.array([self.bits_per_feature(feature) for feature in index], dtype=np.intp)
        object.__setattr__(self, "feature_index", index)
        object.__setattr__(self, "plaintext_matrix", matrix)
        object.__setattr__(self, "candidates", candidates)
        object.__setattr__(self, "lengths", lengths)

    @property
    def fields(self) -> tuple[str, ...]:
        """Return the attacked fields, in a stable order."""
        return tuple(self.public)


def unpack(clks: npt.NDArray[np.uint8]) -> BoolMatrix:
    """Return bit-packed filters (records × bytes, uint8) as a records × bits boolean matrix."""
    return np.unpackbits(np.ascontiguousarray(clks, dtype=np.uint8), axis=1).astype(np.bool_)


def drop_complement_columns(bits: BoolMatrix) -> tuple[BoolMatrix, int]:
    """Drop every column that is the exact complement of an earlier kept column; return the rest and the count.

    Balancing appends each filter's complement under a fixed permutation: the complement
    columns carry no information and, being dense, would mislead the mining.

    >>> bits = np.array([[1, 0, 0, 1], [0, 1, 1, 1], [1, 0, 1, 0]], dtype=bool)
    >>> kept, dropped = drop_complement_columns(bits)
    >>> kept.shape, dropped
    ((3, 3), 1)
    """
    packed = np.packbits(bits, axis=0).T  # one row of bytes per column
    complement = np.packbits(~bits, axis=0).T
    seen: dict[bytes, int] = {}
    keep = np.ones(bits.shape[1], dtype=np.bool_)
    for column in range(bits.shape[1]):
        if complement[column].tobytes() in seen:
            keep[column] = False
            continue
        seen.setdefault(packed[column].tobytes(), column)
    return bits[:, keep], int((~keep).sum())


# --- Frequency alignment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Alignment:
    """Frequent encoded values matched to plaintext values: record indices and the guessed value."""

    records: IndexArray
    guesses: tuple[str, ...]


def frequency_alignment(
    values: Sequence[bytes | str],
    plaintext: Sequence[str],
    probabilities: npt.NDArray[np.float64],
    *,
    ratio: float = 1.15,
    min_count: int = 5,
) -> Alignment:
    """Match the most frequent encoded values to the most frequent plaintext values, rank by rank.

    Rank i is matched only while the encoded counts and the plaintext probabilities both
    drop by at least `ratio` from rank i to rank i+1 (so that the ranks cannot swap) and
    the value occurs at least `min_count` times; the first ambiguous rank stops the attack.

    >>> values = ["x"] * 50 + ["y"] * 30 + ["z"] * 10 + ["w"] * 9
    >>> result = frequency_alignment(values, ["anne", "paul", "marc", "jean"], np.array([0.5, 0.3, 0.11, 0.09]))
    >>> sorted(set(result.guesses)), len(result.records)
    (['anne', 'paul'], 80)
    """
    distinct, inverse, counts = np.unique(np.asarray(values, dtype=object), return_inverse=True, return_counts=True)
    by_count = np.argsort(-counts, kind="stable")
    by_probability = np.argsort(-np.asarray(probabilities), kind="stable")
    matched: list[tuple[int, str]] = []
    for rank in range(min(len(by_count), len(by_probability)) - 1):
        count, next_count = counts[by_count[rank]], counts[by_count[rank + 1]]
        probability = probabilities[by_probability[rank]]
        next_probability = probabilities[by_probability[rank + 1]]
        if count < min_count or count < ratio * next_count or probability < ratio * next_probability:
            break
        matched.append((int(by_count[rank]), plaintext[by_probability[rank]]))
    del distinct
    records: list[IndexArray] = []
    guesses: list[str] = []
    for value_index, guess in matched:
        members = np.flatnonzero(inverse.ravel() == value_index)
        records.append(members)
        guesses.extend([guess] * len(members))
    return Alignment(
        records=np.concatenate(records) if records else np.zeros(0, dtype=np.intp),
        guesses=tuple(guesses),
    )


# --- Pattern mining --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MiningSettings:
    """Tuning of the pattern-mining attack (defaults fit populations of 5 000 to 50 000 records)."""

    min_records: int = 40
    min_support: float = 0.04
    max_support: float = 0.96
    seeds: int = 6
    tries: int = 150
    label_margin: float = 1.0
    profile_after: int = 3
    profile_z: float = 4.5
    propagation_rounds: int = 6
    max_nodes: int = 15
    time_budget: float = 60.0


@dataclass(frozen=True)
class Reidentification:
    """The attack's guess for each record and field (-1: no guess), and whether it states it."""

    guesses: dict[str, IndexArray]
    stated: npt.NDArray[np.bool_]
    identified_features: int
    dropped_columns: int
    nodes: int
    seconds: float


def _tolerance(support: float, records: int, plaintext: int) -> float:
    """Return how far a measured support may stray from the plaintext's (three standard errors plus 5 % of it)."""
    variance = support * (1.0 - support)
    return 0.05 * support + 3.0 * float(np.sqrt(variance / max(records, 1) + variance / max(plaintext, 1)))


def _mine_chain(pairs: npt.NDArray[np.float32], seed: int, excluded: npt.NDArray[np.bool_], length: int) -> list[int]:
    """Grow a set of columns from `seed`, each time adding the column closest to the rows having all so far.

    `pairs[a, b]` counts the rows having both columns; the rows having every chosen column
    are approximated by the smallest pairwise count. Closeness is the Dice coefficient
    between a column and those rows: a dense column is set in most rows of any subset but
    in many more; a column of a correlated feature (a q-gram of the same frequent names) in
    fewer; the columns of the same feature in all of its rows and few others.
    """
    sizes = np.diagonal(pairs)
    chosen = [seed]
    together = pairs[seed].copy()
    rows = float(sizes[seed])
    for _ in range(length - 1):
        scores = 2.0 * together / (rows + sizes)
        scores[excluded] = -1.0
        scores[chosen] = -1.0
        best = int(np.argmax(scores))
        if scores[best] <= 0.0:
            break
        chosen.append(best)
        rows = min(rows, float(together[best]))
        np.minimum(together, pairs[best], out=together)
    return chosen


def _identify_feature(
    bits: BoolMatrix,
    pairs: npt.NDArray[np.float32],
    support: float,
    tolerance: float,
    excluded: npt.NDArray[np.bool_],
    length: int,
    seeds: int,
) -> tuple[list[int], BoolMatrix] | None:
    """Return the columns of a feature expected in `support` of the rows, and the rows having them all, or None."""
    frequencies = np.diagonal(pairs) / bits.shape[0]
    # A feature's columns are set in its rows plus, by chance, in about the average share of the others.
    expected = support + (1.0 - support) * float(frequencies.mean())
    candidates = np.flatnonzero((frequencies >= support - tolerance) & ~excluded)
    candidates = candidates[np.argsort(np.abs(frequencies[candidates] - expected), kind="stable")][:seeds]
    best: tuple[float, list[int], BoolMatrix] | None = None
    for seed in candidates:
        chosen = _mine_chain(pairs, int(seed), excluded, length)
        if len(chosen) < max(2, length // 2):
            continue
        rows = _all_set(bits, chosen)
        gap = abs(float(rows.mean()) - support)
        if gap <= tolerance and (best is None or gap < best[0]):
            best = (gap, chosen, rows)
    return None if best is None else (best[1], best[2])


def mine_feature_positions(
    bits: BoolMatrix, knowledge: AttackerKnowledge, settings: MiningSettings = MiningSettings()
) -> tuple[dict[int, IndexArray], int]:
    """Return the bit positions identified for each feature (by feature index) and the nodes visited."""
    miner = _Miner(bits, knowledge, settings)
    stack: list[tuple[IndexArray, IndexArray, frozenset[int]]] = [
        (np.arange(bits.shape[0]), np.arange(knowledge.plaintext_matrix.shape[0]), frozenset())
    ]
    nodes = 0
    deadline = time.perf_counter() + settings.time_budget
    while stack and nodes < settings.max_nodes and time.perf_counter() < deadline:
        records, rows, used = stack.pop()
        if len(records) < settings.min_records or len(rows) < settings.min_records:
            continue
        nodes += 1
        split = miner.split(records, rows, used)
        if split is None:
            continue
        feature, has_bits, has_plain = split
        for side_bits, side_plain in ((has_bits, has_plain), (~has_bits, ~has_plain)):
            stack.append((records[side_bits], rows[side_plain], used | {feature}))
    return _validated(bits, knowledge.plaintext_matrix, miner.positions), nodes


class _Miner:
    """The state of the mining: the positions learnt so far and which records have each known feature."""

    def __init__(self, bits: BoolMatrix, knowledge: AttackerKnowledge, settings: MiningSettings) -> None:
        self.bits = bits
        self.plain = knowledge.plaintext_matrix
        self.lengths = knowledge.lengths
        self.settings = settings
        self.positions: dict[int, IndexArray] = {}
        self.known = np.zeros(self.plain.shape[1], dtype=np.bool_)
        self.known_columns = np.zeros(bits.shape[1], dtype=np.bool_)
        self.present = np.zeros((bits.shape[0], self.plain.shape[1]), dtype=np.bool_)

    def split(
        self, records: IndexArray, rows: IndexArray, used: frozenset[int]
    ) -> tuple[int, BoolMatrix, BoolMatrix] | None:
        """Learn what this part reveals; return the known feature splitting it most evenly and both sides, or None."""
        bits, plain = self.bits[records], self.plain[rows]
        supports = plain.mean(axis=0)
        settings = self.settings
        dense = bits.astype(np.float32)
        pairs = dense.T @ dense
        eligible = (supports >= settings.min_support) & (supports <= settings.max_support)
        eligible[list(used)] = False
        for feature in np.argsort(-np.where(eligible & ~self.known, supports, -1.0), kind="stable")[: settings.tries]:
            feature = int(feature)
            if not eligible[feature] or self.known[feature]:
                continue
            support = float(supports[feature])
            tolerance = _tolerance(support, len(records), len(rows))
            length = int(self.lengths[feature])
            found = _identify_feature(bits, pairs, support, tolerance, self.known_columns, length, settings.seeds)
            if found is None:
                continue
            columns, has = found
            label = self._label(records, plain, has, supports, tolerance, length, eligible, columns)
            if label is not None:
                self._learn(label, columns)
        splitting = np.flatnonzero(eligible & self.known)
        if not len(splitting):
            return None
        best = int(splitting[np.argmin(np.abs(supports[splitting] - 0.5))])
        return best, self.present[records, best], plain[:, best]

    def _learn(self, feature: int, columns: list[int]) -> None:
        self.positions[feature] = np.array(sorted(columns), dtype=np.intp)
        self.known[feature] = True
        self.known_columns[columns] = True
        self.present[:, feature] = _all_set(self.bits, columns)

    def _label(
        self,
        records: IndexArray,
        plain: BoolMatrix,
        has: BoolMatrix,
        supports: npt.NDArray[np.float64],
        tolerance: float,
        length: int,
        eligible: npt.NDArray[np.bool_],
        columns: list[int],
    ) -> int | None:
        """Name the feature whose columns were found, or None when unsure.

        Candidates are the unknown features as frequent in this part and given as many
        positions. Once some features are known, the records of the whole population having
        the found columns must have each known feature about as often as the candidate's
        plaintext records do (within `profile_z` standard errors), and better than any other
        candidate: a frequent name's whole pattern is not taken for one of its q-grams.
        """
        measured = float(has.mean())
        candidates = np.flatnonzero(
            eligible & ~self.known & (np.abs(supports - measured) <= tolerance) & (self.lengths == length)
        )
        known = np.flatnonzero(self.known)
        if len(known) < self.settings.profile_after:
            return int(candidates[0]) if len(candidates) == 1 else None
        if not len(candidates):
            return None
        having = _all_set(self.bits, columns)
        if int(having.sum()) < 10:
            return None
        distances = [_profile_distance(self.present, known, having, self.plain, int(c)) for c in candidates]
        order = np.argsort(distances)
        if distances[order[0]] > self.settings.profile_z:
            return None
        if len(order) > 1 and distances[order[1]] - distances[order[0]] < self.settings.label_margin:
            return None
        return int(candidates[order[0]])


def _profile_distance(
    present: BoolMatrix, known: IndexArray, having: BoolMatrix, plain: BoolMatrix, feature: int
) -> float:
    """Return how far (in standard errors, the worst known feature) the records `having` a pattern are
    from the plaintext records having `feature`, in how often they have each known feature."""
    count = int(having.sum())
    rows = plain[plain[:, feature]]
    if count == 0 or not len(rows) or not len(known):
        return float("inf")
    observed = present[having][:, known].mean(axis=0)
    expected = rows[:, known].mean(axis=0)
    variance = expected * (1 - expected) * (1 / count + 1 / len(rows)) + 1e-4
    return float((np.abs(observed - expected) / np.sqrt(variance)).max())


def _validated(bits: BoolMatrix, plain: BoolMatrix, positions: dict[int, IndexArray]) -> dict[int, IndexArray]:
    """Keep the features whose positions are all set in about as many filters as the plaintext predicts."""
    kept = {}
    for feature, columns in positions.items():
        measured = float(_all_set(bits, columns).mean())
        expected = float(plain[:, feature].mean())
        if abs(measured - expected) <= _tolerance(expected, bits.shape[0], plain.shape[0]):
            kept[feature] = columns
    return kept


def pattern_mining_attack(
    clks: npt.NDArray[np.uint8], knowledge: AttackerKnowledge, settings: MiningSettings = MiningSettings()
) -> Reidentification:
    """Mine feature positions in the filters, then guess each record's name in each field."""
    start = time.perf_counter()
    bits, dropped = drop_complement_columns(unpack(clks))
    positions, nodes = mine_feature_positions(bits, knowledge, settings)
    for _ in range(settings.propagation_rounds):
        learnt = _propagate(bits, knowledge, positions, settings.profile_z)
        _prune(bits, knowledge, positions, settings.profile_z)
        if not learnt:
            break
    present, known = _presence(bits, knowledge, positions)
    guesses = {}
    stated = np.ones(bits.shape[0], dtype=np.bool_)
    for field_name in knowledge.fields:
        guess, exact, _ = _best_names(present, known, knowledge, field_name)
        guesses[field_name] = guess
        stated &= exact
    return Reidentification(
        guesses=guesses,
        stated=stated,
        identified_features=len(positions),
        dropped_columns=dropped,
        nodes=nodes,
        seconds=time.perf_counter() - start,
    )


def _presence(
    bits: BoolMatrix, knowledge: AttackerKnowledge, positions: Mapping[int, IndexArray]
) -> tuple[BoolMatrix, npt.NDArray[np.bool_]]:
    """Return which records have each known feature (all its positions set), and the known features."""
    present = np.zeros((bits.shape[0], len(knowledge.feature_index)), dtype=np.bool_)
    for feature, columns in positions.items():
        present[:, feature] = _all_set(bits, columns)
    known = np.zeros(len(knowledge.feature_index), dtype=np.bool_)
    known[list(positions)] = True
    return present, known


def _prune(bits: BoolMatrix, knowledge: AttackerKnowledge, positions: dict[int, IndexArray], profile_z: float) -> None:
    """Forget the features whose records no longer match their plaintext profile over the other known ones.

    A wrong label learnt early agrees with few features; once many are known, it stands out.
    """
    present, known = _presence(bits, knowledge, positions)
    features = np.flatnonzero(known)
    if len(features) < 3:
        return
    observed = present[:, features].astype(np.float32)
    plain = knowledge.plaintext_matrix[:, features].astype(np.float32)
    counts = np.maximum(observed.sum(axis=0), 1)
    plain_counts = np.maximum(plain.sum(axis=0), 1)
    having = (observed.T @ observed) / counts[:, None]  # row f: share of f's records having each feature
    expected = (plain.T @ plain) / plain_counts[:, None]
    variance = expected * (1 - expected) * (1 / counts[:, None] + 1 / plain_counts[:, None]) + 1e-4
    distance = np.abs(having - expected) / np.sqrt(variance)
    np.fill_diagonal(distance, 0.0)
    for feature, worst in zip(features.tolist(), distance.max(axis=1).tolist(), strict=True):
        if worst > 2 * profile_z:
            del positions[feature]


def _propagate(
    bits: BoolMatrix, knowledge: AttackerKnowledge, positions: dict[int, IndexArray], profile_z: float
) -> int:
    """Learn more features from the names the known ones point to; return how many were learnt.

    Each record's names are predicted from its known features (every best-fitting name,
    weighted by frequency); the records predicted to have an unknown feature should all
    have its positions set: the columns set in nearly all of them, as many as the scheme
    gives that feature, are taken when the records having them all are about as many as
    the plaintext predicts.
    """
    present, known = _presence(bits, knowledge, positions)
    likely = np.zeros((bits.shape[0], len(knowledge.feature_index)), dtype=np.float32)
    for field_name in knowledge.fields:
        _, _, shares = _best_names(present, known, knowledge, field_name)
        field_likely = shares @ knowledge.candidates[field_name].astype(np.float32)
        likely = (1.0 - (1.0 - likely) * (1.0 - field_likely)).astype(np.float32)
    confident = (likely >= 0.8) & ~known[None, :]
    counts = confident.sum(axis=0)
    features = np.flatnonzero(counts >= 20)
    if not len(features):
        return 0
    dense = bits.astype(np.float32)
    shares_set = (confident[:, features].T.astype(np.float32) @ dense) / counts[features, None]
    expected = knowledge.plaintext_matrix.mean(axis=0)
    plaintext_rows = knowledge.plaintext_matrix.shape[0]
    known_features = np.flatnonzero(known)
    frequencies = bits.mean(axis=0)
    learnt = 0
    for row, feature in enumerate(features.tolist()):
        length = int(knowledge.lengths[feature])
        # Dense columns are set in nearly all of any rows: rank by the excess over their frequency.
        columns = np.argsort(-(shares_set[row] - frequencies), kind="stable")[:length]
        if shares_set[row, columns].min() < 0.8:
            continue
        having = _all_set(bits, columns)
        tolerance = _tolerance(float(expected[feature]), bits.shape[0], plaintext_rows)
        if abs(float(having.mean()) - expected[feature]) > tolerance:
            continue
        if _profile_distance(present, known_features, having, knowledge.plaintext_matrix, feature) <= profile_z:
            positions[feature] = np.sort(columns)
            learnt += 1
    return learnt


def _best_names(
    present: BoolMatrix, known: npt.NDArray[np.bool_], knowledge: AttackerKnowledge, field_name: str
) -> tuple[IndexArray, npt.NDArray[np.bool_], npt.NDArray[np.float32]]:
    """Return each record's best-fitting name of the field, whether it is stated (unique, Dice ≥ STATED_DICE), and the
    share of each name among the best-fitting ones (by frequency).

    A name fits by the Dice coefficient between its identified features and the record's
    identified features of that field; ties go to the more frequent name.
    """
    names = knowledge.candidates[field_name] & known
    # Features another attacked field also sets (name tokens) cannot tell which field they came from.
    others = [knowledge.candidates[other].any(axis=0) for other in knowledge.fields if other != field_name]
    in_field = names.any(axis=0) & ~np.logical_or.reduce(others) if others else names.any(axis=0)
    observed = present[:, in_field].astype(np.float32)
    candidates = names[:, in_field].astype(np.float32)
    sizes = candidates.sum(axis=1)
    prior = knowledge.public[field_name].probabilities()
    tie_break = 1e-3 * prior / prior.max()
    guesses = np.full(present.shape[0], -1, dtype=np.intp)
    exact = np.zeros(present.shape[0], dtype=np.bool_)
    shares = np.zeros((present.shape[0], len(prior)), dtype=np.float32)
    for start in range(0, present.shape[0], 2048):
        block = observed[start : start + 2048]
        overlap = block @ candidates.T
        dice = 2 * overlap / np.maximum(block.sum(axis=1, keepdims=True) + sizes[None, :], 1)
        score = dice + tie_break[None, :]
        best = np.argmax(score, axis=1)
        top = dice[np.arange(len(best)), best]
        tied = dice >= top[:, None] - 1e-9
        guesses[start : start + 2048] = best
        exact[start : start + 2048] = (top >= STATED_DICE) & (tied.sum(axis=1) == 1)
        weights = tied * prior[None, :]
        shares[start : start + 2048] = weights / weights.sum(axis=1, keepdims=True)
    return guesses, exact, shares


# --- Evaluation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttackOutcome:
    """How well an attack did: records, stated guesses, correct ones, the rate and the precision."""

    records: int
    stated: int
    correct: int
    best_guess_correct: int

    @property
    def reidentification_rate(self) -> float:
        """Return the share of records whose true name the attack states."""
        return self.correct / self.records if self.records else 0.0

    @property
    def precision(self) -> float:
        """Return the share of stated guesses that are right."""
        return self.correct / self.stated if self.stated else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """Return the figures as a JSON-ready dictionary."""
        return {
            "records": self.records,
            "stated_guesses": self.stated,
            "correct": self.correct,
            "reidentification_rate": round(self.reidentification_rate, 4),
            "precision": round(self.precision, 4),
            "best_guess_correct": self.best_guess_correct,
        }


def evaluate(
    result: Reidentification, knowledge: AttackerKnowledge, truth: Mapping[str, Sequence[str]]
) -> AttackOutcome:
    """Compare the guesses with the true names: a record is re-identified when every field is right."""
    all_right = np.ones(len(result.stated), dtype=np.bool_)
    for field_name in knowledge.fields:
        canonical = [knowledge.canonical(field_name, name) for name in knowledge.public[field_name].names]
        names = np.array([*canonical, "\x00"], dtype=object)
        guessed = names[result.guesses[field_name]]
        actual = np.array([knowledge.canonical(field_name, name) for name in truth[field_name]], dtype=object)
        all_right &= guessed == actual
    return AttackOutcome(
        records=len(all_right),
        stated=int(result.stated.sum()),
        correct=int((all_right & result.stated).sum()),
        best_guess_correct=int(all_right.sum()),
    )


def evaluate_alignment(alignment: Alignment, truth: Sequence[str]) -> AttackOutcome:
    """Compare a frequency alignment's guesses with the true values (`truth[record]`)."""
    actual = np.asarray(truth, dtype=object)[alignment.records] if len(alignment.records) else np.zeros(0)
    correct = int((actual == np.asarray(alignment.guesses, dtype=object)).sum()) if len(actual) else 0
    return AttackOutcome(records=len(truth), stated=len(alignment.records), correct=correct, best_guess_correct=correct)


# --- Égide's scheme --------------------------------------------------------------------------------


def egide_clk_knowledge(
    plaintext: Sequence[PersonIdentity],
    given_names: PublicNames,
    family_names: PublicNames,
    parameters: EncodingParameters = PLAIN,
) -> AttackerKnowledge:
    """Return what an adversary who read Égide's encoder knows, given its own plaintext and public names.

    The features are those `Encoder` hashes (see `egide_analytics.linkage.encoding`), without
    salt: the adversary does not know the birth years behind the filters.
    """
    hashes = dict(parameters.field_hashes)

    def qgrams(prefix: str, text: str) -> list[str]:
        if not text:
            return []
        padded = "_" * (parameters.qgram - 1) + text + "_" * (parameters.qgram - 1)
        return [f"{prefix}:{padded[i : i + parameters.qgram]}" for i in range(len(padded) - parameters.qgram + 1)]

    def features(identity: PersonIdentity) -> list[str]:
        n = normalise(identity)
        found = qgrams("family", n.family) + qgrams("family_key", n.family_key)
        found += qgrams("given", n.given) + qgrams("given_key", n.given_key)
        for token in n.name_tokens:
            found += qgrams("name_tokens", token)
        for name, value in (
            ("year", n.year),
            ("month", n.month),
            ("day", n.day),
            ("sex", n.sex),
            ("country", n.country),
        ):
            if value:
                found.append(f"{name}:{value}")
        return [feature for feature in found if hashes.get(feature.split(":", 1)[0], 0) > 0]

    def name_features(field_name: str, name: str) -> list[str]:
        return features(PersonIdentity(given_names=name) if field_name == "given" else PersonIdentity(family_name=name))

    def canonical(field_name: str, name: str) -> str:
        n = normalise(PersonIdentity(given_names=name) if field_name == "given" else PersonIdentity(family_name=name))
        return n.given if field_name == "given" else n.family

    return AttackerKnowledge(
        plaintext=[features(identity) for identity in plaintext],
        public={"given": given_names, "family": family_names},
        name_features=name_features,
        bits_per_feature=lambda feature: hashes[feature.split(":", 1)[0]],
        canonical=canonical,
    )
