"""Routes of the import and export of organisations (CSV, XLSX)."""

from django.urls import path

from egide.organisations import exchange_views

urlpatterns = [
    path("organisations/import/", exchange_views.import_upload, name="import"),
    path("organisations/import/rapport/", exchange_views.import_report, name="import_report"),
    path("organisations/import/confirmer/", exchange_views.import_confirm, name="import_confirm"),
    path("organisations/export.<str:fmt>", exchange_views.export, name="export"),
]
