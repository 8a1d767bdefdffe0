from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

from accounts.views import home
from config import health

admin.site.site_header = "Facturen"

urlpatterns = [
    path("", home, name="home"),
    path("", include("accounts.urls")),
    path("invoices/recurring/", include("recurring.urls")),
    path("", include("invoicing.urls")),
    path("", include("einvoice.urls")),
    path("", include("reminders.urls")),
    path("", include("workorders.urls")),
    path("", include("connections.urls")),
    path("", include("ebh_sync.urls")),
    path("quotes/", include("quotes.urls")), path("q/", include("quotes.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", HealthCheckView.as_view(checks=health.FULL), name="health"),
    path("health/live/", HealthCheckView.as_view(checks=health.LIVE), name="health_live"),
    path("health/beat/", HealthCheckView.as_view(checks=health.BEAT), name="health_beat"),
    path(settings.ADMIN_URL, admin.site.urls),
]
