import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import make_user
from tests.invoicing.factories import make_draft, make_sent


def test_every_invoicing_model_is_in_the_admin():
    for model in apps.get_app_config("invoicing").get_models():
        assert admin.site.is_registered(model), model.__name__


@pytest.mark.django_db
def test_finalized_invoice_is_read_only_in_the_admin(client, org_a, user_a):
    staff = make_user("staff@example.test", is_staff=True, is_superuser=True)
    client.force_login(staff)
    invoice = make_sent(org_a, user_a)
    draft = make_draft(org_a)
    change = reverse("admin:invoicing_salesinvoice_change", args=[invoice.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    delete = reverse("admin:invoicing_salesinvoice_delete", args=[invoice.pk])
    assert client.get(delete).status_code == 403
    draft_delete = reverse("admin:invoicing_salesinvoice_delete", args=[draft.pk])
    assert client.get(draft_delete).status_code == 200
    assert client.get(reverse("admin:invoicing_salesinvoice_changelist")).status_code == 200
    assert client.get(reverse("admin:invoicing_customer_changelist")).status_code == 200
