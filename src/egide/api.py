"""The public and internal API, `/api/v1/`, with its OpenAPI document at `/api/v1/docs`."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from egide.core.api import Problem, problem_response, require_declared_policies
from egide.core.geo.api import router as geo_router
from egide.observatory.api import router as observatory_router
from egide.observatory.publication.api import router as publication_router
from egide.organisations.api import router as organisations_router
from egide.referrals.acse.api import router as acse_router
from egide.referrals.api import router as referrals_router

api = NinjaAPI(
    title="Égide API",
    version="1",
    description=(
        "API d'Égide. Lecture publique de l'annuaire des organisations et de la géographie de "
        "référence ; authentification par session (navigateur) ou par jeton personnel "
        "(`Authorization: Bearer egd_…`). Erreurs au format RFC 9457 (problem details)."
    ),
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(Problem)
def on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(request, exc.status, exc.title, exc.detail, **exc.extensions)


# French messages for pydantic's built-in checks, by error type; custom checks already speak French.
_FRENCH_MESSAGES = {
    "missing": "Paramètre obligatoire.",
    "int_parsing": "Nombre entier attendu.",
    "int_type": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "float_parsing": "Nombre attendu.",
    "float_type": "Nombre attendu.",
    "bool_parsing": "Valeur booléenne attendue (true ou false).",
    "bool_type": "Valeur booléenne attendue (true ou false).",
    "date_from_datetime_parsing": "Date attendue (AAAA-MM-JJ).",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "string_too_short": "Au moins {min_length} caractère(s).",
    "string_too_long": "Au plus {max_length} caractères.",
    "string_pattern_mismatch": "Format invalide.",
    "enum": "Valeur inconnue ; valeurs admises : {expected}.",
    "literal_error": "Valeur inconnue ; valeurs admises : {expected}.",
}


def _french_message(error: dict[str, Any]) -> str:
    template = _FRENCH_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    ctx = {k: str(v).replace(" or ", " ou ") for k, v in (error.get("ctx") or {}).items()}
    try:
        return template.format(**ctx)
    except KeyError:
        return str(error.get("msg", ""))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = [
        {"champ": ".".join(str(p) for p in e.get("loc", [])), "message": _french_message(e)} for e in exc.errors
    ]
    return problem_response(request, 422, "Paramètres invalides", "Corrigez les paramètres indiqués.", errors=errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(request, 401, "Authentification requise")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, exc.status_code, str(exc))


api.add_router("/organisations", organisations_router, tags=["organisations"])
api.add_router("/geo", geo_router, tags=["géographie"])
api.add_router("/referrals", referrals_router, tags=["orientations"])
api.add_router("/acse", acse_router, tags=["Ac.Sé"])
api.add_router("/observatory", observatory_router, tags=["observatoire"])
api.add_router("/observatory", publication_router, tags=["observatoire — publications"])
require_declared_policies(api)
