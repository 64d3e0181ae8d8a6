"""Print the report's HTML to PDF with WeasyPrint, offline.

The HTML names its fonts by their static URL (`/static/dsfr/…/Marianne-Regular.woff2`, the
typeface of the State shipped by django-dsfr); the fetcher reads them from the static files
on disk and refuses every other URL, so printing never reaches the network. Without
Marianne, the CSS falls back to DejaVu Sans (Debian's fonts-dejavu).
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders

MIME_TYPES = {
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


class OfflineFetchError(ValueError):
    """The report asked for a resource outside the static files."""


def static_file(url: str) -> Path:
    """Return the static file a report URL names; refuse anything else (no network, no arbitrary file)."""
    prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    path = url.removeprefix("file://")
    if not path.startswith(prefix):
        raise OfflineFetchError(f"Ressource refusée pour le PDF : {url}")
    found = finders.find(path.removeprefix(prefix))
    if not found:
        raise OfflineFetchError(f"Fichier statique introuvable : {url}")
    return Path(found if isinstance(found, str) else found[0])


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    class StaticFetcher(URLFetcher):
        """Serve static files only."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            file = static_file(url)
            mime = MIME_TYPES.get(file.suffix, "application/octet-stream")
            return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": mime})

    return StaticFetcher()


def render_pdf(html: str) -> bytes:
    """Return the PDF of a report's HTML (CSS paged media: A4, running headers, page numbers)."""
    from weasyprint import HTML  # heavy: imported when a report is printed, not at start-up

    pdf: bytes = HTML(string=html, base_url="file:///", url_fetcher=_fetcher()).write_pdf()
    return pdf
