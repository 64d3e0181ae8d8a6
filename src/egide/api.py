"""The public and internal API, `/api/v1/`, with its OpenAPI document at `/api/v1/docs`."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from egide.core.api import Problem, problem_response, require_declared_policies
from egide.core.geo.api import router as geo_router
from egide.organisations.api import router as organisations_router

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


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = [
        {"champ": ".".join(str(p) for p in e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors
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
require_declared_policies(api)
