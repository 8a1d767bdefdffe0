"""A corrected purchase invoice in e-Boekhouden (the sandbox over real HTTP): the original,
its reversal and the new registration are three bookings under three numbers, with the cost
accounts per line and the VAT as printed."""

import datetime
from decimal import Decimal

import pytest

from connections import services as connection_services
from ebh_sync.models import SyncJob
from invoicing.services import (
    PurchaseData,
    PurchaseLineData,
    purchase_draft_register,
    purchase_invoice_correct,
    purchase_invoice_register,
)
from tests.invoicing.factories import make_supplier


@pytest.fixture
def administration(org_a, ebh, settings) -> str:
    settings.EBH_SYNC_BACKOFF_BASE_SECONDS = 0
    account = ebh.add_account("purchasecorrection")
    connection = connection_services.connection_connect(
        organization=org_a, username=account["username"],
        security_code_1=account["security_code_1"], security_code_2=account["security_code_2"],
    )
    choices = connection_services.connection_load_choices(connection=connection)
    connection_services.connection_configure(
        connection=connection, choices=choices, debtor_account="1300",
        creditor_account="1600", sales_contra_account="8000", purchase_contra_account="4000",
    )
    return account["administrations"][0]


def _booked(mutation) -> dict:
    """Per VAT code and contra account: (excl, VAT) as e-Boekhouden holds them."""
    result = {}
    for line in mutation["lines"]:
        key = (line["btw_code"], line["tegenrekening"])
        excl, vat = result.get(key, (Decimal(0), Decimal(0)))
        result[key] = (excl + Decimal(str(line["excl"])), vat + Decimal(str(line["btw"])))
    return result


@pytest.mark.django_db
def test_original_reversal_and_replacement_are_booked(
    administration, ebh, org_a, user_a, django_capture_on_commit_callbacks
):
    supplier = make_supplier(org_a, name="Verfgroothandel")
    data = PurchaseData(
        supplier=supplier, supplier_invoice_number="VG-77",
        invoice_date=datetime.date(2026, 3, 4), due_date=datetime.date(2026, 4, 3),
        lines=[PurchaseLineData("21", Decimal("100.10"), "Huur", "4100"),
               PurchaseLineData("21", Decimal("0.05"), "Kwast"),
               PurchaseLineData("9", Decimal("20.00"), "Boek")],
        printed_vat={"21": Decimal("21.04")},
    )
    with django_capture_on_commit_callbacks(execute=True):
        original = purchase_invoice_register(organization=org_a, data=data, attachment=None,
                                             user=user_a)
    with django_capture_on_commit_callbacks(execute=True):
        _reversal, draft = purchase_invoice_correct(invoice=original, user=user_a)
    fixed = PurchaseData(supplier=supplier, supplier_invoice_number=draft.supplier_invoice_number,
                         invoice_date=draft.invoice_date, due_date=draft.due_date,
                         lines=[PurchaseLineData("21", Decimal("90.00"), "Huur", "4100")])
    with django_capture_on_commit_callbacks(execute=True):
        purchase_draft_register(invoice=draft, organization=org_a, data=fixed, user=user_a)

    mutations = {m["factuurnummer"]: m for m in ebh.mutations(administration)}
    assert sorted(mutations) == ["VG-77", "VG-77-2", "VG-77-CORR"]
    original_booking = _booked(mutations["VG-77"])
    assert sum(vat for code, (excl, vat) in original_booking.items()
               if code[0] == "HOOG_INK_21") == Decimal("21.04")  # as printed
    assert original_booking[("HOOG_INK_21", "4100")][0] == Decimal("100.10")
    assert _booked(mutations["VG-77-CORR"]) == {
        key: (-excl, -vat) for key, (excl, vat) in original_booking.items()}
    assert _booked(mutations["VG-77-2"]) == {
        ("HOOG_INK_21", "4100"): (Decimal("90.00"), Decimal("18.90"))}
    assert SyncJob.objects.filter(state=SyncJob.State.BOOKED).count() == 3
