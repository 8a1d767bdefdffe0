from django.urls import path

from ebh_sync import views

app_name = "ebh_sync"

urlpatterns = [
    path("settings/connections/errors/", views.errors, name="errors"),
    path("settings/connections/errors/retry/", views.retry_bulk, name="retry_bulk"),
    path("sync/jobs/<int:pk>/retry/", views.retry, name="retry"),
    path("settings/connections/export/", views.export, name="export"),
    path("settings/connections/export/<int:pk>/", views.export_detail, name="export_detail"),
    path(
        "settings/connections/export/<int:pk>/progress/",
        views.export_progress,
        name="export_progress",
    ),
]
