from django.urls import path

from egide.referrals import transfer_views, views

app_name = "referrals"
urlpatterns = [
    path("orientations/", views.referral_list, name="referral_list"),
    path("orientations/<int:referral_id>/", views.referral_detail, name="referral_detail"),
    path("orientations/<int:referral_id>/reponse/", views.referral_answer, name="referral_answer"),
    path("orientations/<int:referral_id>/retrait/", views.referral_withdraw, name="referral_withdraw"),
    path("dossiers/<int:case_id>/orienter/", views.referral_create, name="referral_create"),
    path("transferts/", transfer_views.transfer_list, name="transfer_list"),
    path("transferts/<int:transfer_id>/", transfer_views.transfer_detail, name="transfer_detail"),
    path("transferts/<int:transfer_id>/reponse/", transfer_views.transfer_answer, name="transfer_answer"),
    path("dossiers/<int:case_id>/transferer/", transfer_views.transfer_create, name="transfer_create"),
]
