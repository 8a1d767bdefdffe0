"""A finalize killed (SIGKILL) inside its transaction leaves a clean draft: no number used,
no sync job; the next finalize takes that same number and writes its one job.

The finalize runs in a process of its own. The test stops it at the last statement of its
transaction without touching our code: the test's own transaction has inserted a sync job row
for the same invoice and not committed it, so the finalize's INSERT of its job waits on the
unique index until the test's transaction ends. By then the finalize has taken its number (it
holds the number counter's row lock), rendered the PDF and saved the invoice. (A lock that
only a foreign key check needs is no good: those checks are deferred to COMMIT, and a
finalize killed while its COMMIT waits has committed once the lock is gone.)
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest
from django.db import connection as db_connection
from django.db import transaction

from connections.models import Connection
from ebh_sync.models import SyncJob
from invoicing import services as invoicing
from invoicing.models import NumberCounter, SalesInvoice
from tests.invoicing.factories import make_draft

ROOT = Path(__file__).resolve().parents[2]
FINALIZE = """
import sys

import django

django.setup()
from accounts.models import User
from invoicing.models import SalesInvoice
from invoicing.services import invoice_finalize

invoice_finalize(invoice=SalesInvoice.objects.get(pk=int(sys.argv[1])), send_email=False,
                 user=User.objects.get(pk=int(sys.argv[2])))
"""


def _database_url() -> str:
    database = db_connection.settings_dict
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return (f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}")


def _connect():
    connection = psycopg2.connect(_database_url())
    connection.autocommit = False
    return connection


@contextmanager
def _job_being_written(invoice: SalesInvoice, connection: Connection):
    """The test's own transaction holding an uncommitted sync job for the invoice; yields
    that session's PostgreSQL pid. Rolled back at the end."""
    with transaction.atomic():
        SyncJob.objects.create(organization=invoice.organization, connection=connection,
                               kind=SyncJob.Kind.SALES_INVOICE, sales_invoice=invoice,
                               invoice_number="held by the test",
                               invoice_date=invoice.issue_date)
        with db_connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            yield cursor.fetchone()[0]
        transaction.set_rollback(True)


def _finalize_elsewhere(invoice: SalesInvoice, user, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": _database_url(), "MEDIA_ROOT": str(log.parent / "media")}
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-c", FINALIZE, str(invoice.pk), str(user.pk)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )


def _query(sql: str, params: tuple) -> list:
    probe = _connect()
    try:
        with probe.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        probe.rollback()
        probe.close()


def _waiting_on(pid: int) -> list[int]:
    """The sessions that wait for a lock the session ``pid`` holds."""
    rows = _query("SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                  (pid,))
    return [pid for (pid,) in rows]


def _counter_taken(organization) -> bool:
    """True while another transaction holds the organization's invoice number counter."""
    try:
        _query(f"SELECT id FROM {NumberCounter._meta.db_table} "  # noqa: S608 - a table name
               "WHERE organization_id = %s AND series = 'invoice' FOR UPDATE NOWAIT",
               (organization.pk,))
    except psycopg2.errors.LockNotAvailable:
        return True
    return False


def _next_number(organization) -> int:
    return NumberCounter.objects.get(organization=organization, series="invoice").next_value


def _wait(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.1)
    return condition()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_finalize_killed_inside_its_transaction_leaves_a_clean_draft(
    linked, org_a, user_a, customer, tmp_path
):
    first = invoicing.invoice_finalize(invoice=make_draft(org_a, customer=customer),
                                       send_email=False, user=user_a)
    assert first.number_sequence == 1
    draft = make_draft(org_a, customer=customer)
    log = tmp_path / "finalize.log"
    with _job_being_written(draft, linked.connection) as holder:
        finalize = _finalize_elsewhere(draft, user_a, log)
        try:
            waiting = _wait(lambda: _waiting_on(holder), 120)
            assert waiting, f"the finalize never reached its sync job:\n{log.read_text()}"
            assert _counter_taken(org_a), "the waiting finalize holds no invoice number"
            finalize.send_signal(signal.SIGKILL)
            finalize.wait(10)
        finally:
            if finalize.poll() is None:
                finalize.kill()
                finalize.wait(10)
    # The test's job row is gone: the killed session's INSERT goes on, and its transaction
    # ends rolled back (nobody is left to commit it), the session with it.
    assert _wait(lambda: not _query("SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s)",
                                    (waiting,)), 60)

    invoice = SalesInvoice.objects.get(pk=draft.pk)
    assert invoice.is_draft
    assert invoice.number == "" and invoice.number_sequence is None
    assert not SyncJob.objects.filter(sales_invoice=invoice).exists()
    assert _next_number(org_a) == 2

    # Finalizing again works, under the number the killed finalize had taken.
    final = invoicing.invoice_finalize(invoice=invoice, send_email=False, user=user_a)
    assert final.number_sequence == 2
    assert list(SyncJob.objects.filter(sales_invoice=final)
                .values_list("invoice_number", flat=True)) == [final.number]
    assert _next_number(org_a) == 3
