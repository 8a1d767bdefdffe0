from django.urls import path

from recurring import views

app_name = "recurring"

# Mounted under /invoices/recurring/ (config/urls.py): the navigation marks "Invoices".
urlpatterns = [
    path("", views.template_list, name="template_list"),
    path("new/", views.template_create, name="template_create"),
    path("<int:pk>/", views.template_detail, name="template_detail"),
    path("<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("<int:pk>/pause/", views.template_pause, name="template_pause"),
    path("<int:pk>/resume/", views.template_resume, name="template_resume"),
    path("<int:pk>/delete/", views.template_delete, name="template_delete"),
    path("<int:pk>/generate/", views.template_generate, name="template_generate"),
]
