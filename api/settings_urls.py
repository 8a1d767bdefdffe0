from django.urls import path

from api import settings_views

app_name = "api_tokens"

urlpatterns = [
    path("", settings_views.tokens, name="tokens"),
    path("<int:pk>/revoke/", settings_views.token_revoke, name="revoke"),
]
