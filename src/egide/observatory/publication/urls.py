"""Releases (observatory), the dashboard, and the public open-data page."""

from django.urls import path

from egide.observatory.publication import public_views, views

app_name = "publication"
urlpatterns = [
    path("observatoire/tableau-de-bord/", views.dashboard, name="dashboard"),
    path("observatoire/publications/", views.release_list, name="release_list"),
    path("observatoire/publications/nouvelle/", views.release_create, name="release_create"),
    path("observatoire/publications/<int:release_id>/", views.release_detail, name="release_detail"),
    path("observatoire/publications/<int:release_id>/publier/", views.release_publish, name="release_publish"),
    path("observatoire/publications/<int:release_id>/retirer/", views.release_withdraw, name="release_withdraw"),
    path("observatoire/publications/<int:release_id>/fichiers/<str:kind>/", views.release_file, name="release_file"),
    path("observatoire/publications/<int:release_id>/requetes/", views.release_queries, name="release_queries"),
    path("donnees-ouvertes/", public_views.open_data, name="open_data"),
    path("donnees-ouvertes/<int:release_id>/", public_views.open_data_release, name="open_data_release"),
    path(
        "donnees-ouvertes/<int:release_id>/methodologie/",
        public_views.open_data_methodology,
        name="open_data_methodology",
    ),
    path("donnees-ouvertes/<int:release_id>/fichiers/<str:kind>/", public_views.open_data_file, name="open_data_file"),
]
