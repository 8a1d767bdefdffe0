from django.urls import path
from rest_framework.routers import SimpleRouter

from api import docs, views

app_name = "api"

router = SimpleRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("products", views.ProductViewSet, basename="product")
router.register("quotes", views.QuoteViewSet, basename="quote")
router.register("sales-invoices", views.SalesInvoiceViewSet, basename="salesinvoice")
router.register("purchase-invoices", views.PurchaseInvoiceViewSet, basename="purchaseinvoice")
router.register("work-orders", views.WorkOrderViewSet, basename="workorder")

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    *router.urls,
]
