"""Releases API: the public list and tables of published releases; creation by the statistician."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from egide.accounts.models import User
from egide.accounts.roles import Cap
from egide.core.access import PUBLIC, capability
from egide.core.api import Problem, api_policy
from egide.observatory.models import LinkageRun
from egide.observatory.publication import selectors
from egide.observatory.publication.actions import do_create_release
from egide.observatory.publication.models import Release
from egide.observatory.publication.safety import DEFAULT_ROUNDING_BASE, DEFAULT_THRESHOLD, ReleaseRefusedError
from egide.observatory.publication.tables import tables_from_json

router = Router()


class FileOut(Schema):
    kind: str
    name: str
    size: int
    sha256: str
    url: str


class ReleaseOut(Schema):
    id: int
    year: int
    title: str
    state: str
    published_at: str | None
    withdrawal_reason: str
    key_figures: dict[str, Any]
    rules: dict[str, Any]
    files: list[FileOut]


class CellOut(Schema):
    row_code: str
    row_label: str
    column_code: str
    column_label: str
    value: int | None = Field(description="Valeur publiée ; null si masquée (secret statistique).")
    flag: str


class TableOut(Schema):
    name: str
    title: str
    unit: str
    row_variable: str
    column_variable: str
    notes: list[str]
    cells: list[CellOut]


class ReleaseDetailOut(ReleaseOut):
    tables: list[TableOut]


class ReleaseIn(Schema):
    """Optional at the schema level: the route's policy answers before the body is checked."""

    year: int | None = Field(None, ge=2000, le=2100, description="Année des données (obligatoire).")
    run_id: int | None = Field(None, description="Un appariement terminé qui couvre l'année (obligatoire).")
    threshold: int = Field(DEFAULT_THRESHOLD, ge=3, le=50)
    rounding_base: int = Field(DEFAULT_ROUNDING_BASE, ge=1, le=10)


def _files(release: Release, *, public: bool) -> list[FileOut]:
    prefix = "/donnees-ouvertes" if public else "/observatoire/publications"
    return [
        FileOut(kind=f.kind, name=f.name, size=f.size, sha256=f.sha256, url=f"{prefix}/{release.pk}/fichiers/{f.kind}/")
        for f in release.files.all()
    ]


def _release(release: Release, *, public: bool = True) -> dict[str, Any]:
    return {
        "id": release.pk,
        "year": release.year,
        "title": release.title,
        "state": release.state,
        "published_at": release.published_at.isoformat() if release.published_at else None,
        "withdrawal_reason": release.withdrawal_reason,
        "key_figures": release.key_figures,
        "rules": release.rules,
        "files": _files(release, public=public and release.state != "draft"),
    }


def _tables(release: Release) -> list[TableOut]:
    return [
        TableOut(
            name=t.name,
            title=t.title,
            unit=t.unit,
            row_variable=t.row_variable,
            column_variable=t.column_variable,
            notes=list(t.notes),
            cells=[CellOut(**c.__dict__) for c in t.cells],
        )
        for t in tables_from_json(release.tables)
    ]


@router.get("/releases", response=list[ReleaseOut], summary="Publications en ligne de l'observatoire")
@api_policy(PUBLIC)
def list_releases(request: HttpRequest) -> list[dict[str, Any]]:
    return [_release(r) for r in selectors.public_releases().filter(state="published")]


@router.get("/releases/{release_id}", response=ReleaseDetailOut, summary="Une publication et ses tableaux protégés")
@api_policy(PUBLIC)
def get_release(request: HttpRequest, release_id: int) -> dict[str, Any]:
    user = request.user if isinstance(request.user, User) else None
    release = Release.objects.filter(pk=release_id).first()
    if release is None or not (release.is_published or (user is not None and _internal(user))):
        raise Problem(404, "Publication introuvable")
    return _release(release, public=release.is_published) | {"tables": _tables(release)}


def _internal(user: User) -> bool:
    return user.has_capability(Cap.OBSERVATORY_VIEW)


@router.post("/releases", response={201: ReleaseDetailOut}, summary="Créer un brouillon de publication")
@api_policy(capability(Cap.OBSERVATORY_RELEASE))
def create_release(request: HttpRequest, payload: ReleaseIn) -> Status[dict[str, Any]]:
    assert isinstance(request.user, User)
    if payload.year is None or payload.run_id is None:
        missing = [name for name in ("year", "run_id") if getattr(payload, name) is None]
        raise Problem(422, "Paramètres invalides", f"Paramètre(s) obligatoire(s) : {', '.join(missing)}.")
    run = LinkageRun.objects.filter(pk=payload.run_id).first()
    if run is None:
        raise Problem(422, "Appariement introuvable", f"Aucun appariement n° {payload.run_id}.")
    rules = {"threshold": payload.threshold, "rounding_base": payload.rounding_base}
    try:
        release = do_create_release(payload.year, run, rules, acting_user=request.user)
    except ReleaseRefusedError as refused:
        raise Problem(422, "Publication refusée", str(refused), problems=getattr(refused, "problems", [])) from None
    return Status(201, _release(release, public=False) | {"tables": _tables(release)})
