from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts.views import home

admin.site.site_header = "Facturen"

urlpatterns = [
    path("", home, name="home"),
    path("", include("accounts.urls")),
    path("", include("invoicing.urls")),
    path("", include("reminders.urls")),
    path("", include("workorders.urls")),
    path("", include("connections.urls")),
    path("", include("ebh_sync.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
]
