from django.urls import path

from egide.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("double-authentification/", views.mfa_setup, name="mfa_setup"),
    path("double-authentification/verification/", views.mfa_verify, name="mfa_verify"),
    path("jetons/", views.api_tokens, name="api_tokens"),
    path("jetons/<int:token_id>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
]
