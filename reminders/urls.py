from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("settings/reminders/", views.schedule, name="schedule"),
    path("settings/reminders/due/", views.due_list, name="due"),
    path("invoices/<int:pk>/reminder/", views.send, name="send"),
    path("invoices/<int:pk>/reminders/pause/", views.pause, name="pause"),
    path("invoices/<int:pk>/disputes/", views.dispute_add, name="dispute_add"),
    path("invoices/disputes/<int:pk>/resolve/", views.dispute_resolve, name="dispute_resolve"),
]
