"""The pages: create with lines and placeholders (an unknown one is a form error and nothing
is saved), list, detail with its invoices and next dates, pause, resume, make now, delete
with a confirmation (the invoices stay), and the invoice's page naming its template."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.models import SalesInvoice
from recurring.models import Generation, RecurringTemplate
from tests.invoicing.factories import make_customer
from tests.recurring.factories import make_template

pytestmark = pytest.mark.django_db
D = datetime.date


def form_data(customer, description="Onderhoud {maand} {jaar}", **fields) -> dict:
    data = {
        "name": "Onderhoud", "customer": customer.pk, "frequency": "monthly",
        "start_date": "2026-01-31", "end_date": "", "count": "", "payment_term_days": "14",
        "language": "nl", "reference": "", "note": "", "mode": "review",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "500", "lines-0-description": description,
        "lines-0-quantity": "1", "lines-0-unit_price": "95,00", "lines-0-vat_rate": "21",
        "lines-0-discount_percent": "", "lines-0-unit": "",
    }
    data.update(fields)
    return data


def test_create_shows_the_editor_and_saves_a_template(client_a, org_a):
    customer = make_customer(org_a)
    page = client_a.get(reverse("recurring:template_create"))
    assert page.status_code == 200
    assert b"data-invoice-form" in page.content and b"line-template" in page.content
    response = client_a.post(reverse("recurring:template_create"), form_data(customer))
    template = RecurringTemplate.objects.get(organization=org_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("recurring:template_detail", args=[template.pk])
    assert template.next_date == D(2026, 1, 31)
    assert template.lines.get().description == "Onderhoud {maand} {jaar}"


@pytest.mark.parametrize("field", ["description", "note"])
def test_unknown_placeholder_is_a_form_error_and_saves_nothing(client_a, org_a, field):
    customer = make_customer(org_a)
    data = (form_data(customer, description="Onderhoud {maan}") if field == "description"
            else form_data(customer, note="Periode {jaren}"))
    response = client_a.post(reverse("recurring:template_create"), data)
    assert response.status_code == 200
    assert "Onbekende" in response.content.decode() or "Unknown placeholder" in \
        response.content.decode()
    assert not RecurringTemplate.objects.exists()


def test_end_date_and_count_together_are_refused(client_a, org_a):
    customer = make_customer(org_a)
    response = client_a.post(reverse("recurring:template_create"),
                             form_data(customer, end_date="2026-12-31", count="3"))
    assert response.status_code == 200 and not RecurringTemplate.objects.exists()


def test_list_detail_and_the_invoice_page(client_a, org_a):
    today = timezone.localdate()
    template = make_template(org_a, name="Webhosting", start_date=today)
    client_a.post(reverse("recurring:template_generate", args=[template.pk]))
    invoice = SalesInvoice.objects.get(recurring_generation__template=template)
    listing = client_a.get(reverse("recurring:template_list")).content.decode()
    assert "Webhosting" in listing and 'data-testid="waiting-for-review"' in listing
    detail = client_a.get(reverse("recurring:template_detail", args=[template.pk]))
    assert reverse("invoicing:invoice_detail", args=[invoice.pk]) in detail.content.decode()
    assert len(detail.context["upcoming"]) == 3
    page = client_a.get(reverse("invoicing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Webhosting" in page
    assert reverse("recurring:template_detail", args=[template.pk]) in page
    invoices = client_a.get(reverse("invoicing:invoice_list")).content.decode()
    assert reverse("recurring:template_list") in invoices


def test_pause_resume_and_delete_with_confirmation(client_a, org_a):
    template = make_template(org_a, start_date=timezone.localdate())
    client_a.post(reverse("recurring:template_generate", args=[template.pk]))
    client_a.post(reverse("recurring:template_pause", args=[template.pk]))
    template.refresh_from_db()
    assert not template.active
    client_a.post(reverse("recurring:template_resume", args=[template.pk]))
    template.refresh_from_db()
    assert template.active
    confirm = client_a.get(reverse("recurring:template_delete", args=[template.pk]))
    assert confirm.status_code == 200 and RecurringTemplate.objects.filter(pk=template.pk)
    client_a.post(reverse("recurring:template_delete", args=[template.pk]))
    assert not RecurringTemplate.objects.filter(pk=template.pk).exists()
    assert Generation.objects.filter(invoice__isnull=False).count() == SalesInvoice.objects.count()
    assert SalesInvoice.objects.count() > 0


def test_schedule_base_is_fixed_once_invoiced(client_a, org_a):
    start = timezone.localdate()
    template = make_template(org_a, start_date=start)
    client_a.post(reverse("recurring:template_generate", args=[template.pk]))
    customer = template.customer
    client_a.post(reverse("recurring:template_edit", args=[template.pk]),
                  form_data(customer, start_date="2026-02-15", frequency="weekly",
                            name="Nieuw"))
    template.refresh_from_db()
    assert (template.name, template.start_date, template.frequency) == (
        "Nieuw", start, "monthly")
