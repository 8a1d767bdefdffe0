"""Recurring invoices: N templates due on one morning, made by one generation run (the hourly
beat task's service), then a second run that must make nothing.

    python -m bench.recurring --templates 10000 --send 200 --json var/bench-recurring.json

Figures: wall time of the run, invoices made, queries per invoice (CaptureQueriesContext),
the second run's invoices and queries; and for ``--send`` templates in the "finalize and
email at once" mode (number, PDF, email queued) the same per invoice. Uses DATABASE_URL only
to reach the server: the run creates, migrates and finally drops ``facturen_bench_recurring``.
Templates are made with bulk_create (as template_save would leave them)."""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

from bench.database import bench_database, report

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/facturen")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

MORNING = datetime.date(2026, 3, 2)
BATCH = 2000


def _organization(name: str, kvk: str):
    from accounts.models import Organization
    from invoicing.models import Customer

    org = Organization.objects.create(
        name=name, address="Damrak 1", postcode="1012 LG", city="Amsterdam", kvk_number=kvk,
        vat_id="NL123456782B01", iban="NL91ABNA0417164300", email="facturen@bench.test",
    )
    customers = Customer.objects.bulk_create([
        Customer(organization=org, code=f"D{i:04d}", name=f"Klant {i}", address="Straat 1",
                 postcode="1234 AB", city="Utrecht", email=f"klant{i}@example.test")
        for i in range(1, 51)
    ])
    return org, customers


def _bulk_templates(org, customers, count: int, mode: str) -> None:
    """Monthly templates starting this morning: all due now, one period each."""
    from recurring.models import RecurringLine, RecurringTemplate

    for offset in range(0, count, BATCH):
        templates = RecurringTemplate.objects.bulk_create([
            RecurringTemplate(organization=org, name=f"Contract {i}",
                              customer=customers[i % len(customers)], frequency="monthly",
                              start_date=MORNING, next_date=MORNING, mode=mode,
                              note="Onderhoud {maand} {jaar}")
            for i in range(offset, min(offset + BATCH, count))
        ])
        RecurringLine.objects.bulk_create([
            RecurringLine(template=t, position=1, description="Onderhoud {maand} {jaar}",
                          quantity=Decimal(1), unit_price=Decimal("95.00"), vat_rate="21")
            for t in templates
        ])


class _QueryCounter:
    """Counts every query of the run (an execute_wrapper: CaptureQueriesContext keeps only
    the last 9,000, fewer than a 10,000-template run makes)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _run(organization) -> dict:
    from django.db import connection

    from recurring import services

    counter = _QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        made = services.generate_due(today=MORNING, organization=organization)
        wall = time.perf_counter() - started
    return {"made": made, "wall_s": round(wall, 2), "queries": counter.count,
            "queries_per_invoice": round(counter.count / made, 1) if made else None,
            "ms_per_invoice": round(wall * 1000 / made, 1) if made else None}


def _queries_of_one(organization) -> list[str]:
    """The next period of one template (a month later), its statements as
    CaptureQueriesContext sees them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from recurring import services
    from recurring.models import RecurringTemplate

    template = RecurringTemplate.objects.filter(organization=organization).first()
    with CaptureQueriesContext(connection) as captured:
        services.generate_for_template(template_id=template.pk, today=template.next_date)
    return [query["sql"].split(" WHERE ")[0][:90] for query in captured.captured_queries]


def measure(templates: int, send: int) -> dict:
    from invoicing.models import SalesInvoice
    from recurring.models import Generation

    org, customers = _organization("Bench B.V.", "12345678")
    started = time.perf_counter()
    _bulk_templates(org, customers, templates, "review")
    figures = {"templates": templates, "build_s": round(time.perf_counter() - started, 1),
               "draft_mode_first_run": _run(org), "draft_mode_second_run": _run(org)}
    if send:
        send_org, send_customers = _organization("Bench Send B.V.", "87654321")
        _bulk_templates(send_org, send_customers, send, "send")
        figures["send_templates"] = send
        figures["send_mode_first_run"] = _run(send_org)
        figures["send_mode_second_run"] = _run(send_org)
        figures["send_mode_finalized"] = SalesInvoice.objects.filter(
            organization=send_org).exclude(number="").count()
    figures["one_invoice_queries"] = _queries_of_one(org)
    figures["generation_rows"] = Generation.objects.count()
    figures["duplicate_periods"] = Generation.objects.count() - len(
        set(Generation.objects.values_list("template_id", "period")))
    figures["invoice_dates"] = sorted({str(d) for d in SalesInvoice.objects.values_list(
        "issue_date", flat=True)})  # the morning, and the one next period above
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=10_000)
    parser.add_argument("--send", type=int, default=200,
                        help="templates in the finalize-and-email mode (PDF each)")
    parser.add_argument("--json", type=Path, help="write the figures to this file as well")
    args = parser.parse_args(argv)
    with bench_database("facturen_bench_recurring") as settings:
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        figures = measure(args.templates, args.send)
    report(figures, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
