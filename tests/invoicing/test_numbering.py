import datetime
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from invoicing import services
from invoicing.models import NumberCounter, SalesInvoice
from tests.invoicing.factories import make_customer, make_draft, make_sent


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_finalizes_get_consecutive_numbers(org_a, user_a):
    assert connection.vendor == "postgresql"
    customer = make_customer(org_a)
    drafts = [make_draft(org_a, customer=customer) for _ in range(8)]
    barrier = threading.Barrier(8)
    errors = []

    def finalize(invoice):
        try:
            barrier.wait(timeout=30)
            services.invoice_finalize(invoice=invoice, send_email=False, user=user_a)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=finalize, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    numbers = sorted(SalesInvoice.objects.values_list("number", flat=True))
    assert numbers == [f"2026-{n:04d}" for n in range(1, 9)]
    assert NumberCounter.objects.get(series="invoice", year=2026).next_value == 9


@pytest.mark.django_db
def test_number_is_assigned_only_at_finalize_and_failed_finalize_leaves_no_gap(org_a, user_a):
    draft = make_draft(org_a)
    assert draft.number == ""
    broken = make_draft(org_a, customer=make_customer(org_a, address=""))
    with pytest.raises(services.InvoicingError):
        services.invoice_finalize(invoice=broken, send_email=False, user=user_a)
    invoice = services.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    assert invoice.number == "2026-0001"


@pytest.mark.django_db
def test_yearly_reset_and_format(org_a, user_a):
    org_a.invoice_number_format = "F{year}/{seq:03}"
    org_a.save()
    first = make_sent(org_a, user_a, issue_date=datetime.date(2025, 12, 31))
    second = make_sent(org_a, user_a, issue_date=datetime.date(2026, 1, 1))
    third = make_sent(org_a, user_a, issue_date=datetime.date(2026, 1, 2))
    assert [first.number, second.number, third.number] == ["F2025/001", "F2026/001", "F2026/002"]


@pytest.mark.django_db
def test_one_series_without_yearly_reset(org_a, user_a):
    org_a.invoice_number_yearly_reset = False
    org_a.save()
    first = make_sent(org_a, user_a, issue_date=datetime.date(2025, 12, 31))
    second = make_sent(org_a, user_a, issue_date=datetime.date(2026, 1, 1))
    assert [first.number, second.number] == ["2025-0001", "2026-0002"]


@pytest.mark.django_db
def test_organizations_have_their_own_series(org_a, org_b, user_a, user_b):
    assert make_sent(org_a, user_a).number == make_sent(org_b, user_b).number == "2026-0001"


@pytest.mark.django_db
def test_next_number_is_settable_but_never_below_a_used_one(client_a, org_a, user_a):
    make_sent(org_a, user_a, issue_date=datetime.date.today())
    url = reverse("invoicing:numbering_settings")
    page = client_a.get(url)
    assert page.status_code == 200
    response = client_a.post(url, {"next_number": "1"})
    assert response.status_code == 200
    assert "already in use" in response.content.decode() or "al in gebruik" in \
        response.content.decode()
    assert client_a.post(url, {"next_number": "500"}).status_code == 302
    invoice = make_sent(org_a, user_a, issue_date=datetime.date.today())
    assert invoice.number_sequence == 500


@pytest.mark.django_db
def test_relation_codes_are_stable_and_per_organization(org_a, org_b):
    codes = [make_customer(org_a).code for _ in range(3)]
    assert codes == ["D0001", "D0002", "D0003"]
    assert make_customer(org_b).code == "D0001"
    from tests.invoicing.factories import make_supplier

    assert make_supplier(org_a).code == "C0001"

