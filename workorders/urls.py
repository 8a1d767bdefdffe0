from django.urls import path

from workorders import views

app_name = "workorders"

urlpatterns = [
    path("workorders/", views.workorder_list, name="workorder_list"),
    path("workorders/new/", views.workorder_create, name="workorder_create"),
    path("workorders/planning/day/", views.planning_day, name="planning_day"),
    path("workorders/planning/week/", views.planning_week, name="planning_week"),
    path("workorders/<int:pk>/", views.workorder_detail, name="workorder_detail"),
    path("workorders/<int:pk>/edit/", views.workorder_edit, name="workorder_edit"),
    path("workorders/<int:pk>/done/", views.workorder_done, name="workorder_done"),
    path("workorders/<int:pk>/reopen/", views.workorder_reopen, name="workorder_reopen"),
    path("workorders/<int:pk>/check/", views.workorder_check, name="workorder_check"),
    path("workorders/<int:pk>/invoice/", views.workorder_invoice, name="workorder_invoice"),
]
