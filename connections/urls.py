from django.urls import path

from connections import views

app_name = "connections"

urlpatterns = [
    path("settings/connections/", views.overview, name="overview"),
    path("settings/connections/e-boekhouden/connect/", views.connect, name="connect"),
    path("settings/connections/<int:pk>/configure/", views.configure, name="configure"),
    path("settings/connections/<int:pk>/security-code/", views.security_code,
         name="security_code"),
    path("settings/connections/<int:pk>/api-token/", views.api_token, name="api_token"),
    path("settings/connections/<int:pk>/disconnect/", views.disconnect, name="disconnect"),
]
