"""Invoice-module mode: a checked work order becomes an invoice in e-Boekhouden's invoicing
module (AddFactuur), exactly once, through the same outbox as the bookings."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from connections import services as connection_services
from connections.clients import ConfiguredSoapClient
from connections.models import Connection, InvoiceMode
from ebh_sync import mapping
from ebh_sync.engine import drain_connection
from ebh_sync.models import ArticleLink, SyncEvent, SyncJob
from eboekhouden.client import InvoiceData, InvoiceLine, RelationData
from invoicing import services as invoicing
from invoicing.models import SalesInvoice
from tests.invoicing.factories import make_customer, make_draft, make_product
from tests.workorders.factories import hours, make_done, material
from workorders import services as workorders
from workorders.models import InvoiceChannel, WorkOrder, WorkOrderError, WorkOrderState

MODULE = {"invoice_mode": InvoiceMode.INVOICE_MODULE, "invoice_template": "Standaard"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Booking mode finalizes our own invoice, which stores a PDF.
    settings.MEDIA_ROOT = str(tmp_path / "media")


def use_module(linked, **fields) -> Connection:
    """Configure the linked connection for invoice-module mode through the real service."""
    choices = connection_services.connection_load_choices(connection=linked.connection)
    linked.connection = connection_services.connection_configure(
        connection=linked.connection, choices=choices, debtor_account="1300",
        creditor_account="1600", sales_contra_account="8000", purchase_contra_account="4000",
        invoicing=connection_services.InvoiceSettings(**{**MODULE, **fields}),
    )
    return linked.connection


@pytest.fixture
def module(linked):
    use_module(linked)
    return linked


def check(org, user, customer, **fields) -> WorkOrder:
    done = make_done(org, user, customer=customer, **fields)
    return workorders.work_order_mark_checked(work_order=done, user=user).work_order


def job_of(work_order) -> SyncJob:
    return SyncJob.objects.get(work_order=work_order)


def assert_one_invoice_each(linked, work_orders) -> None:
    """Every work order is invoiced under its job's number, and the invoicing module holds
    exactly those invoices: none missing, none extra."""
    numbers = []
    for work_order in work_orders:
        work_order.refresh_from_db()
        job = job_of(work_order)
        assert job.state == SyncJob.State.BOOKED, (job.state, job.last_error_code, job.last_error)
        assert work_order.state == WorkOrderState.INVOICED
        assert work_order.external_invoice_number == job.invoice_number
        numbers.append(job.invoice_number)
    per_number = linked.sandbox.invoices_per_number(linked.guid)
    assert sorted(per_number.elements()) == sorted(numbers)


# --------------------------------------------------------------------------- configure


def _configure(client, connection, **fields):
    data = {
        "administration": connection_services.administration_key(
            connection.administration_guid()),
        "sales_contra_account": "8000", "purchase_contra_account": "4000",
        "debtor_account": "1300", "creditor_account": "1600", **fields,
    }
    return client.post(reverse("connections:configure", args=[connection.pk]), data)


@pytest.mark.django_db
def test_the_configure_page_offers_both_modes_and_stores_the_choice(linked, client_a):
    page = client_a.get(reverse("connections:configure", args=[linked.connection.pk]))
    text = page.content.decode()
    assert "Facturen van gecontroleerde werkbonnen" in text
    assert "Als factuur in de factuurmodule van e-Boekhouden.nl" in text
    assert page.context["mode_form"]["invoice_mode"].value() == InvoiceMode.BOOKING

    response = _configure(
        client_a, linked.connection, invoice_mode="invoice_module", invoice_template="Zakelijk",
        email_by_eboekhouden="on", email_subject="Uw factuur", email_message="Zie bijlage.",
        email_from_address="facturen@alpha.test", email_from_name="Alpha B.V.",
    )
    assert response.status_code == 302
    connection = Connection.objects.get(pk=linked.connection.pk)
    assert connection.makes_invoices_in_module and connection.invoice_template == "Zakelijk"
    assert connection.email_by_eboekhouden and connection.email_from_address == (
        "facturen@alpha.test")

    # Back to bookings: the e-mail choice no longer applies.
    assert _configure(client_a, linked.connection, invoice_mode="booking").status_code == 302
    connection.refresh_from_db()
    assert connection.invoice_mode == InvoiceMode.BOOKING and not connection.email_by_eboekhouden


@pytest.mark.parametrize("language, template_error, email_error", [
    ("nl", "Vul de naam in van het factuursjabloon", "Nodig als e-Boekhouden.nl de factuur"),
    ("en", "Enter the name of the invoice template", "Needed when e-Boekhouden.nl emails"),
])
@pytest.mark.django_db
def test_bad_invoice_mode_input_gets_clear_errors(linked, client_a, user_a, language,
                                                  template_error, email_error):
    user_a.language = language
    user_a.save(update_fields=["language"])
    response = _configure(client_a, linked.connection, invoice_mode="invoice_module",
                          email_by_eboekhouden="on", email_from_address="geen-adres")
    assert response.status_code == 200
    form = response.context["mode_form"]
    assert template_error in form.errors["invoice_template"][0]
    assert email_error in form.errors["email_subject"][0]
    assert email_error in form.errors["email_message"][0]
    assert "email_from_address" in form.errors  # not an address at all
    connection = Connection.objects.get(pk=linked.connection.pk)
    assert connection.invoice_mode == InvoiceMode.BOOKING  # nothing stored


@pytest.mark.django_db
def test_only_owners_choose_the_mode(linked, org_a):
    from django.test import Client

    from accounts.models import Membership
    from tests.factories import make_user

    member = make_user("mia@example.test", full_name="Mia Member")
    Membership.objects.create(user=member, organization=org_a, role=Membership.Role.MEMBER)
    client = Client()
    client.force_login(member)
    response = _configure(client, linked.connection, invoice_mode="invoice_module",
                          invoice_template="Standaard")
    assert response.status_code in (302, 403)
    assert Connection.objects.get(pk=linked.connection.pk).invoice_mode == InvoiceMode.BOOKING


@pytest.mark.django_db
def test_the_database_refuses_invoice_module_mode_without_a_template(linked):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.filter(pk=linked.connection.pk).update(
            invoice_mode=InvoiceMode.INVOICE_MODULE, invoice_template="")


# --------------------------------------------------------------------------- both modes


@pytest.mark.django_db
def test_booking_mode_is_unchanged_our_invoice_is_booked(linked, org_a, user_a, customer):
    work_order = check(org_a, user_a, customer)
    draft = SalesInvoice.objects.get()
    assert work_order.state == WorkOrderState.CHECKED and work_order.invoice == draft
    invoice = invoicing.invoice_finalize(invoice=draft, send_email=False, user=user_a)
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.INVOICED
    assert work_order.invoice_channel == InvoiceChannel.OWN
    assert not SyncJob.objects.filter(kind=SyncJob.Kind.WORK_ORDER_INVOICE).exists()

    drain_connection(linked.connection.pk)
    assert linked.bookings()[invoice.number] == 1
    assert linked.sandbox.invoices(linked.guid) == []
    assert linked.calls("AddFactuur") == 0


@pytest.mark.django_db
def test_checked_becomes_one_invoice_in_the_module(module, org_a, user_a, customer):
    product = make_product(org_a, description="Grondverf 2,5 liter", ledger_account="8010")
    lines = [hours("4", "52.50", "Schilderwerk kozijnen"),
             material("2", "34.95", "Grondverf 2,5 liter", product_id=product.pk),
             material("1", "10.00", "Boek kleurstalen", vat="9")]
    work_order = check(org_a, user_a, customer, lines=lines)
    assert work_order.state == WorkOrderState.CHECKED
    assert work_order.invoice_channel == InvoiceChannel.ACCOUNTING
    assert not SalesInvoice.objects.exists()  # no invoice of ours
    job = job_of(work_order)
    assert job.state == SyncJob.State.PENDING and job.invoice_date == timezone.localdate()

    result = drain_connection(module.connection.pk)
    assert result.booked == 1 and result.calls["AddFactuur"] == 1
    assert_one_invoice_each(module, [work_order])
    [created] = module.sandbox.invoices(module.guid)
    assert created["relatiecode"] == customer.code and created["sjabloon"] == "Standaard"
    assert created["betalingstermijn"] == org_a.payment_term_days
    rows = [(ln["code"], ln["omschrijving"], ln["aantal"], ln["eenheid"], ln["prijs"],
             ln["btw_code"], ln["tegenrekening"]) for ln in created["lines"]]
    assert rows == [
        ("Schilderwerk kozijnen (23-11-2026)", "Schilderwerk kozijnen (23-11-2026)", "4.00",
         "uur", "52.5000", "HOOG_VERK_21", "8000"),
        ("Grondverf 2,5 liter", "Grondverf 2,5 liter", "2.00", "stuk", "34.9500",
         "HOOG_VERK_21", "8010"),
        ("Boek kleurstalen", "Boek kleurstalen", "1.00", "stuk", "10.0000", "LAAG_VERK_9",
         "8000"),
    ]
    # VAT per rate on the rate's total, as our own invoice would have it.
    assert (created["totaal_excl"], created["totaal_btw"]) == ("289.90", "59.68")
    # Also booked, so the open item appears: one FactuurVerstuurd under the same number.
    assert module.bookings()[job.invoice_number] == 1


@pytest.mark.django_db
def test_numbers_come_from_our_own_gap_free_series(module, org_a, user_a, customer):
    first = check(org_a, user_a, customer)
    own = invoicing.invoice_finalize(invoice=make_draft(org_a, customer=customer),
                                     send_email=False, user=user_a)
    second = check(org_a, user_a, customer)
    numbers = [job_of(first).invoice_number, own.number, job_of(second).invoice_number]
    assert [int(number[-4:]) for number in numbers] == [1, 2, 3]
    drain_connection(module.connection.pk)
    assert_one_invoice_each(module, [first, second])
    assert module.bookings()[own.number] == 1  # our own invoice is still booked


@pytest.mark.django_db
def test_the_relation_is_created_once_for_several_work_orders(module, org_a, user_a, customer):
    work_orders = [check(org_a, user_a, customer) for _ in range(3)]
    result = drain_connection(module.connection.pk)
    assert result.calls["AddRelatie"] == 1 and result.calls["AddFactuur"] == 3
    assert [r["code"] for r in module.sandbox.relations(module.guid)] == [customer.code]
    assert_one_invoice_each(module, work_orders)


@pytest.mark.django_db
def test_an_imported_article_keeps_its_code(module, org_a, user_a, customer):
    product = make_product(org_a, description="Kwast 50 mm", unit="stuk")
    ArticleLink.objects.create(
        organization=org_a, connection=module.connection, code="KW50", article_id=7,
        administration=connection_services.administration_key(module.guid), product=product)
    work_order = check(org_a, user_a, customer,
                       lines=[material("3", "4.50", "Kwast 50 mm", product_id=product.pk)])
    drain_connection(module.connection.pk)
    assert_one_invoice_each(module, [work_order])
    [line] = module.sandbox.invoices(module.guid)[0]["lines"]
    assert (line["code"], line["omschrijving"]) == ("KW50", "Kwast 50 mm")


# --------------------------------------------------------------------------- faults


FAULTS = {
    "http500": {"http500_rate": 1.0},
    "apply_then_drop": {"drop_after_apply_rate": 1.0},
    "timeout_applied": {"timeout_rate": 1.0, "hang_seconds": 2, "timeout_apply": True},
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.django_db
def test_faults_leave_exactly_one_invoice(module, org_a, user_a, customer, settings, fault):
    settings.EBH_READ_TIMEOUT = 1
    work_orders = [check(org_a, user_a, customer) for _ in range(2)]
    module.sandbox.set_faults(operations=["AddFactuur"], seed=1, **FAULTS[fault])
    drain_connection(module.connection.pk)
    first = job_of(work_orders[0])
    assert first.state == SyncJob.State.PENDING and first.in_doubt and first.attempts == 1
    work_orders[0].refresh_from_db()
    assert work_orders[0].state == WorkOrderState.CHECKED

    module.sandbox.set_faults()
    drain_connection(module.connection.pk)
    assert_one_invoice_each(module, work_orders)
    # The look-up by number is spent only on the job in doubt; the rest of the GetFacturen
    # calls are the one PDF-address read after each AddFactuur that created an invoice.
    pdf_reads = SyncEvent.objects.filter(job__in=[job_of(w) for w in work_orders],
                                         action="looked_up").count()
    assert module.calls("GetFacturen") == 1 + pdf_reads and pdf_reads >= 1
    # A 500 came before anything was stored: the look-up finds nothing and we send again.
    # After apply-then-drop the look-up finds the invoice and records it as ours. A timed-out
    # request may still land after the look-up; then either the resend or the late request
    # meets CFACT026, and our own number keeps it at one invoice (asserted above).
    found = list(first.events.filter(action="reconciled").order_by("id")
                 .values_list("message", flat=True))
    if fault == "http500":
        assert found == ["not booked yet"]
    elif fault == "apply_then_drop":
        assert found == [f"Factuurnummer {first.invoice_number}"]


@pytest.mark.django_db
def test_session_expiry_mid_batch_reopens_the_session(module, org_a, user_a, customer):
    work_orders = [check(org_a, user_a, customer) for _ in range(4)]
    module.sandbox.set_faults(expire_session_every=2, seed=1)
    result = drain_connection(module.connection.pk)
    assert result.booked == 4 and result.calls["OpenSession"] > 1
    assert_one_invoice_each(module, work_orders)


@pytest.mark.django_db
def test_password_change_pauses_then_resumes(module, org_a, user_a, customer,
                                             django_capture_on_commit_callbacks):
    work_orders = [check(org_a, user_a, customer) for _ in range(2)]
    new_code = module.sandbox.change_password(module.account["username"])
    drain_connection(module.connection.pk)
    module.connection.refresh_from_db()
    assert module.connection.status == Connection.Status.ACTION_NEEDED
    for work_order in work_orders:
        job = job_of(work_order)
        assert job.state == SyncJob.State.PAUSED and job.attempts == 0
    assert module.sandbox.invoices(module.guid) == []

    with django_capture_on_commit_callbacks(execute=True):
        connection_services.connection_update_security_code_1(
            connection=module.connection, security_code_1=new_code)
    assert_one_invoice_each(module, work_orders)


class LaggingLookup(ConfiguredSoapClient):
    """GetFacturen that does not see a just-created invoice the first time it is asked, so
    the resend meets CFACT026."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0

    def get_facturen(self, session, **kwargs):
        self.lookups += 1
        if self.lookups == 1:
            return []
        return super().get_facturen(session, **kwargs)


@pytest.mark.django_db
def test_cfact026_after_an_ambiguous_failure_counts_as_created(module, org_a, user_a, customer):
    work_order = check(org_a, user_a, customer)
    module.sandbox.set_faults(drop_after_apply_rate=1.0, operations=["AddFactuur"], seed=1)
    drain_connection(module.connection.pk)
    module.sandbox.set_faults()

    client = LaggingLookup()
    result = drain_connection(module.connection.pk, client=client)
    assert client.lookups == 2 and result.calls["AddFactuur"] == 1  # the resend: CFACT026
    assert_one_invoice_each(module, [work_order])
    job = job_of(work_order)
    assert list(job.events.filter(action="reconciled").values_list("message", flat=True)) == [
        f"Factuurnummer {job.invoice_number}", "not booked yet"]


@pytest.mark.django_db
def test_cfact026_for_someone_elses_invoice_fails_visibly(module, org_a, user_a, customer):
    work_order = check(org_a, user_a, customer)
    number = job_of(work_order).invoice_number
    # Someone typed our next number on an invoice of another relation in e-Boekhouden.
    with connection_services.connection_session(connection=module.connection) as (client, session):
        client.add_relatie(session, RelationData(code="ANDER1", name="Andere klant"))
        client.add_factuur(session, InvoiceData(
            invoice_number=number, relation_code="ANDER1", date=timezone.localdate(),
            payment_term_days=14, template="Standaard", booking_description="Handmatig",
            lines=(InvoiceLine("X", "Iets anders", Decimal("1"), "", Decimal("5"),
                               "HOOG_VERK_21", "8000"),),
        ))
    drain_connection(module.connection.pk)
    job = job_of(work_order)
    assert job.state == SyncJob.State.FAILED and job.last_error_code == "CFACT026"
    assert job.events.filter(action="reconciled", message="not booked yet").exists()
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.CHECKED and not work_order.external_invoice_number
    [theirs] = module.sandbox.invoices(module.guid)
    assert theirs["relatiecode"] == "ANDER1"


# --------------------------------------------------------------------------- rejections


@pytest.mark.django_db
def test_an_unknown_template_fails_with_its_code_and_retries_after_the_fix(
    module, org_a, user_a, customer, client_a, django_capture_on_commit_callbacks
):
    use_module(module, invoice_template="Bestaat niet")
    work_order = check(org_a, user_a, customer)
    drain_connection(module.connection.pk)
    job = job_of(work_order)
    assert job.state == SyncJob.State.FAILED and job.last_error_code == "CFACT028"
    assert job.attempts == 0
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.CHECKED

    detail = client_a.get(reverse("workorders:workorder_detail", args=[work_order.pk]))
    page = detail.content.decode()
    assert "factuur mislukt" in page and "CFACT028" in page
    assert "geen factuursjabloon met deze naam" in page  # the hint
    errors = client_a.get(reverse("ebh_sync:errors")).content.decode()
    assert reverse("workorders:workorder_detail", args=[work_order.pk]) in errors
    assert f"Werkbon {work_order.number}" in errors and "CFACT028" in errors

    use_module(module, invoice_template="Zakelijk")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("ebh_sync:retry", args=[job.pk]))
    assert response.status_code == 302
    assert_one_invoice_each(module, [work_order])
    assert module.sandbox.invoices(module.guid)[0]["sjabloon"] == "Zakelijk"


@pytest.mark.django_db
def test_email_without_a_customer_address_fails_with_a_clear_reason(module, org_a, user_a):
    use_module(module, email_by_eboekhouden=True, email_subject="Factuur",
               email_message="Bijgaand de factuur.", email_from_address="info@alpha.test")
    customer = make_customer(org_a, email="")
    work_order = check(org_a, user_a, customer)
    with translation.override("nl"):
        drain_connection(module.connection.pk)
    job = job_of(work_order)
    assert job.state == SyncJob.State.FAILED and job.last_error_code == "DATA"
    assert "e-mailadres" in job.last_error
    assert module.calls("AddFactuur") == 0


@pytest.mark.django_db
def test_the_work_order_page_shows_queued_then_the_number(module, org_a, user_a, customer,
                                                          client_a):
    work_order = check(org_a, user_a, customer)
    url = reverse("workorders:workorder_detail", args=[work_order.pk])
    number = job_of(work_order).invoice_number
    assert "factuur in wachtrij" in client_a.get(url).content.decode()
    drain_connection(module.connection.pk)
    page = client_a.get(url).content.decode()
    assert f"factuur {number} in e-Boekhouden" in page
    assert "Gefactureerd" in page


# --------------------------------------------------------------------------- state machine


@pytest.mark.django_db
def test_checking_twice_makes_no_second_invoice(module, org_a, user_a, customer, client_a):
    done = make_done(org_a, user_a, customer=customer)
    check_url = reverse("workorders:workorder_check", args=[done.pk])
    assert client_a.post(check_url).status_code == 302
    assert client_a.post(check_url).status_code == 302
    with pytest.raises(WorkOrderError):
        workorders.work_order_mark_checked(work_order=done, user=user_a)
    assert SyncJob.objects.filter(work_order=done).count() == 1
    drain_connection(module.connection.pk)
    drain_connection(module.connection.pk)
    assert_one_invoice_each(module, [done])
    with pytest.raises(WorkOrderError):
        workorders.work_order_mark_checked(work_order=done, user=user_a)
    assert len(module.sandbox.invoices(module.guid)) == 1


@pytest.mark.django_db
def test_no_skipping_from_open_to_invoiced(module, org_a, user_a, customer):
    from tests.workorders.factories import make_work_order

    work_order = make_work_order(org_a, customer=customer)
    with pytest.raises(WorkOrderError):
        workorders.work_order_mark_checked(work_order=work_order, user=user_a)
    with pytest.raises(WorkOrderError):
        workorders.work_order_invoice_externally_created(work_order=work_order,
                                                         invoice_number="F1")
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.OPEN
    assert not SyncJob.objects.exists()
    drain_connection(module.connection.pk)
    assert module.sandbox.invoices(module.guid) == []


@pytest.mark.django_db
def test_a_paused_connection_still_takes_the_work_order_over(module, org_a, user_a, customer):
    connection_services.connection_mark_action_needed(connection=module.connection,
                                                      reason="E001.1")
    work_order = check(org_a, user_a, customer)
    assert work_order.invoice_channel == InvoiceChannel.ACCOUNTING
    assert job_of(work_order).state == SyncJob.State.PAUSED


# --------------------------------------------------------------------------- mapping


class _Settings:
    invoice_template = "Standaard"
    email_by_eboekhouden = True
    email_subject, email_message = "Factuur", "Bijgaand."
    email_from_address, email_from_name = "info@alpha.test", "Alpha"


@pytest.mark.django_db
def test_the_mapping_is_pure_and_complete(org_a, user_a):
    customer = make_customer(org_a, payment_term_days=0, language="en")
    work_order = make_done(org_a, user_a, customer=customer,
                           lines=[hours("2", "50.00", "Painting", vat="reverse")])
    lines = workorders.invoice_lines_for(work_order)
    accounts = mapping.Accounts("1300", "1600", "8000", "4000",
                                {("sales", "VERL_VERK"): "8140"})
    data = mapping.work_order_invoice(
        work_order, lines, accounts, _Settings(), invoice_number="2026-0007",
        date=datetime.date(2026, 11, 30), article_codes={},
    )
    assert data.payment_term_days == 1  # 0 days reads as a missing term in e-Boekhouden
    assert data.booking_description == (
        f"Invoice 2026-0007 {customer.name} work order {work_order.number}")
    [line] = data.lines
    assert (line.vat_code, line.contra_account, line.unit, line.quantity, line.unit_price) == (
        "VERL_VERK", "8140", "hours", Decimal("2.00"), Decimal("50.0000"))
    assert data.send_email and data.email_from_address == "info@alpha.test"

    too_many = lines * 101
    with pytest.raises(mapping.MappingError):
        mapping.work_order_invoice(work_order, too_many, accounts, _Settings(),
                                   invoice_number="X", date=datetime.date(2026, 11, 30),
                                   article_codes={})
