"""Invoice list/detail/finalize/PDF figures on an organization with many invoices.

    python -m bench.invoices --invoices 10000 --json var/bench-invoices.json

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/facturen) only to reach the
server: the run creates, migrates and finally drops its own database ``facturen_bench``.
Rows are made with bulk_create; timings are time.perf_counter over repeated requests through
django.test.Client (so they include the whole middleware stack, not the network)."""

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from bench.database import bench_database, report

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/facturen")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

BATCH = 2000


def _organization(name: str):
    from django.utils import timezone

    from accounts.models import Membership, Organization, User
    from invoicing.models import Customer

    user = User.objects.create_user(email=f"bench-{name.lower()}@example.test",
                                    password="bench-password-1",  # noqa: S106
                                    email_verified_at=timezone.now())
    org = Organization.objects.create(
        name=name, address="Damrak 1", postcode="1012 LG", city="Amsterdam",
        kvk_number="12345678", vat_id="NL123456782B01", iban="NL91ABNA0417164300",
    )
    Membership.objects.create(user=user, organization=org, role="owner")
    customers = Customer.objects.bulk_create([
        Customer(organization=org, code=f"D{i:04d}", name=f"Klant {i}", address="Straat 1",
                 postcode="1234 AB", city="Utrecht", email=f"klant{i}@example.test")
        for i in range(1, 51)
    ])
    return user, org, customers


def _bulk_invoices(org, customers, count: int) -> None:
    """Finalized-looking invoices (status sent/paid, numbers, one line, one VAT total)."""
    from invoicing.models import SalesInvoice, SalesInvoiceLine, SalesInvoiceVatTotal

    start = datetime.date(2026, 1, 1)
    for offset in range(0, count, BATCH):
        invoices = []
        for i in range(offset, min(offset + BATCH, count)):
            net = Decimal(100 + i % 900)
            vat = (net * Decimal("0.21")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            issue = start + datetime.timedelta(days=i % 300)
            invoices.append(SalesInvoice(
                organization=org, customer=customers[i % len(customers)],
                number=f"2026-{i + 1:05d}",
                number_year=2026, number_sequence=i + 1, issue_date=issue,
                due_date=issue + datetime.timedelta(days=14), net_total=net, vat_total=vat,
                gross_total=net + vat, net_total_eur=net, vat_total_eur=vat,
                gross_total_eur=net + vat, amount_paid=net + vat if i % 3 == 0 else 0,
                buyer={"name": f"Klant {i % 50}"}, seller={"name": org.name},
            ))
        SalesInvoice.objects.bulk_create(invoices)
        SalesInvoiceLine.objects.bulk_create([
            SalesInvoiceLine(invoice=inv, position=1, description="Werkzaamheden",
                             quantity=1, unit_price=inv.net_total, vat_rate="21",
                             net_amount=inv.net_total, vat_amount=inv.vat_total,
                             gross_amount=inv.gross_total)
            for inv in invoices
        ])
        SalesInvoiceVatTotal.objects.bulk_create([
            SalesInvoiceVatTotal(invoice=inv, vat_rate="21", percentage=21,
                                 net_amount=inv.net_total, vat_amount=inv.vat_total,
                                 gross_amount=inv.gross_total, net_amount_eur=inv.net_total,
                                 vat_amount_eur=inv.vat_total, gross_amount_eur=inv.gross_total)
            for inv in invoices
        ])
        # Lines are written while the invoices are drafts (the database refuses lines on a
        # finalized invoice), then the invoices are marked sent or paid.
        paid = [inv.pk for inv in invoices if inv.amount_paid]
        SalesInvoice.objects.filter(pk__in=paid).update(status="paid")
        SalesInvoice.objects.filter(pk__in=[inv.pk for inv in invoices]).exclude(
            pk__in=paid).update(status="sent")
    from invoicing.models import NumberCounter

    NumberCounter.objects.create(organization=org, series="invoice", year=2026,
                                 next_value=count + 1)


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _timed_ms(function, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _drafts(org, customer, count: int) -> list:
    from invoicing import services
    from invoicing.models import SalesInvoice

    drafts = []
    for _ in range(count):
        invoice = SalesInvoice(customer=customer, issue_date=datetime.date(2026, 11, 2),
                               payment_term_days=14)
        drafts.append(services.invoice_save_draft(invoice=invoice, organization=org, lines=[
            services.LineData(description="Schilderwerk", quantity=Decimal(8),
                              unit_price=Decimal("52.50"), vat_rate="21"),
            services.LineData(description="Verf", quantity=Decimal(2),
                              unit_price=Decimal("89.95"), vat_rate="9"),
        ]))
    return drafts


def measure(invoices: int, repeat: int) -> dict:
    from django.urls import reverse

    from invoicing import services
    from invoicing.models import SalesInvoice
    from invoicing.pdf import render_invoice_pdf

    user, org, customers = _organization("Bench B.V.")
    started = time.perf_counter()
    _bulk_invoices(org, customers, invoices)
    build_s = time.perf_counter() - started
    small_user, small_org, small_customers = _organization("Small B.V.")
    _bulk_invoices(small_org, small_customers, 30)

    client, small_client = _client(user), _client(small_user)
    list_url = reverse("invoicing:invoice_list")
    detail = SalesInvoice.objects.filter(organization=org).first()
    detail_url = reverse("invoicing:invoice_detail", args=[detail.pk])
    for warm in (client, small_client):  # first request: session and template caches
        warm.get(list_url)
    figures = {
        "invoices": invoices,
        "build_s": round(build_s, 1),
        "list_queries": _queries(client, list_url),
        "list_queries_last_page": _queries(client, f"{list_url}?page=last"),
        "list_queries_filtered": _queries(client, f"{list_url}?status=overdue&customer="
                                                  f"{customers[0].pk}"),
        "list_queries_30_invoices": _queries(small_client, list_url),
        "list_ms_p50": statistics.median(_timed_ms(lambda: client.get(list_url), repeat)),
        "detail_queries": _queries(client, detail_url),
        "detail_ms_p50": statistics.median(_timed_ms(lambda: client.get(detail_url), repeat)),
    }
    drafts = iter(_drafts(org, customers[0], repeat))
    finalized = []
    figures["finalize_ms_p50"] = statistics.median(_timed_ms(
        lambda: finalized.append(services.invoice_finalize(
            invoice=next(drafts), send_email=False, user=user)), repeat))
    figures["pdf_ms_p50"] = statistics.median(
        _timed_ms(lambda: render_invoice_pdf(finalized[-1]), repeat))
    figures["finalized_numbers"] = [finalized[0].number, finalized[-1].number]
    figures["repeat"] = repeat
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in figures.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", type=Path, help="write the figures to this file as well")
    args = parser.parse_args(argv)
    with bench_database("facturen_bench"):
        figures = measure(args.invoices, args.repeat)
    report(figures, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
