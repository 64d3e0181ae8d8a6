"""Writes of releases: create (with the safety check), publish, withdraw; one transaction each, audited.

The figures are computed before the transaction opens: disclosure control with its
linear-programming check may take seconds, and the write lock is not held meanwhile.
Audit events carry ids, the year, counts and checksums; never a count of a table.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from egide.accounts.models import User
from egide.core.audit import record_event
from egide.observatory.models import LinkageRun
from egide.observatory.publication import figures, policies
from egide.observatory.publication.models import Release, ReleaseFile
from egide.observatory.publication.safety import ReleaseRefusedError, require_safe
from egide.observatory.publication.tables import tables_from_json, tables_to_json
from egide.observatory.publication.vocabulary import FileKind, ReleaseState
from egide.observatory.publication.writers import ReleaseInfo, WrittenFile, write_all, write_metadata
from egide.observatory.vocabulary import RunState


def _require(allowed: bool) -> None:
    if not allowed:
        raise ReleaseRefusedError("Votre rôle ne permet pas de gérer les publications de l'observatoire.")


def info_of(release: Release) -> ReleaseInfo:
    return ReleaseInfo(
        title=release.title,
        year=release.year,
        slug=release.slug,
        rules=release.rules,
        run_summary=release.run_summary,
        key_figures=release.key_figures,
        created_at=release.created_at,
        published_at=release.published_at,
        state=release.state,
        withdrawal_reason=release.withdrawal_reason,
    )


def _store(release: Release, files: Sequence[WrittenFile]) -> None:
    for f in files:
        ReleaseFile.objects.update_or_create(
            release=release,
            kind=f.kind,
            defaults={"name": f.name, "content": f.content, "sha256": f.sha256, "size": len(f.content)},
        )


def _checksums(release: Release) -> dict[str, str]:
    return dict(release.files.values_list("kind", "sha256"))


def _check_run(run: LinkageRun, year: int) -> None:
    if run.state != RunState.DONE:
        raise ReleaseRefusedError(f"L'appariement n° {run.pk} n'est pas terminé : il ne peut pas servir de base.")
    if year not in run.years:
        raise ReleaseRefusedError(f"L'appariement n° {run.pk} ne couvre pas l'année {year}.")


def do_create_release(year: int, run: LinkageRun, rules: Mapping[str, Any], *, acting_user: User) -> Release:
    """Compute the year's protected tables, verify that no cell is unsafe, freeze them and write the files."""
    _require(policies.can_manage(acting_user))
    _check_run(run, year)
    computed = figures.compute(run, year, rules)
    require_safe(computed.tables, computed.rules, computed.lp_problems)
    with transaction.atomic(durable=True):
        release = Release.objects.create(
            year=year,
            run=run,
            run_summary=figures.run_summary(run),
            title=f"Victimes de la traite en {year}",
            rules=computed.rules,
            statistics=computed.statistics,
            tables=tables_to_json(computed.tables),
            key_figures=computed.key_figures,
            created_by=acting_user,
        )
        _store(release, write_all(info_of(release), computed.tables))
        record_event(
            "publication.release.create",
            actor=acting_user,
            target=release,
            extra={"year": year, "run": run.pk, "tables": len(computed.tables), "files": _checksums(release)},
        )
    return release


def _rewrite_metadata(release: Release) -> None:
    """Write the metadata again: its state and dates changed; the other files did not."""
    others = [
        WrittenFile(FileKind(f.kind), f.name, bytes(f.content)) for f in release.files.exclude(kind=FileKind.METADATA)
    ]
    _store(release, [write_metadata(info_of(release), tables_from_json(release.tables), others)])


def do_publish_release(release: Release, *, acting_user: User) -> Release:
    """Publish a draft on the open-data page; one published release per year."""
    _require(policies.can_manage(acting_user))
    with transaction.atomic(durable=True):
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.state != ReleaseState.DRAFT:
            raise ReleaseRefusedError("Seul un brouillon peut être publié.")
        if Release.objects.published().filter(year=release.year).exists():
            raise ReleaseRefusedError(
                f"Une publication de {release.year} est déjà en ligne : retirez-la d'abord, avec un motif."
            )
        release.state, release.published_at, release.published_by = (
            ReleaseState.PUBLISHED,
            timezone.now(),
            acting_user,
        )
        release.save(update_fields=["state", "published_at", "published_by", "updated_at"])
        _rewrite_metadata(release)
        record_event(
            "publication.release.publish",
            actor=acting_user,
            target=release,
            extra={"year": release.year, "files": _checksums(release)},
        )
    return release


def do_withdraw_release(release: Release, reason: str, *, acting_user: User) -> Release:
    """Withdraw a published release: it stays listed as withdrawn, with the reason."""
    _require(policies.can_manage(acting_user))
    reason = reason.strip()
    if not reason:
        raise ReleaseRefusedError("Indiquez le motif du retrait : il est affiché sur la page publique.")
    with transaction.atomic(durable=True):
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.state != ReleaseState.PUBLISHED:
            raise ReleaseRefusedError("Seule une publication en ligne peut être retirée.")
        release.state, release.withdrawn_at, release.withdrawn_by = (
            ReleaseState.WITHDRAWN,
            timezone.now(),
            acting_user,
        )
        release.withdrawal_reason = reason
        release.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
        _rewrite_metadata(release)
        record_event(
            "publication.release.withdraw",
            actor=acting_user,
            target=release,
            reason=reason,
            extra={"year": release.year},
        )
    return release
