from django.urls import path

from einvoice import views

app_name = "einvoice"

urlpatterns = [
    # Beside the invoice's PDF (invoicing's invoices/<pk>/pdf/).
    path("invoices/<int:pk>/ubl/", views.invoice_ubl_download, name="invoice_ubl"),
]
