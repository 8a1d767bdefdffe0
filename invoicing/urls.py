from django.urls import path

from invoicing import views

app_name = "invoicing"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/new/", views.invoice_create, name="invoice_create"),
    path("invoices/exchange-rate/", views.exchange_rate_proposal, name="exchange_rate"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/edit/", views.invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/delete/", views.invoice_delete, name="invoice_delete"),
    path("invoices/<int:pk>/finalize/", views.invoice_finalize, name="invoice_finalize"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/preview/", views.invoice_preview, name="invoice_preview"),
    path("invoices/<int:pk>/email/", views.invoice_email, name="invoice_email"),
    path("invoices/<int:pk>/payments/", views.payment_register, name="payment_register"),
    path("invoices/<int:pk>/credit/", views.credit_note_create, name="credit_note_create"),
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/archive/", views.customer_archive, name="customer_archive"),
    path("suppliers/", views.supplier_list, name="supplier_list"),
    path("suppliers/new/", views.supplier_create, name="supplier_create"),
    path("suppliers/<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("suppliers/<int:pk>/edit/", views.supplier_edit, name="supplier_edit"),
    path("suppliers/<int:pk>/archive/", views.supplier_archive, name="supplier_archive"),
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/archive/", views.product_archive, name="product_archive"),
    path("purchases/", views.purchase_list, name="purchase_list"),
    path("purchases/new/", views.purchase_create, name="purchase_create"),
    path("purchases/<int:pk>/", views.purchase_detail, name="purchase_detail"),
    path("purchases/<int:pk>/edit/", views.purchase_edit, name="purchase_edit"),
    path("purchases/<int:pk>/delete/", views.purchase_delete, name="purchase_delete"),
    path("purchases/<int:pk>/correct/", views.purchase_correct, name="purchase_correct"),
    path("purchases/<int:pk>/attachment/", views.purchase_attachment, name="purchase_attachment"),
    path("purchases/<int:pk>/paid/", views.purchase_mark_paid, name="purchase_mark_paid"),
    path("settings/numbering/", views.numbering_settings, name="numbering_settings"),
]
