from django.urls import path

from einvoice import import_views

app_name = "einvoice"

urlpatterns = [
    # A supplier's e-invoice becomes a purchase invoice (beside invoicing's purchases/).
    path("purchases/import/", import_views.import_upload, name="import_upload"),
    path("purchases/import/<int:pk>/", import_views.import_check, name="import_check"),
]
