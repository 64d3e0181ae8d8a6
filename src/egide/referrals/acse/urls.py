"""Partner shelters, placement requests and placements of the Ac.Sé scheme."""

from django.urls import path

from egide.referrals.acse import shelter_views, stats_views, views

app_name = "acse"
urlpatterns = [
    path("acse/", views.board, name="board"),
    path("acse/propositions/", views.proposals, name="proposals"),
    path("acse/orientations/<int:referral_id>/demande/", views.request_create, name="request_create"),
    path("acse/demandes/<int:request_id>/", views.request_detail, name="request_detail"),
    path("acse/demandes/<int:request_id>/modifier/", views.request_edit, name="request_edit"),
    path("acse/demandes/<int:request_id>/proposer/", views.request_propose, name="request_propose"),
    path("acse/demandes/<int:request_id>/clore/", views.request_withdraw, name="request_withdraw"),
    path("acse/accueils/<int:placement_id>/accord/", views.placement_agree, name="placement_agree"),
    path("acse/accueils/<int:placement_id>/refus/", views.placement_refuse, name="placement_refuse"),
    path("acse/accueils/<int:placement_id>/entretien/", views.placement_interview, name="placement_interview"),
    path("acse/accueils/<int:placement_id>/transfert/", views.placement_transfer, name="placement_transfer"),
    path("acse/accueils/<int:placement_id>/arrivee/", views.placement_arrival, name="placement_arrival"),
    path("acse/accueils/<int:placement_id>/fin/", views.placement_end, name="placement_end"),
    path("acse/accueils/<int:placement_id>/annulation/", views.placement_cancel, name="placement_cancel"),
    path("acse/centres/", shelter_views.shelter_list, name="shelter_list"),
    path("acse/centres/nouveau/", shelter_views.shelter_create, name="shelter_create"),
    path("acse/centres/<int:shelter_id>/", shelter_views.shelter_detail, name="shelter_detail"),
    path("acse/centres/<int:shelter_id>/modifier/", shelter_views.shelter_edit, name="shelter_edit"),
    path("acse/hebergements/", shelter_views.host_home, name="host_home"),
    path(
        "acse/hebergements/<int:shelter_id>/disponibilite/", shelter_views.host_availability, name="host_availability"
    ),
    path("acse/hebergements/accueils/<int:placement_id>/", shelter_views.host_placement, name="host_placement"),
    path("acse/statistiques/", stats_views.statistics, name="statistics"),
    path("acse/statistiques.csv", stats_views.statistics_csv, name="statistics_csv"),
]
