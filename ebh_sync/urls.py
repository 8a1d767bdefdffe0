from django.urls import path

from ebh_sync import import_views, payment_views, report_views, views

app_name = "ebh_sync"

urlpatterns = [
    path("settings/connections/errors/", views.errors, name="errors"),
    path("settings/connections/errors/retry/", views.retry_bulk, name="retry_bulk"),
    path("sync/jobs/<int:pk>/retry/", views.retry, name="retry"),
    path("sync/jobs/<int:pk>/decide/", views.decide, name="decide"),
    path("settings/connections/export/", views.export, name="export"),
    path("settings/connections/export/<int:pk>/", views.export_detail, name="export_detail"),
    path(
        "settings/connections/export/<int:pk>/progress/",
        views.export_progress,
        name="export_progress",
    ),
    # Relaties ophalen / Artikelen ophalen (ebh_sync.import_views)
    path("settings/connections/imports/", import_views.imports, name="imports"),
    path("settings/connections/imports/relations/", import_views.import_relations,
         name="import_relations"),
    path("settings/connections/imports/articles/", import_views.import_articles,
         name="import_articles"),
    path("settings/connections/imports/settings/", import_views.import_settings,
         name="import_settings"),
    path("settings/connections/imports/<int:pk>/", import_views.import_detail,
         name="import_detail"),
    path("settings/connections/imports/<int:pk>/progress/", import_views.import_progress,
         name="import_progress"),
    path("settings/connections/differences/", import_views.conflicts, name="conflicts"),
    path("settings/connections/differences/<int:pk>/", import_views.conflict_resolve,
         name="conflict_resolve"),
]

# Controle: reconciliation reports (ebh_sync.report_views)
urlpatterns += [
    path("settings/connections/check/", report_views.report_list, name="reports"),
    path("settings/connections/check/<int:pk>/", report_views.report_detail,
         name="report_detail"),
    path("settings/connections/check/<int:pk>/progress/", report_views.report_progress,
         name="report_progress"),
    path("settings/connections/check/<int:pk>/csv/", report_views.report_csv,
         name="report_csv"),
]

# Betalingen ophalen: payments read back from e-Boekhouden (ebh_sync.payment_views)
urlpatterns += [
    path("settings/connections/payments/", payment_views.payments_overview, name="payments"),
    path("settings/connections/payments/fetch/", payment_views.payments_fetch,
         name="payments_fetch"),
    path("settings/connections/payments/<int:pk>/progress/", payment_views.payment_run_progress,
         name="payment_run_progress"),
]
