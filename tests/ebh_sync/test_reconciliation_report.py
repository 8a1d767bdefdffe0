"""Instellingen > Verbindingen > Controle: what we booked against what e-Boekhouden holds.

Against the real sandbox over HTTP (which, like e-Boekhouden as integrators report it, lets a
Factuurnummer or date filter search only the 500 newest mutations), plus a fake of GetMutaties
for what the sandbox refuses to hold (a second booking of one invoice number) and for a
service whose number windows do not reach older mutations."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from connections.services import connection_session
from ebh_sync import reconcile, reports
from ebh_sync.engine import drain_connection
from ebh_sync.models import ReconciliationReport, SyncEvent, SyncJob
from eboekhouden.client import (
    MutationData,
    MutationLine,
    MutationSummary,
    RelationData,
)
from invoicing import services as invoicing
from tests.invoicing.factories import line, make_draft

PERIOD = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
IN_PERIOD = datetime.date(2026, 3, 2)


def finalize(capture, organization, user, customer, *, booked=True, price="100.00"):
    """A sent invoice; booked by the sync (the task runs on commit) unless ``booked`` is
    False, when its job stays queued."""
    draft = make_draft(organization, customer=customer, issue_date=IN_PERIOD,
                       lines=[line("Schilderwerk", "1", price)])
    if not booked:
        return invoicing.invoice_finalize(invoice=draft, send_email=False, user=user)
    with capture(execute=True):
        return invoicing.invoice_finalize(invoice=draft, send_email=False, user=user)


def raw_book(linked, invoice_number: str, relation: str, net: str, *, count: int = 1) -> list:
    """Bookings made in e-Boekhouden by someone else (by hand, another program)."""
    with connection_session(connection=linked.connection) as (client, session):
        if not any(r["code"].casefold() == relation.casefold()
                   for r in linked.sandbox.relations(linked.guid)):
            client.add_relatie(session, RelationData(code=relation, name=f"Relatie {relation}"))
        numbers = []
        for index in range(count):
            amount = Decimal(net)
            numbers.append(client.add_mutatie(session, MutationData(
                kind="FactuurVerstuurd", date=IN_PERIOD, account="1300", relation_code=relation,
                invoice_number=invoice_number if count == 1 else f"{invoice_number}-{index}",
                description="Geboekt in e-Boekhouden", payment_term_days=14,
                lines=(MutationLine(amount, amount * Decimal("0.21"), amount * Decimal("1.21"),
                                    "HOOG_VERK_21", Decimal("21"), "8000"),),
            )))
        return numbers


def start(client, capture, **period):
    with capture(execute=True):
        return client.post(reverse("ebh_sync:reports"), {**PERIOD, **period})


def latest_report() -> ReconciliationReport:
    return ReconciliationReport.objects.latest("created_at")


def outcomes(report) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in report.rows:
        found.setdefault(row["outcome"], []).append(row["invoice_number"])
    return found


@pytest.mark.django_db
def test_matched_missing_not_ours_and_amount_differs(
    linked, org_a, user_a, customer, client_a, django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    matched = [finalize(capture, org_a, user_a, customer) for _ in range(2)]
    # Booked by hand first, with another amount: the sync finds it (CMUT019) and records it.
    differs = finalize(capture, org_a, user_a, customer, booked=False)
    raw_book(linked, differs.number, customer.code, "90.00")
    drain_connection(linked.connection.pk)
    assert SyncJob.objects.get(sales_invoice=differs).state == SyncJob.State.BOOKED
    # A job we recorded as booked under a number e-Boekhouden does not have.
    missing = finalize(capture, org_a, user_a, customer, booked=False)
    SyncJob.objects.filter(sales_invoice=missing).update(state=SyncJob.State.BOOKED,
                                                         mutation_number=9999)
    # Still queued here, yet booked in e-Boekhouden by someone else (in other letter case).
    foreign = finalize(capture, org_a, user_a, customer, booked=False)
    [foreign_number] = raw_book(linked, foreign.number.lower(), customer.code, "100.00")
    calls_before = linked.calls("GetMutaties")

    response = start(client_a, capture)

    report = latest_report()
    assert response.status_code == 302
    assert response.url == reverse("ebh_sync:report_detail", args=[report.pk])
    assert report.state == ReconciliationReport.State.DONE
    assert outcomes(report) == {
        "missing": [missing.number], "not_ours": [foreign.number],
        "amount": [differs.number], "matched": [m.number for m in matched],
    }
    assert report.counts["matched"] == 2 and report.problem_count == 3
    amount = next(r for r in report.rows if r["outcome"] == "amount")
    assert (amount["our_total"], amount["ebh_total"]) == ("121.00", "108.90")
    not_ours = next(r for r in report.rows if r["outcome"] == "not_ours")
    assert not_ours["ebh_number"] == foreign_number and not_ours["our_number"] is None
    # Fewer than 500 mutations: one call reads them all, and the report counted it.
    assert report.calls == 1 == linked.calls("GetMutaties") - calls_before

    page = client_a.get(reverse("ebh_sync:report_detail", args=[report.pk]))
    assert page.status_code == 200
    for invoice in (missing, foreign, differs, *matched):
        assert invoice.number in page.text
    progress = client_a.get(reverse("ebh_sync:report_progress", args=[report.pk])).json()
    assert progress["finished"] and progress["percent"] == 100 and progress["calls"] == 1


@pytest.mark.django_db
def test_csv_download_has_one_line_per_row_with_machine_readable_amounts(
    linked, org_a, user_a, customer, client_a, django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    invoice = finalize(capture, org_a, user_a, customer, price="1234.00")
    start(client_a, capture)
    report = latest_report()

    response = client_a.get(reverse("ebh_sync:report_csv", args=[report.pk]))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert len(header) == len(rows[0]) and len(rows) == 1
    job = SyncJob.objects.get(sales_invoice=invoice)
    assert rows[0][2:9] == [invoice.number, customer.code, "2026-03-02",
                            str(job.mutation_number), "1493.14", str(job.mutation_number),
                            "1493.14"]


@pytest.mark.django_db
def test_our_bookings_behind_600_newer_mutations_are_found_by_number_windows(
    linked, org_a, user_a, customer, client_a, django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    ours = [finalize(capture, org_a, user_a, customer) for _ in range(2)]
    foreign = finalize(capture, org_a, user_a, customer, booked=False)
    [foreign_number] = raw_book(linked, foreign.number, customer.code, "100.00")
    raw_book(linked, "ANDER", "ANDER", "10.00", count=600)
    with connection_session(connection=linked.connection) as (client, session):
        # What the cap does: looked up by invoice number, our booking is not to be found.
        assert client.get_mutaties(session, invoice_number=ours[0].number,
                                   date_from=IN_PERIOD, date_to=IN_PERIOD) == []
    calls_before = linked.calls("GetMutaties")

    start(client_a, capture)

    report = latest_report()
    assert outcomes(report) == {"matched": [o.number for o in ours],
                                "not_ours": [foreign.number]}
    assert next(r for r in report.rows if r["outcome"] == "not_ours")["ebh_number"] == (
        foreign_number)
    # The newest 500, then one window of numbers below them.
    assert report.calls == 2 == linked.calls("GetMutaties") - calls_before
    assert report.planned_calls == 1  # estimated from our own numbers: the others were unknown


def refusal(response, connection) -> reports.Budget:
    """The page's error message, and the budget it was built from."""
    [message] = list(response.context["messages"])
    assert message.level_tag == "error"
    budget = reports.budget_for(connection=connection, date_from=datetime.date(2026, 3, 1),
                                date_to=datetime.date(2026, 3, 31))
    assert str(message) == reports.BudgetExceeded(budget).user_message
    return budget


@pytest.mark.django_db
def test_refused_when_the_month_has_too_few_look_ups_left(
    linked, org_a, user_a, customer, client_a, django_capture_on_commit_callbacks, settings,
):
    settings.EBH_GETMUTATIES_MONTHLY_LIMIT, settings.EBH_RECONCILE_BUDGET_SHARE = 10, "0.5"
    capture = django_capture_on_commit_callbacks
    invoice = finalize(capture, org_a, user_a, customer)
    job = SyncJob.objects.get(sales_invoice=invoice)
    # The sync's look-ups after an ambiguous failure count: 9 of the 10 this month.
    SyncEvent.objects.bulk_create(SyncEvent(job=job, action="reconciled") for _ in range(9))
    start(client_a, capture)
    assert latest_report().calls == 1  # now all 10 are used
    calls_before = linked.calls("GetMutaties")

    response = start(client_a, capture)

    assert response.status_code == 200
    assert ReconciliationReport.objects.count() == 1
    assert linked.calls("GetMutaties") == calls_before
    assert refusal(response, linked.connection) == reports.Budget(needed=1, allowed=5, left=0)


@pytest.mark.django_db
def test_refused_when_it_needs_more_than_its_share_of_the_month(
    linked, org_a, user_a, customer, client_a, django_capture_on_commit_callbacks, settings,
):
    settings.EBH_GETMUTATIES_MONTHLY_LIMIT, settings.EBH_RECONCILE_BUDGET_SHARE = 20, "0.2"
    capture = django_capture_on_commit_callbacks
    first, later = (finalize(capture, org_a, user_a, customer, booked=False) for _ in range(2))
    # Our lowest number in March is 1, and we booked up to 5000 since: 1 + 9 windows.
    SyncJob.objects.filter(sales_invoice=first).update(state=SyncJob.State.BOOKED,
                                                       mutation_number=1)
    SyncJob.objects.filter(sales_invoice=later).update(
        state=SyncJob.State.BOOKED, mutation_number=5000, invoice_date=datetime.date(2026, 5, 1))

    response = start(client_a, capture)

    assert ReconciliationReport.objects.count() == 0
    assert linked.calls("GetMutaties") == 0
    assert refusal(response, linked.connection) == reports.Budget(needed=10, allowed=4, left=20)


@pytest.mark.django_db
def test_a_report_whose_task_was_lost_stops_holding_the_budget_after_an_hour(
    linked, org_a, user_a, customer, client_a, django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    finalize(capture, org_a, user_a, customer)
    lost = ReconciliationReport.objects.create(
        organization=org_a, connection=linked.connection, date_from=IN_PERIOD,
        date_to=IN_PERIOD, call_limit=5000)
    assert reports.calls_left_this_month(linked.connection) == 0
    ReconciliationReport.objects.filter(pk=lost.pk).update(
        created_at=lost.created_at - datetime.timedelta(hours=2))

    start(client_a, capture)

    lost.refresh_from_db()
    assert lost.state == ReconciliationReport.State.FAILED and lost.calls == 0
    assert latest_report().state == ReconciliationReport.State.DONE


# --- the paging and the comparison, against a fake of GetMutaties ----------------------------


class FakeMutaties:
    """GetMutaties over a list of mutations: the newest ``cap`` of a number window, or, without
    a window, of the whole administration (``windows_reach_older`` False: windows see only
    the newest ``cap`` too, the strictest reading)."""

    def __init__(self, mutations, *, cap=500, windows_reach_older=True):
        self.mutations = sorted(mutations, key=lambda m: m.number)
        self.cap, self.windows_reach_older, self.calls = cap, windows_reach_older, []

    def __call__(self, number_from: int, number_to: int) -> list[MutationSummary]:
        self.calls.append((number_from, number_to))
        rows = self.mutations[-self.cap:]
        if number_from and self.windows_reach_older:
            rows = [m for m in self.mutations if number_from <= m.number <= number_to]
        elif number_from:
            rows = [m for m in rows if number_from <= m.number <= number_to]
        return rows[-self.cap:]


def mutation(number, invoice="", relation="K1", total="121.00", kind="FactuurVerstuurd"):
    return MutationSummary(number=number, kind=kind, date=IN_PERIOD, relation_code=relation,
                           invoice_number=invoice or f"X{number}", gross_total=Decimal(total))


def expected(number, invoice, relation="K1", total="121.00", kind="FactuurVerstuurd"):
    return reconcile.Expected(job_id=number or 0, kind=kind, invoice_number=invoice,
                              relation_code=relation, date=IN_PERIOD, total=Decimal(total),
                              number=number)


def check(mutations, ours, **fake):
    fetch = FakeMutaties(mutations, **fake)
    lowest = min((e.number for e in ours if e.number), default=None)
    scan = reconcile.read_mutations(fetch, lowest=lowest, max_calls=100)
    return {(r["outcome"], r["invoice_number"], r["ebh_number"])
            for r in reconcile.compare(ours, scan)}, fetch.calls


def test_a_second_booking_of_our_invoice_is_booked_twice_whatever_the_letter_case():
    rows, _calls = check(
        [mutation(1, "F-1"), mutation(2, "f-1", relation="k1"), mutation(3, "F-1", "K2"),
         mutation(4, "F-1", kind="FactuurbetalingOntvangen")],  # a payment is no booking
        [expected(1, "F-1")],
    )
    assert rows == {("matched", "F-1", 1), ("twice", "F-1", 2), ("not_ours", "F-1", 3)}


def test_purchase_numbers_are_compared_per_supplier():
    purchase = "FactuurOntvangen"
    rows, _calls = check(
        [mutation(1, "2026-1", "L1", kind=purchase), mutation(2, "2026-1", "L2", kind=purchase),
         mutation(3, "2026-1", "L1", kind=purchase)],
        [expected(1, "2026-1", "L1", kind=purchase), expected(None, "2026-1", "L2",
                                                              kind=purchase)],
    )
    assert rows == {("matched", "2026-1", 1), ("not_ours", "2026-1", 2), ("twice", "2026-1", 3)}


def test_windows_of_500_numbers_from_our_lowest_number_up_to_the_newest_500():
    others = [mutation(n) for n in range(1, 2301)]
    ours = [expected(120, "X120"), expected(1900, "X1900")]
    rows, calls = check(others, ours)
    assert rows == {("matched", "X120", 120), ("matched", "X1900", 1900)}
    # The newest 500 (1801..2300), then 120..619, 620..1119, 1120..1619, 1620..1800.
    assert calls == [(0, 0), (120, 619), (620, 1119), (1120, 1619), (1620, 1800)]
    assert reconcile.estimate_calls(lowest=120, highest=2300) == len(calls)


def test_an_empty_answer_the_cap_explains_is_not_reported_missing():
    others = [mutation(n) for n in range(1, 1201)]
    ours = [expected(10, "X10"), expected(20, "X20"), expected(1150, "X1150"),
            expected(1160, "Gone")]
    rows, _calls = check(others, ours, windows_reach_older=False)
    # 10 and 20 lie below the newest 500, which is all this service shows: not "missing".
    assert rows == {("not_shown", "X10", None), ("not_shown", "X20", None),
                    ("matched", "X1150", 1150), ("missing", "Gone", 1160)}


def test_nothing_shown_at_all_reports_nothing_missing():
    rows, calls = check([], [expected(5, "F-5")])
    assert rows == {("not_shown", "F-5", None)} and calls == [(0, 0)]


def test_the_call_limit_leaves_the_rest_unread_and_says_so():
    fetch = FakeMutaties([mutation(n) for n in range(1, 3001)])
    scan = reconcile.read_mutations(fetch, lowest=1, max_calls=3)
    assert scan.calls == 3 and scan.unread == (1001, 2500)
    assert "1001" in " ".join(reconcile._notes(scan))
