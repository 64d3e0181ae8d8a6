"""Template filters that name ISO codes in French."""

from django import template

from egide.core.iso import language_name as _language_name

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """Name a language code in French (« ro » → « Roumain »), or return the code if unknown."""
    return _language_name(code) if code else ""
