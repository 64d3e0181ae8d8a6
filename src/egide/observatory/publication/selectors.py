"""Reads of releases, scoped to the caller: the public sees published and withdrawn ones only.

Releases hold protected figures only, so their reads are not access-audited.
"""

from django.db.models import QuerySet
from django.http import Http404

from egide.accounts.models import User
from egide.observatory.publication import policies
from egide.observatory.publication.models import Release, ReleaseFile
from egide.observatory.publication.vocabulary import FileKind, ReleaseState


def releases_for(user: User) -> QuerySet[Release]:
    """Every release for the observatory's roles; none for anyone else."""
    if not policies.can_view_internal(user):
        return Release.objects.none()
    return Release.objects.select_related("run", "created_by", "published_by")


def public_releases() -> QuerySet[Release]:
    """Published releases, then withdrawn ones (still listed, with their reason), latest year first."""
    return Release.objects.public().prefetch_related("files").order_by("state", "-year", "-published_at")


def access_release(user: User | None, pk: int) -> Release:
    """Return the release, or 404 alike when it is missing or the caller may not see it."""
    release = Release.objects.select_related("run").filter(pk=pk).first()
    if release is None or not policies.can_view(user, release):
        raise Http404("Publication introuvable.")
    return release


def access_public_release(pk: int) -> Release:
    """Return a published or withdrawn release, or 404 (drafts do not exist for the public)."""
    release = Release.objects.public().filter(pk=pk).first()
    if release is None:
        raise Http404("Publication introuvable.")
    return release


def release_file(release: Release, kind: str, *, public: bool) -> ReleaseFile:
    """Return a file of the release; the public downloads the files of published releases only."""
    if kind not in FileKind.values or (public and release.state != ReleaseState.PUBLISHED):
        raise Http404("Fichier introuvable.")
    found = release.files.filter(kind=kind).first()
    if found is None:
        raise Http404("Fichier introuvable.")
    return found


def latest_release_per_year() -> list[Release]:
    """For each year, its published release, else its latest draft; latest year first."""
    chosen: dict[int, Release] = {}
    for release in Release.objects.exclude(state=ReleaseState.WITHDRAWN).order_by("year", "created_at"):
        current = chosen.get(release.year)
        if current is None or not current.is_published:
            chosen[release.year] = release
    return [chosen[year] for year in sorted(chosen, reverse=True)]


def published_release(year: int) -> Release | None:
    """Return the year's published release (at most one, by a constraint), or None."""
    return Release.objects.select_related("run").filter(year=year, state=ReleaseState.PUBLISHED).first()
