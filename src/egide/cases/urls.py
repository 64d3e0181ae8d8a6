from django.urls import path

from egide.cases import views

app_name = "cases"
urlpatterns = [
    path("dossiers/", views.case_list, name="case_list"),
    path("dossiers/nouveau/", views.case_create, name="case_create"),
    path("dossiers/<int:case_id>/", views.case_detail, name="case_detail"),
    path("dossiers/<int:case_id>/identite/", views.identity_edit, name="identity_edit"),
    path("dossiers/<int:case_id>/cloture/", views.case_close, name="case_close"),
    path("dossiers/<int:case_id>/consentements/", views.consent_record, name="consent_record"),
    path("dossiers/<int:case_id>/consentements/retrait/", views.consent_withdraw, name="consent_withdraw"),
    path("dossiers/<int:case_id>/statut/", views.status_record, name="status_record"),
    path("dossiers/<int:case_id>/statut/confirmation/", views.status_confirm, name="status_confirm"),
    path("dossiers/<int:case_id>/reperages/", views.screening_attach, name="screening_attach"),
]

# Who sees a case: assignment, seal and break the glass, minors, legal hold, export.
from egide.cases import minor_views, protection_views  # noqa: E402

urlpatterns += [
    path("dossiers/alertes/", protection_views.alerts, name="alerts"),
    path("dossiers/<int:case_id>/attribution/", protection_views.case_assign, name="case_assign"),
    path("dossiers/<int:case_id>/protection/", protection_views.case_seal, name="case_seal"),
    path("dossiers/<int:case_id>/bris-de-glace/", protection_views.break_glass, name="break_glass"),
    path("dossiers/<int:case_id>/conservation/", protection_views.legal_hold, name="legal_hold"),
    path("dossiers/<int:case_id>/export/", protection_views.case_export, name="case_export"),
    path("dossiers/<int:case_id>/mineur/", minor_views.minor_section, name="minor_section"),
]
