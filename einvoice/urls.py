from django.urls import path

from einvoice import views

app_name = "einvoice"

urlpatterns = [
    path("purchases/import/", views.import_upload, name="import_upload"),
    path("purchases/import/<int:pk>/", views.import_check, name="import_check"),
]
