from django.urls import path

from egide.cases import profile_views, views

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
    path("dossiers/<int:case_id>/profil/", profile_views.profile_edit, name="profile_edit"),
    path("dossiers/<int:case_id>/profil/etapes/", profile_views.event_add, name="event_add"),
    path("dossiers/<int:case_id>/profil/etapes/suppression/", profile_views.event_delete, name="event_delete"),
    path("consentements/textes/", profile_views.consent_texts, name="consent_texts"),
    path("dossiers/export-htcds.<str:fmt>", profile_views.htcds_export_view, name="htcds_export"),
    path("dossiers/import-htcds/", profile_views.htcds_import_upload, name="htcds_import"),
    path("dossiers/import-htcds/rapport/", profile_views.htcds_import_report, name="htcds_import_report"),
    path("dossiers/import-htcds/confirmer/", profile_views.htcds_import_confirm, name="htcds_import_confirm"),
]

# Who sees a case: assignment, seal and break the glass, minors, legal hold, export.
from egide.cases import minor_views, protection_views  # noqa: E402

urlpatterns += [
    path("dossiers/alertes/", protection_views.alerts, name="alerts"),
    path("dossiers/alertes/<int:glass_id>/examen/", protection_views.alert_review, name="alert_review"),
    path("dossiers/<int:case_id>/attribution/", protection_views.case_assign, name="case_assign"),
    path("dossiers/<int:case_id>/protection/", protection_views.case_seal, name="case_seal"),
    path("dossiers/<int:case_id>/bris-de-glace/", protection_views.break_glass, name="break_glass"),
    path("dossiers/<int:case_id>/conservation/", protection_views.legal_hold, name="legal_hold"),
    path("dossiers/<int:case_id>/export/", protection_views.case_export, name="case_export"),
    path("dossiers/<int:case_id>/mineur/", minor_views.minor_section, name="minor_section"),
]
