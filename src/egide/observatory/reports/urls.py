"""Routes of the annual report in the observatory."""

from django.urls import path

from egide.observatory.reports import views

app_name = "observatory_reports"
urlpatterns = [
    path("observatoire/rapports/", views.report_list, name="list"),
    path("observatoire/rapports/generer/", views.report_generate, name="generate"),
    path("observatoire/rapports/<int:report_id>/", views.report_detail, name="detail"),
    path("observatoire/rapports/<int:report_id>/rapport.pdf", views.report_pdf, name="pdf"),
    path("observatoire/rapports/<int:report_id>/publier/", views.report_publish, name="publish"),
    path("observatoire/rapports/<int:report_id>/relancer/", views.report_retry, name="retry"),
]
