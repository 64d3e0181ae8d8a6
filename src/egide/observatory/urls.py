"""Routes of the observatory: submissions, uploads, the survey spreadsheet, linkage runs and review."""

from django.urls import path

from egide.observatory import run_views, views

app_name = "observatory"
urlpatterns = [
    path("observatoire/", views.home, name="home"),
    path("observatoire/transmettre/", views.submit_year, name="submit"),
    path("observatoire/soumissions/", views.submission_list, name="submission_list"),
    path("observatoire/soumissions/<int:submission_id>/", views.submission_detail, name="submission_detail"),
    path(
        "observatoire/soumissions/<int:submission_id>/retirer/", views.submission_withdraw, name="submission_withdraw"
    ),
    path("observatoire/deposer/", views.upload, name="upload"),
    path("observatoire/enquete/modele.xlsx", views.survey_template, name="survey_template"),
    path("observatoire/enquete/", views.survey_upload, name="survey_upload"),
    path("observatoire/enquete/rapport/", views.survey_report, name="survey_report"),
    path("observatoire/enquete/confirmer/", views.survey_confirm, name="survey_confirm"),
    path("observatoire/appariements/", run_views.run_list, name="run_list"),
    path("observatoire/appariements/<int:run_id>/", run_views.run_detail, name="run_detail"),
    path("observatoire/appariements/<int:run_id>/doublons/", run_views.review, name="review"),
    path(
        "observatoire/appariements/<int:run_id>/doublons/<int:pair_id>/", run_views.review_decide, name="review_decide"
    ),
]
