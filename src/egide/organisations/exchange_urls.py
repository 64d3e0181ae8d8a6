"""Routes of the import and export of organisations (CSV, XLSX)."""

from django.urls import path

from egide.organisations import exchange_views

urlpatterns = [
    path("organisations/import/", exchange_views.import_upload, name="import"),
    path("organisations/export.<str:fmt>", exchange_views.export, name="export"),
]
