from django.urls import path

from quotes import views

app_name = "quotes"

urlpatterns = [
    path("", views.quote_list, name="quote_list"),
    path("export/", views.quote_export, name="quote_export"),
    path("new/", views.quote_create, name="quote_create"),
    path("numbering/", views.numbering_settings, name="numbering_settings"),
    path("<int:pk>/", views.quote_detail, name="quote_detail"),
    path("<int:pk>/edit/", views.quote_edit, name="quote_edit"),
    path("<int:pk>/delete/", views.quote_delete, name="quote_delete"),
    path("<int:pk>/send/", views.quote_send, name="quote_send"),
    path("<int:pk>/answer/", views.quote_answer, name="quote_answer"),
    path("<int:pk>/revoke/", views.quote_revoke, name="quote_revoke"),
    path("<int:pk>/convert/", views.quote_convert, name="quote_convert"),
    path("<int:pk>/pdf/", views.quote_pdf, name="quote_pdf"),
]
