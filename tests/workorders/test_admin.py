import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import make_user
from tests.workorders.factories import make_invoiced, make_work_order


def test_every_work_order_model_is_in_the_admin():
    for model in apps.get_app_config("workorders").get_models():
        assert admin.site.is_registered(model), model.__name__


@pytest.mark.django_db
def test_admin_pages_and_read_only_invoiced_lines(client, org_a, user_a):
    staff = make_user("staff@example.test", is_staff=True, is_superuser=True)
    client.force_login(staff)
    open_one = make_work_order(org_a)
    invoiced = make_invoiced(org_a, user_a)
    assert client.get(reverse("admin:workorders_workorder_changelist")).status_code == 200
    page = client.get(reverse("admin:workorders_workorder_change", args=[open_one.pk]))
    assert page.status_code == 200 and 'name="lines-0-quantity"' in page.content.decode()
    page = client.get(reverse("admin:workorders_workorder_change", args=[invoiced.pk]))
    assert page.status_code == 200 and 'name="lines-0-quantity"' not in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    delete = reverse("admin:workorders_workorder_delete", args=[invoiced.pk])
    assert client.get(delete).status_code == 403
