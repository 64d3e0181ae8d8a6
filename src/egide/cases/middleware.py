"""Show the « dossier protégé » page wherever a view reaches a sealed case it may not open."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from egide.cases import policies
from egide.cases.forms_protection import BreakGlassForm
from egide.cases.sealing import SealedCaseError

Handler = Callable[[HttpRequest], HttpResponse]


class SealedCaseMiddleware:
    """Turn `SealedCaseError` into a 403 page that names the case only by its reference."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SealedCaseError):
            return None
        case = exception.case
        return render(request, "cases/sealed.html", {
            "case": case, "form": BreakGlassForm(),
            "can_break_glass": policies.can_break_glass(request.user, case),
            "can_seal": policies.can_seal(request.user, case),
        }, status=403)  # fmt: skip
