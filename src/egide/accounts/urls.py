from django.urls import path

from egide.accounts import notification_views, team_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("double-authentification/", views.mfa_setup, name="mfa_setup"),
    path("double-authentification/verification/", views.mfa_verify, name="mfa_verify"),
    path("jetons/", views.api_tokens, name="api_tokens"),
    path("jetons/<int:token_id>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
    path("equipes/", team_views.teams, name="teams"),
    path("equipes/organisation/<int:organisation_id>/", team_views.teams_organisation, name="teams_organisation"),
    path("equipes/<int:team_id>/renommer/", team_views.team_rename, name="team_rename"),
    path("equipes/<int:team_id>/supprimer/", team_views.team_delete, name="team_delete"),
    path("equipes/membres/<int:membership_id>/", team_views.membership_team, name="membership_team"),
    path("notifications/", notification_views.notification_list, name="notifications"),
]
