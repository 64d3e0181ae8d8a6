"""The work of `egide link`: read encoded files, link them into persons, write the clusters.

Pure Python and numpy: it runs offline on a machine without Django or a database.
"""

import csv
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from egide_analytics.linkage.evaluation import Evaluation, evaluate_link
from egide_analytics.linkage.files import EncodedFile, EncodedFileError, read_encoded
from egide_analytics.linkage.matching import LinkResult, Source, Thresholds, link

EXIT_OK = 0
EXIT_BAD_INPUT = 1
TRUTH_COLUMNS = ("source", "record_id", "person_id")


class LinkInputError(ValueError):
    """The command's input cannot be used; the message is French."""


@dataclass(frozen=True)
class LoadedSource:
    """An encoded file read from disk, under the source name given in the outputs."""

    path: Path
    name: str
    encoded: EncodedFile


def load_sources(paths: Sequence[str | Path]) -> list[LoadedSource]:
    """Read the encoded files; refuse files encoded with another key or other parameters."""
    if not paths:
        raise LinkInputError("Aucun fichier encodé à rapprocher.")
    loaded: list[LoadedSource] = []
    for raw in paths:
        path = Path(raw)
        try:
            encoded = read_encoded(path)
        except EncodedFileError as error:
            raise LinkInputError(f"{path} : {error}") from None
        if any(source.name == path.name for source in loaded):
            raise LinkInputError(f"Deux fichiers portent le nom « {path.name} » : renommez l'un d'eux.")
        loaded.append(LoadedSource(path=path, name=path.name, encoded=encoded))
    first = loaded[0]
    for source in loaded[1:]:
        if source.encoded.key_fingerprint != first.encoded.key_fingerprint:
            raise LinkInputError(
                f"{source.path} a été encodé avec une autre clé de rapprochement que {first.path} "
                f"(empreintes {source.encoded.key_fingerprint} et {first.encoded.key_fingerprint}) : "
                "ses encodages ne sont pas comparables."
            )
        if source.encoded.parameters != first.encoded.parameters:
            raise LinkInputError(
                f"{source.path} a été encodé avec d'autres paramètres que {first.path} : "
                "ses encodages ne sont pas comparables."
            )
    return loaded


def read_truth(path: str | Path, sources: Sequence[LoadedSource]) -> dict[tuple[str, str], str]:
    """Read a truth CSV `source,record_id,person_id`; a source is a file's name or its stem."""
    path = Path(path)
    names = {source.name: source.name for source in sources} | {source.path.stem: source.name for source in sources}
    truth: dict[tuple[str, str], str] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in TRUTH_COLUMNS if column not in (reader.fieldnames or [])]
            if missing:
                raise LinkInputError(f"{path} : colonne(s) manquante(s) : {', '.join(missing)}.")
            for number, row in enumerate(reader, start=2):
                source = names.get((row["source"] or "").strip())
                if source is None:
                    raise LinkInputError(f"{path}, ligne {number} : source « {row['source']} » inconnue.")
                record_id = (row["record_id"] or "").strip()
                person_id = (row["person_id"] or "").strip()
                if not record_id or not person_id:
                    raise LinkInputError(f"{path}, ligne {number} : record_id et person_id sont obligatoires.")
                truth[(source, record_id)] = person_id
    except OSError as error:
        raise LinkInputError(f"{path} : lecture impossible ({error.strerror}).") from None
    except UnicodeDecodeError:
        raise LinkInputError(f"{path} : le fichier n'est pas en UTF-8.") from None
    return truth


def write_clusters(path: str | Path, sources: Sequence[Source], result: LinkResult) -> None:
    """Write `record_id,source,cluster_id`, one line per record."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "source", "cluster_id"])
        for source, clusters in zip(sources, result.cluster_of, strict=True):
            writer.writerows(zip(source.record_ids, [source.name] * len(source.record_ids), clusters.tolist(),
                                 strict=True))  # fmt: skip


def write_review_pairs(path: str | Path, sources: Sequence[Source], result: LinkResult) -> None:
    """Write the possible duplicates: `source_a,record_id_a,source_b,record_id_b,score`, best first."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_a", "record_id_a", "source_b", "record_id_b", "score"])
        for pair in result.review_pairs:
            a, b = sources[pair.source_a], sources[pair.source_b]
            writer.writerow([a.name, a.record_ids[pair.index_a], b.name, b.record_ids[pair.index_b],
                             f"{pair.score:.4f}"])  # fmt: skip


def _summary(result: LinkResult, seconds: float, evaluation: Evaluation | None) -> dict[str, object]:
    summary: dict[str, object] = {
        "records": result.records,
        "candidate_pairs": result.candidate_pairs,
        "comparisons": result.comparisons,
        "matches": result.matches,
        "clusters": result.clusters,
        "review_pairs": len(result.review_pairs),
        "refused_merges": result.refused_merges,
        "seconds": round(seconds, 3),
    }
    if evaluation is not None:
        summary["evaluation"] = evaluation.to_dict()
    return summary


def _print_text(summary: dict[str, object], evaluation: Evaluation | None, out: TextIO) -> None:
    out.write(
        f"Enregistrements : {summary['records']}\n"
        f"Paires candidates : {summary['candidate_pairs']} ; comparaisons : {summary['comparisons']}\n"
        f"Personnes distinctes (groupes) : {summary['clusters']}\n"
        f"Doublons possibles à examiner : {summary['review_pairs']}\n"
        f"Durée : {summary['seconds']} s\n"
    )
    if evaluation is not None:
        out.write(
            f"Évaluation sur {evaluation.true_pairs} paires vraies et {evaluation.predicted_pairs} paires prédites :\n"
            f"  précision {evaluation.precision:.4f}\n"
            f"  rappel    {evaluation.recall:.4f}\n"
            f"  F1        {evaluation.f1:.4f}\n"
            f"  personnes retrouvées exactement : {evaluation.exact_clusters} sur {evaluation.persons}\n"
        )


def run(
    paths: Sequence[str | Path],
    *,
    output: str | Path | None = None,
    match: float = Thresholds.match,
    review: float = Thresholds.review,
    review_output: str | Path | None = None,
    truth: str | Path | None = None,
    one_per_source: bool = False,
    as_json: bool = False,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Link the encoded files at `paths`, write the outputs asked for and return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    started = time.perf_counter()
    try:
        if output is None and truth is None:
            raise LinkInputError("Indiquez le fichier des groupes (-o) ou une vérité de terrain (--truth).")
        try:
            thresholds = Thresholds(match=match, review=review)
        except ValueError:
            raise LinkInputError("Seuils invalides : il faut 0 < --review ≤ --match ≤ 1.") from None
        loaded = load_sources(paths)
        ground_truth = read_truth(truth, loaded) if truth is not None else None
    except LinkInputError as error:
        print(f"Erreur : {error}", file=err)
        return EXIT_BAD_INPUT
    sources = [Source(name=s.name, record_ids=s.encoded.record_ids, encodings=s.encoded.encodings,
                      year=s.encoded.year) for s in loaded]  # fmt: skip
    result = link(sources, thresholds, deduplicated_sources=one_per_source)
    try:
        if output is not None:
            write_clusters(output, sources, result)
        if review_output is not None:
            write_review_pairs(review_output, sources, result)
    except OSError as error:
        print(f"Erreur : écriture impossible ({error.strerror}) : {error.filename}", file=err)
        return EXIT_BAD_INPUT
    evaluation = evaluate_link(result, sources, ground_truth) if ground_truth is not None else None
    summary = _summary(result, time.perf_counter() - started, evaluation)
    if as_json:
        out.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_text(summary, evaluation, out)
    return EXIT_OK
