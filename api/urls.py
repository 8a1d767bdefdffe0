from django.urls import path
from rest_framework.routers import SimpleRouter

from api import docs, views

app_name = "api"

router = SimpleRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("suppliers", views.SupplierViewSet, basename="supplier")

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    *router.urls,
]
