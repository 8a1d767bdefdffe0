"""Exactly once under two generation runs at the same time (two beat processes, or a beat
and the "make what is due now" button), on the real PostgreSQL: every period of every
template is invoiced once, and the database refuses a second row for a period."""

import datetime
import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction

from invoicing.models import SalesInvoice
from recurring import services
from recurring.models import Generation, Mode, RecurringTemplate
from tests.invoicing.factories import make_customer
from tests.recurring.factories import make_template

D = datetime.date
TODAY = D(2026, 4, 15)  # start 31 January, monthly: three periods due per template


def run_concurrently(*functions) -> list:
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(index, function):
        try:
            barrier.wait(timeout=30)
            results[index] = function()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_make_each_period_exactly_once(org_a):
    assert connection.vendor == "postgresql"
    customer = make_customer(org_a)
    templates = [make_template(org_a, customer=customer, name=f"T{i}",
                               start_date=D(2026, 1, 31)) for i in range(8)]
    # Two finalize at once too: their invoice numbers must stay gap-free under the race.
    for template in templates[:2]:
        template.mode = Mode.SEND
        template.save(update_fields=["mode"])
    made = run_concurrently(lambda: services.generate_due(today=TODAY, batch=5),
                            lambda: services.generate_due(today=TODAY, batch=5),
                            lambda: services.generate_for_template(
                                template_id=templates[0].pk, today=TODAY))
    assert sum(made) == 8 * 3
    rows = list(Generation.objects.values_list("template_id", "period"))
    assert len(rows) == len(set(rows)) == 24
    # The runs queued on the template's row lock: none collided into the unique constraint
    # (which would have rolled its attempt back and noted an error on the template).
    assert not RecurringTemplate.objects.exclude(last_error="").exists()
    for template in templates:
        dates = sorted(SalesInvoice.objects.filter(recurring_generation__template=template)
                       .values_list("issue_date", flat=True))
        assert dates == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31)]
    numbers = sorted(SalesInvoice.objects.exclude(number="").values_list("number", flat=True))
    assert numbers == [f"2026-{n:04d}" for n in range(1, 7)]
    assert services.generate_due(today=TODAY) == 0


@pytest.mark.django_db
def test_the_database_refuses_a_second_row_for_a_period(org_a):
    template = make_template(org_a, start_date=D(2026, 3, 1))
    services.generate_due(today=D(2026, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Generation.objects.create(organization=org_a, template=template, template_name="x",
                                  period=0, period_date=D(2026, 3, 1), frequency="monthly")


@pytest.mark.django_db(transaction=True)
def test_a_run_that_meets_a_run_in_progress_waits_and_then_makes_nothing(org_a):
    """Run A has invoiced period 0 but not committed yet; run B starts meanwhile. B waits on
    the template's row lock (not on the unique index, which would end in an error), then
    finds the period done."""
    template = make_template(org_a, start_date=D(2026, 3, 1))
    a_has_generated, b_started = threading.Event(), threading.Event()

    def run_a():
        with transaction.atomic():
            services.generate_next(template_id=template.pk, today=D(2026, 3, 1))
            a_has_generated.set()
            b_started.wait(timeout=30)
            time.sleep(0.5)  # B is now inside its run, queued on the lock
        return 1

    def run_b():
        a_has_generated.wait(timeout=30)
        b_started.set()
        return services.generate_due(today=D(2026, 3, 1))

    assert run_concurrently(run_a, run_b) == [1, 0]
    assert Generation.objects.filter(template=template).count() == 1
    template.refresh_from_db()
    assert template.last_error == "" and template.next_period == 1
