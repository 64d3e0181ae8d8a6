from django.urls import path

from egide.cases import views

app_name = "cases"
urlpatterns = [
    path("dossiers/", views.case_list, name="case_list"),
    path("dossiers/nouveau/", views.case_create, name="case_create"),
    path("dossiers/<int:case_id>/", views.case_detail, name="case_detail"),
    path("dossiers/<int:case_id>/identite/", views.identity_edit, name="identity_edit"),
    path("dossiers/<int:case_id>/cloture/", views.case_close, name="case_close"),
]
