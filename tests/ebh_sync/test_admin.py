"""The staff view of the sync: every model of ebh_sync is in the admin, read-only, and the
log filters by organization, error code and state."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from ebh_sync.engine import drain_connection
from ebh_sync.models import SyncJob
from invoicing import services as invoicing
from tests.factories import make_user
from tests.invoicing.factories import make_draft


def test_every_sync_model_is_in_the_admin_and_read_only():
    for model in apps.get_app_config("ebh_sync").get_models():
        assert admin.site.is_registered(model), model.__name__
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(None), model.__name__
        assert not model_admin.has_delete_permission(None), model.__name__


@pytest.mark.django_db
def test_staff_filter_the_log_by_organization_code_and_state(
    client, linked, org_a, user_a, customer
):
    for day in (datetime.date(2025, 12, 30), datetime.date(2026, 3, 2)):
        invoicing.invoice_finalize(
            invoice=make_draft(org_a, customer=customer, issue_date=day), send_email=False,
            user=user_a,
        )
    linked.sandbox.set_settings(closed_until="2025-12-31")  # the December one is refused
    drain_connection(linked.connection.pk)
    failed = SyncJob.objects.get(state=SyncJob.State.FAILED)
    booked = SyncJob.objects.get(state=SyncJob.State.BOOKED)

    client.force_login(make_user("staff@example.test", is_staff=True, is_superuser=True))
    log = reverse("admin:ebh_sync_syncjob_changelist")
    for query in (
        {"last_error_code": failed.last_error_code},
        {"state": "failed"},
        {"organization__id__exact": org_a.pk, "state": "failed"},
    ):
        page = client.get(log, query).content.decode()
        assert failed.invoice_number in page and booked.invoice_number not in page, query
    assert booked.invoice_number in client.get(log, {"state": "booked"}).content.decode()
    for model in apps.get_app_config("ebh_sync").get_models():
        name = f"admin:ebh_sync_{model._meta.model_name}_changelist"
        assert client.get(reverse(name)).status_code == 200, name
