from django.urls import path

from einvoice import import_views, views

app_name = "einvoice"

urlpatterns = [
    # Beside the invoice's PDF (invoicing's invoices/<pk>/pdf/).
    path("invoices/<int:pk>/ubl/", views.invoice_ubl_download, name="invoice_ubl"),
    # A supplier's e-invoice becomes a purchase invoice (beside invoicing's purchases/).
    path("purchases/import/", import_views.import_upload, name="import_upload"),
    path("purchases/import/<int:pk>/", import_views.import_check, name="import_check"),
]
