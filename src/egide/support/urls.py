from django.urls import path

from egide.support import views

app_name = "support"
urlpatterns = [
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("dossiers/<int:case_id>/chronologie/", views.timeline, name="timeline"),
    path("dossiers/<int:case_id>/accompagnement/besoins/", views.needs_edit, name="needs_edit"),
    path("dossiers/<int:case_id>/accompagnement/prestations/", views.service_create, name="service_create"),
    path(
        "dossiers/<int:case_id>/accompagnement/prestations/<int:service_id>/", views.service_edit, name="service_edit"
    ),
    path("dossiers/<int:case_id>/demarches/", views.procedure_create, name="procedure_create"),
    path("dossiers/<int:case_id>/demarches/<int:procedure_id>/", views.procedure_edit, name="procedure_edit"),
    path("dossiers/<int:case_id>/parcours-de-sortie/", views.pathway_edit, name="pathway_edit"),
    path("dossiers/<int:case_id>/parcours-de-sortie/renouvellement/", views.pathway_renew, name="pathway_renew"),
    path("dossiers/<int:case_id>/taches/fait/", views.task_done, name="task_done"),
]
