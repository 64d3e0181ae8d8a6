"""Codes of releases and their files, with French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseState(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    PUBLISHED = "published", _("publiée")
    WITHDRAWN = "withdrawn", _("retirée")


class FileKind(models.TextChoices):
    CSV = "csv", _("CSV (un fichier long de tous les tableaux)")
    XLSX = "xlsx", _("XLSX (une feuille par tableau)")
    PARQUET = "parquet", _("Parquet")
    METADATA = "metadata", _("Métadonnées (JSON, DCAT)")
    METHODOLOGY = "methodology", _("Note méthodologique (Markdown)")
    METHODOLOGY_PDF = "note_pdf", _("Note méthodologique (PDF)")


FILE_EXTENSIONS = {
    FileKind.CSV: "csv",
    FileKind.XLSX: "xlsx",
    FileKind.PARQUET: "parquet",
    FileKind.METADATA: "json",
    FileKind.METHODOLOGY: "md",
    FileKind.METHODOLOGY_PDF: "pdf",
}
CONTENT_TYPES = {
    FileKind.CSV: "text/csv; charset=utf-8",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PARQUET: "application/vnd.apache.parquet",
    FileKind.METADATA: "application/json",
    FileKind.METHODOLOGY: "text/markdown; charset=utf-8",
    FileKind.METHODOLOGY_PDF: "application/pdf",
}
LICENCE = "Licence Ouverte 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
PUBLISHER = "Observatoire national de la traite des êtres humains"
RELEASE_SCHEMA_VERSION = "1.0"
SUPPRESSED_MARK = "s"
