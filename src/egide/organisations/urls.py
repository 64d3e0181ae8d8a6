from django.urls import path

from egide.organisations import exchange_urls, views

app_name = "organisations"
urlpatterns = [
    path("carte/", views.map_page, name="map"),
    path("organisations/", views.directory, name="directory"),
    path("organisations/nouvelle/", views.create, name="create"),
    path("organisations/<int:pk>/", views.detail, name="detail"),
    path("organisations/<int:pk>/modifier/", views.edit, name="edit"),
    *exchange_urls.urlpatterns,
]
