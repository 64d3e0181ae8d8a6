"""Public routes of the published annual reports (open data)."""

from django.urls import path

from egide.observatory.reports import views

app_name = "public_reports"
urlpatterns = [
    path("donnees-ouvertes/rapports/", views.public_list, name="list"),
    path("donnees-ouvertes/rapports/<int:year>/", views.public_detail, name="detail"),
    path("donnees-ouvertes/rapports/<int:year>/rapport.pdf", views.public_pdf, name="pdf"),
]
