from django.urls import include, path

from egide.api import api

urlpatterns = [
    path("", include("egide.public.urls")),
    path("", include("egide.organisations.urls")),
    path("", include("egide.identification.urls")),
    path("", include("egide.cases.urls")),
    path("", include("egide.support.urls")),
    path("", include("egide.referrals.urls")),
    path("", include("egide.referrals.acse.urls")),
    path("", include("egide.observatory.urls")),
    path("", include("egide.observatory.reports.urls")),
    path("", include("egide.observatory.reports.public_urls")),
    path("", include("egide.observatory.publication.urls")),
    path("compte/", include("egide.accounts.urls")),
    path("audit/", include("egide.core.urls")),
    path("api/v1/", api.urls),
]

handler403 = "egide.core.views.forbidden"
handler404 = "egide.core.views.not_found"
