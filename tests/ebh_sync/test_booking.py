"""A finalized invoice is booked once, with the right lines, against the real sandbox."""

import datetime
from decimal import Decimal

import pytest

from ebh_sync.engine import drain_connection
from ebh_sync.models import RelationLink, SyncJob
from invoicing import services as invoicing
from invoicing.services import PurchaseData, PurchaseLineData
from tests.invoicing.factories import line, make_draft, make_supplier


def finalize(django_capture_on_commit_callbacks, invoice, user):
    with django_capture_on_commit_callbacks(execute=True):
        return invoicing.invoice_finalize(invoice=invoice, send_email=False, user=user)


def amounts(mutation_line: dict) -> tuple:
    return (
        Decimal(str(mutation_line["excl"])), Decimal(str(mutation_line["btw"])),
        Decimal(str(mutation_line["incl"])), mutation_line["btw_code"],
        mutation_line["tegenrekening"],
    )


@pytest.mark.django_db
def test_sales_invoice_is_booked_once_with_one_line_per_rate(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    draft = make_draft(org_a, customer=customer, lines=[
        line("Schilderwerk", "3", "0.333"), line("Verf", "2", "12.50", rate="9"),
        line("Meer schilderwerk", "1", "100.00"),
    ])
    sessions_before = linked.calls("OpenSession")  # connecting opened some already
    invoice = finalize(django_capture_on_commit_callbacks, draft, user_a)

    job = SyncJob.objects.get(sales_invoice=invoice)
    assert job.state == SyncJob.State.BOOKED
    [mutation] = linked.mutations()
    assert mutation["nr"] == job.mutation_number
    assert mutation["soort"] == "FactuurVerstuurd"
    assert mutation["rekening"] == "1300"
    assert mutation["relatie_code"] == customer.code
    assert mutation["factuurnummer"] == invoice.number
    assert mutation["betalingstermijn"] == "14"
    lines = sorted(amounts(row) for row in mutation["lines"])
    # 3 x 0.333 + 100.00 = 101.00 at 21% (VAT on the rate's total), 25.00 at 9%.
    assert lines == sorted([
        (Decimal("101.00"), Decimal("21.21"), Decimal("122.21"), "HOOG_VERK_21", "8000"),
        (Decimal("25.00"), Decimal("2.25"), Decimal("27.25"), "LAAG_VERK_9", "8000"),
    ])
    assert [r["code"] for r in linked.sandbox.relations(linked.guid)] == [customer.code]
    assert linked.bookings()[invoice.number] == 1
    # One session, and no look-up by invoice number when nothing was in doubt.
    assert linked.calls("GetMutaties") == 0
    assert linked.calls("OpenSession") == sessions_before + 1


@pytest.mark.django_db
def test_known_relation_costs_no_call(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    finalize(django_capture_on_commit_callbacks, make_draft(org_a, customer=customer), user_a)
    assert linked.calls("AddRelatie") == 1
    finalize(django_capture_on_commit_callbacks, make_draft(org_a, customer=customer), user_a)
    assert linked.calls("AddRelatie") == 1
    assert linked.calls("GetRelaties") == 0
    assert linked.calls("AddMutatie") == 2
    assert RelationLink.objects.filter(code=customer.code, created_by_us=True).count() == 1


@pytest.mark.django_db
def test_relation_that_already_exists_is_looked_up_not_duplicated(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    from connections.services import connection_session
    from eboekhouden.client import RelationData

    with connection_session(connection=linked.connection) as (client, session):
        existing_id = client.add_relatie(session, RelationData(code=customer.code, name="Oud"))
    finalize(django_capture_on_commit_callbacks, make_draft(org_a, customer=customer), user_a)
    assert len(linked.sandbox.relations(linked.guid)) == 1
    assert RelationLink.objects.get(code=customer.code).relation_id == existing_id
    assert SyncJob.objects.get().state == SyncJob.State.BOOKED


@pytest.mark.django_db
def test_credit_note_books_negative_amounts(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    invoice = finalize(
        django_capture_on_commit_callbacks,
        make_draft(org_a, customer=customer, lines=[line("Werk", "2", "50.00")]), user_a,
    )
    credit = invoicing.credit_note_create(invoice=invoice, user=user_a)
    credit = finalize(django_capture_on_commit_callbacks, credit, user_a)
    mutation = next(m for m in linked.mutations() if m["factuurnummer"] == credit.number)
    assert mutation["soort"] == "FactuurVerstuurd"
    assert [amounts(r)[:3] for r in mutation["lines"]] == [
        (Decimal("-100.00"), Decimal("-21.00"), Decimal("-121.00"))
    ]


@pytest.mark.django_db
def test_foreign_currency_is_booked_in_euros_with_the_original_in_the_description(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    draft = make_draft(org_a, customer=customer, currency="USD",
                       exchange_rate=Decimal("0.900000"), lines=[line("Consult", "1", "1000.00")])
    invoice = finalize(django_capture_on_commit_callbacks, draft, user_a)
    [mutation] = linked.mutations()
    assert [amounts(r)[:3] for r in mutation["lines"]] == [
        (Decimal("900.00"), Decimal("189.00"), Decimal("1089.00"))
    ]
    assert "USD 1210.00" in mutation["omschrijving"]
    assert invoice.gross_total_eur == Decimal("1089.00")


@pytest.mark.parametrize(
    "rate, country, code",
    [("reverse", "NL", "VERL_VERK"), ("icp_goods", "DE", "BI_EU_VERK"),
     ("icp_services", "BE", "BI_EU_VERK_D"), ("export", "US", "BU_EU_VERK")],
)
@pytest.mark.django_db
def test_zero_rate_schemes_use_their_btw_code(
    linked, org_a, user_a, django_capture_on_commit_callbacks, rate, country, code
):
    from tests.invoicing.factories import make_customer

    buyer = make_customer(org_a, name="Buyer", country=country, vat_id="DE123456788"
                          if country != "US" else "")
    invoice = finalize(
        django_capture_on_commit_callbacks,
        make_draft(org_a, customer=buyer, lines=[line("Levering", "1", "500.00", rate=rate)]),
        user_a,
    )
    [mutation] = linked.mutations()
    assert [amounts(r)[:4] for r in mutation["lines"]] == [
        (Decimal("500.00"), Decimal("0.00"), Decimal("500.00"), code)
    ]
    assert SyncJob.objects.get(sales_invoice=invoice).state == SyncJob.State.BOOKED


@pytest.mark.django_db
def test_purchase_invoice_is_booked_against_the_creditor_with_the_suppliers_number(
    linked, org_a, user_a, django_capture_on_commit_callbacks
):
    supplier = make_supplier(org_a, name="Verfgroothandel")
    data = PurchaseData(
        supplier=supplier, supplier_invoice_number="VG-2026-118",
        invoice_date=datetime.date(2026, 3, 4), due_date=datetime.date(2026, 4, 3),
        description="Verf en kwasten",
        lines=[PurchaseLineData(description="Verf", vat_rate="21", net_amount=Decimal("240.00"))],
    )
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoicing.purchase_invoice_register(
            organization=org_a, data=data, attachment=None, user=user_a
        )
    [mutation] = linked.mutations()
    assert mutation["soort"] == "FactuurOntvangen"
    assert mutation["rekening"] == "1600"
    assert mutation["relatie_code"] == supplier.code
    assert mutation["factuurnummer"] == "VG-2026-118"
    assert [amounts(r) for r in mutation["lines"]] == [
        (Decimal("240.00"), Decimal("50.40"), Decimal("290.40"), "HOOG_INK_21", "4000")
    ]
    assert SyncJob.objects.get(purchase_invoice=invoice).mutation_number == mutation["nr"]


@pytest.mark.django_db
def test_without_a_connection_no_job_is_written(org_a, user_a, customer,
                                                django_capture_on_commit_callbacks):
    invoice = finalize(django_capture_on_commit_callbacks, make_draft(org_a, customer=customer),
                       user_a)
    assert not SyncJob.objects.filter(sales_invoice=invoice).exists()


@pytest.mark.django_db
def test_drain_of_an_idle_connection_books_nothing(linked):
    result = drain_connection(linked.connection.pk)
    assert result.booked == 0 and result.calls == {}
