"""Sections that higher apps add to the case detail page, without the cases app knowing them.

An app registers a callable `(request, case) -> (template, context)` from its
`AppConfig.ready()`; it returns None to show nothing. Sections render in registration order.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from egide.cases.models import Case

Section = Callable[[HttpRequest, Case], tuple[str, dict[str, Any]] | None]
_SECTIONS: dict[str, Section] = {}


def register_section(name: str, section: Section) -> None:
    """Add (or replace, so that reloading an app is harmless) a section of the case page."""
    _SECTIONS[name] = section


def render_sections(request: HttpRequest, case: Case) -> list[SafeString]:
    rendered = []
    for section in _SECTIONS.values():
        result = section(request, case)
        if result is not None:
            template, context = result
            rendered.append(render_to_string(template, {"case": case, **context}, request=request))
    return rendered
