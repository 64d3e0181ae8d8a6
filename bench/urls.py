"""The product's URLs plus `bench/bare/`, the reference view of the benchmarks.

The reference goes through the same middleware as every route (sessions, authentication,
route policies…) and does no work of its own: the API's cost is read as a ratio to it.
"""

from config.urls import handler403, handler404
from config.urls import urlpatterns as product_urlpatterns
from django.http import HttpRequest, JsonResponse
from django.urls import path

from egide.core.access import PUBLIC, route_policy


@route_policy(PUBLIC)
def bare(request: HttpRequest) -> JsonResponse:
    """Return a small constant JSON document."""
    return JsonResponse({"status": "ok", "items": [1, 2, 3]})


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *product_urlpatterns]

__all__ = ["handler403", "handler404", "urlpatterns"]
