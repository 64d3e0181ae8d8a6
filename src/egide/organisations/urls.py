from django.urls import path

from egide.organisations import views

app_name = "organisations"
urlpatterns = [
    path("carte/", views.map_page, name="map"),
    path("organisations/", views.directory, name="directory"),
]
