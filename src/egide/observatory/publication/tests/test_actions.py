"""Releases: created only when every cell is safe, published and withdrawn with their audit events."""

import io
import json
from collections.abc import Callable
from dataclasses import replace

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from egide.accounts.models import User
from egide.accounts.roles import Role
from egide.core.models import AuditEvent
from egide.observatory.models import LinkageRun
from egide.observatory.publication import figures
from egide.observatory.publication.actions import do_create_release, do_publish_release, do_withdraw_release
from egide.observatory.publication.models import Release
from egide.observatory.publication.safety import ReleaseRefusedError, UnsafeReleaseError
from egide.observatory.publication.tables import tables_from_json
from egide.observatory.publication.tests.factories import make_done_run
from egide.observatory.publication.vocabulary import FileKind, ReleaseState
from egide.observatory.vocabulary import RunState
from egide_analytics.sdc import Cell, Flag, Rules, SafeRelease, protect
from egide_analytics.statistics import count_table, variable_axis
from egide_analytics.statistics.synthetic import synthetic_year

YEAR = 2025
RULES = {"threshold": 10, "rounding_base": 5}


@pytest.fixture
def statistician(make_user: Callable[..., User]) -> User:
    return make_user(Role.STATISTICIAN)


@pytest.fixture
def run(statistician: User) -> LinkageRun:
    return make_done_run(YEAR, synthetic_year(persons=400, holders=6, seed=11), by=statistician)


def test_a_release_freezes_the_protected_tables_and_writes_every_file(run: LinkageRun, statistician: User) -> None:
    release = do_create_release(YEAR, run, RULES, acting_user=statistician)
    assert release.state == ReleaseState.DRAFT and release.run == run
    assert {f.kind for f in release.files.all()} == set(FileKind.values)
    assert tables_from_json(release.tables)[0].name == "persons.status"
    assert release.key_figures["persons"] == 400
    nationalities = next(t for t in tables_from_json(release.tables) if t.name == "persons.nationality")
    labels = {c.row_code: c.row_label for c in nationalities.cells}
    assert labels and all(label != code for code, label in labels.items() if code not in ("unknown", "total"))
    event = AuditEvent.objects.get(action="publication.release.create")
    assert (
        event.target_id == str(release.pk)
        and event.extra["files"][FileKind.CSV] == release.files.get(kind=FileKind.CSV).sha256
    )


def test_no_published_cell_of_a_release_is_under_the_threshold_or_unrounded(
    run: LinkageRun, statistician: User
) -> None:
    release = do_create_release(YEAR, run, RULES, acting_user=statistician)
    values = [c.value for t in tables_from_json(release.tables) for c in t.cells if c.value is not None]
    assert values and all(v == 0 or (v >= 10 and v % 5 == 0) for v in values)
    assert any(c.value is None for t in tables_from_json(release.tables) for c in t.cells)


def test_the_files_read_back_with_their_checksums(run: LinkageRun, statistician: User) -> None:
    release = do_create_release(YEAR, run, RULES, acting_user=statistician)
    files = {f.kind: f for f in release.files.all()}
    table = pq.read_table(io.BytesIO(bytes(files[FileKind.PARQUET].content)))
    assert table.num_rows == sum(len(t.cells) for t in tables_from_json(release.tables))
    book = load_workbook(io.BytesIO(bytes(files[FileKind.XLSX].content)))
    assert book.sheetnames[-1] == "Notes" and len(book.sheetnames) == len(release.tables) + 1
    metadata = json.loads(bytes(files[FileKind.METADATA].content))
    assert {d["checksum"]["value"] for d in metadata["distributions"]} == {
        f.sha256 for kind, f in files.items() if kind != FileKind.METADATA
    }


def test_a_release_with_an_unsafe_cell_is_refused_and_nothing_is_written(
    run: LinkageRun, statistician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publish a count of 3: the release's own check refuses what disclosure control let through."""
    real = figures.published_tables

    def leaky(release: figures.SafeRelease) -> list[figures.PublishedTable]:
        tables = real(release)
        first = tables[0]
        cells = (figures.Cell(*[*first.cells[0].__dict__.values()][:4], value=3), *first.cells[1:])
        return [figures.PublishedTable(**{**first.__dict__, "cells": cells}), *tables[1:]]

    monkeypatch.setattr(figures, "published_tables", leaky)
    with pytest.raises(UnsafeReleaseError, match="sous le seuil de 10"):
        do_create_release(YEAR, run, RULES, acting_user=statistician)
    assert not Release.objects.exists() and not AuditEvent.objects.filter(action__startswith="publication").exists()


def test_a_suppressed_cell_pinned_by_linear_programming_is_refused() -> None:
    """Publish the secondary suppressions of a protected table: the attack pins the primary cell again.

    Without rounding (base 1), so that the margins alone give the small count back exactly."""
    rules = Rules(rounding_base=1)
    units = [{"sex": "female"}] * 60 + [{"sex": "male"}] * 3 + [{"sex": "unknown"}] * 12
    table = count_table(units, name="persons.sex", title="Sexe", population="persons", unit="personnes",
                        rows=variable_axis("sex"))  # fmt: skip
    protected = protect([table], rules)
    safe = protected.table("persons.sex")
    assert [c.flag for line in safe.cells for c in line].count(Flag.SECONDARY) >= 1
    assert figures.attack_problems(protected) == []

    def reveal(row: int, cell: Cell) -> Cell:
        return Cell(int(table.counts[row, 0]), Flag.PUBLISHED) if cell.flag == Flag.SECONDARY else cell

    careless = replace(
        safe,
        cells=tuple((reveal(row, line[0]),) for row, line in enumerate(safe.cells)),
        row_margin=tuple(reveal(row, c) for row, c in enumerate(safe.row_margin)),
    )
    problems = figures.attack_problems(SafeRelease((careless,), protected.rules))
    assert problems and "sex = male" in problems[0]


def test_a_run_that_is_not_finished_or_misses_the_year_is_refused(run: LinkageRun, statistician: User) -> None:
    with pytest.raises(ReleaseRefusedError, match="ne couvre pas l'année 2024"):
        do_create_release(2024, run, RULES, acting_user=statistician)
    LinkageRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING)
    run.refresh_from_db()
    with pytest.raises(ReleaseRefusedError, match="n'est pas terminé"):
        do_create_release(YEAR, run, RULES, acting_user=statistician)


def test_only_the_statistician_manages_releases(run: LinkageRun, make_user: Callable[..., User]) -> None:
    for role in (Role.NATIONAL_COORDINATOR, Role.RAPPORTEUR, Role.CASE_SUPERVISOR):
        with pytest.raises(ReleaseRefusedError, match="Votre rôle"):
            do_create_release(YEAR, run, RULES, acting_user=make_user(role))


def test_publish_then_withdraw_with_a_reason(run: LinkageRun, statistician: User) -> None:
    release = do_create_release(YEAR, run, RULES, acting_user=statistician)
    release = do_publish_release(release, acting_user=statistician)
    assert release.state == ReleaseState.PUBLISHED and release.published_at is not None
    metadata = json.loads(bytes(release.files.get(kind=FileKind.METADATA).content))
    assert metadata["state"] == "published" and metadata["issued"]
    with pytest.raises(ReleaseRefusedError, match="motif"):
        do_withdraw_release(release, "  ", acting_user=statistician)
    release = do_withdraw_release(release, "Erreur de codage d'une association.", acting_user=statistician)
    assert release.state == ReleaseState.WITHDRAWN
    assert json.loads(bytes(release.files.get(kind=FileKind.METADATA).content))["withdrawal_reason"]
    actions = list(AuditEvent.objects.filter(target_id=str(release.pk)).values_list("action", flat=True))
    assert actions == ["publication.release.create", "publication.release.publish", "publication.release.withdraw"]


def test_one_published_release_per_year(run: LinkageRun, statistician: User) -> None:
    first = do_publish_release(do_create_release(YEAR, run, RULES, acting_user=statistician), acting_user=statistician)
    second = do_create_release(YEAR, run, RULES, acting_user=statistician)
    with pytest.raises(ReleaseRefusedError, match="déjà en ligne"):
        do_publish_release(second, acting_user=statistician)
    do_withdraw_release(first, "Remplacée.", acting_user=statistician)
    assert do_publish_release(second, acting_user=statistician).is_published
    with pytest.raises(ReleaseRefusedError, match="Seul un brouillon"):
        do_publish_release(first, acting_user=statistician)
