from django.urls import path

from egide.identification import views

app_name = "identification"
urlpatterns = [
    path("reperages/", views.screening_list, name="screening_list"),
    path("reperages/nouveau/", views.screening_create, name="screening_create"),
    path("reperages/<int:screening_id>/", views.screening_detail, name="screening_detail"),
    path("reperages/<int:screening_id>/reponses/", views.screening_answers, name="screening_answers"),
    path("reperages/<int:screening_id>/confirmer/", views.screening_confirm, name="screening_confirm"),
    path("listes-indicateurs/", views.indicator_lists, name="indicator_lists"),
]
