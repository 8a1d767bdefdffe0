"""Reconciliation reports (Instellingen > Verbindingen > Controle): the look-up budget, the
start, and what the page and the CSV show. The reading and comparing is ebh_sync.reconcile.

e-Boekhouden allows 5,000 GetMutaties calls per administration per month (then E003.1), and
the sync needs some of them to settle bookings in doubt. So a report announces how many calls
it needs and refuses to start when that is more than its share of the month
(EBH_RECONCILE_BUDGET_SHARE of EBH_GETMUTATIES_MONTHLY_LIMIT) or more than is left. What is
used this month is counted on our side: the sync's look-ups (SyncEvent "reconciled" of
bookings) and the calls of this month's reports."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from connections.models import Connection
from ebh_sync import reconcile
from ebh_sync.models import ReconciliationReport, SyncEvent, SyncJob
from ebh_sync.tasks import reconcile_report_task

ACTIVE = (ReconciliationReport.State.QUEUED, ReconciliationReport.State.RUNNING)
STALE_AFTER = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Budget:
    needed: int  # calls this report needs (estimated)
    allowed: int  # calls one report may use
    left: int  # calls left this month

    @property
    def enough(self) -> bool:
        return self.needed <= min(self.allowed, self.left)


class BudgetExceeded(Exception):
    def __init__(self, budget: Budget) -> None:
        super().__init__(budget)
        self.budget = budget

    @property
    def user_message(self) -> str:
        return ngettext(
            "This check needs %(needed)s look-up in e-Boekhouden.nl, and one check may use at "
            "most %(allowed)s; %(left)s of the %(limit)s look-ups of this month are left. "
            "Choose a shorter or more recent period.",
            "This check needs %(needed)s look-ups in e-Boekhouden.nl, and one check may use at "
            "most %(allowed)s; %(left)s of the %(limit)s look-ups of this month are left. "
            "Choose a shorter or more recent period.",
            self.budget.needed,
        ) % {"needed": self.budget.needed, "allowed": self.budget.allowed,
             "left": self.budget.left, "limit": settings.EBH_GETMUTATIES_MONTHLY_LIMIT}


def _month_start() -> datetime.datetime:
    # e-Boekhouden counts per calendar month; ours is the Dutch one (TIME_ZONE).
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime(today.year, today.month, 1))


def calls_used_this_month(connection: Connection) -> int:
    """Our own GetMutaties calls this month: the sync's look-ups and this month's reports
    (a report not finished yet counts with what it may still use)."""
    since = _month_start()
    lookups = SyncEvent.objects.filter(
        job__connection=connection, action__in=SyncEvent.LOOKUP_ACTIONS, at__gte=since,
    ).exclude(job__kind=SyncJob.Kind.WORK_ORDER_INVOICE).count()  # those ask GetFacturen
    reports = ReconciliationReport.objects.filter(connection=connection, created_at__gte=since)
    done = reports.exclude(state__in=ACTIVE).aggregate(total=Sum("calls"))["total"] or 0
    active = reports.filter(state__in=ACTIVE).aggregate(total=Sum("call_limit"))["total"] or 0
    return lookups + done + active


def calls_left_this_month(connection: Connection) -> int:
    return settings.EBH_GETMUTATIES_MONTHLY_LIMIT - calls_used_this_month(connection)


def allowed_per_report() -> int:
    share = Decimal(str(settings.EBH_RECONCILE_BUDGET_SHARE))
    limit = Decimal(settings.EBH_GETMUTATIES_MONTHLY_LIMIT)
    return int((share * limit).to_integral_value(rounding=ROUND_DOWN))


def budget_for(*, connection: Connection, date_from: datetime.date,
               date_to: datetime.date) -> Budget:
    lowest, highest = reconcile.our_number_range(connection, date_from, date_to)
    return Budget(needed=reconcile.estimate_calls(lowest=lowest, highest=highest),
                  allowed=allowed_per_report(), left=max(calls_left_this_month(connection), 0))


@transaction.atomic
def report_start(*, connection: Connection, date_from: datetime.date, date_to: datetime.date,
                 user=None) -> ReconciliationReport:
    """Queue a check of the period, or raise BudgetExceeded (nothing is queued then)."""
    Connection.objects.select_for_update().get(pk=connection.pk)  # one budget check at a time
    # A report whose task was lost would hold its share of the month for ever.
    ReconciliationReport.objects.filter(
        connection=connection, state__in=ACTIVE, created_at__lt=timezone.now() - STALE_AFTER,
    ).update(state=ReconciliationReport.State.FAILED, finished_at=timezone.now(),
             error=_("The check did not finish. Start it again."))
    budget = budget_for(connection=connection, date_from=date_from, date_to=date_to)
    if not budget.enough:
        raise BudgetExceeded(budget)
    report = ReconciliationReport.objects.create(
        organization=connection.organization, connection=connection, created_by=user,
        date_from=date_from, date_to=date_to, planned_calls=budget.needed,
        call_limit=min(budget.allowed, budget.left),
    )
    reconcile_report_task.delay_on_commit(report.pk)
    return report


def report_progress(report: ReconciliationReport) -> dict:
    """What the progress bar shows (static/js/ebh_sync.js polls it)."""
    return {
        "state": report.get_state_display(), "finished": report.finished,
        "percent": 100 if report.finished else report.percent, "calls": report.calls,
        "planned": report.planned_calls,
        "failed": 1 if report.state == ReconciliationReport.State.FAILED else 0,
    }


def outcome_counts(report: ReconciliationReport) -> list[tuple[str, str, int]]:
    """(outcome, label, count) in the report's order."""
    return [(key, str(label), report.counts.get(key, 0))
            for key, label in reconcile.OUTCOMES.items()]


def kind_label(kind: str) -> str:
    return _("Sales invoice") if kind == reconcile.SALES_KIND else _("Purchase invoice")


def display_rows(report: ReconciliationReport) -> list[dict]:
    labels = dict(reconcile.OUTCOMES)
    return [{**row, "outcome_label": str(labels[row["outcome"]]),
             "problem": row["outcome"] in reconcile.PROBLEMS,
             "kind_label": kind_label(row["kind"])} for row in report.rows]


CSV_COLUMNS = (
    ("outcome_label", gettext_lazy("Outcome")), ("kind_label", gettext_lazy("Kind")),
    ("invoice_number", gettext_lazy("Invoice number")),
    ("relation_code", gettext_lazy("Our relation code")), ("date", gettext_lazy("Invoice date")),
    ("our_number", gettext_lazy("Our mutation number")),
    ("our_total", gettext_lazy("Our total incl. VAT")),
    ("ebh_number", gettext_lazy("Mutation number in e-Boekhouden")),
    ("ebh_total", gettext_lazy("Total incl. VAT in e-Boekhouden")),
    ("ebh_invoice_number", gettext_lazy("Invoice number in e-Boekhouden")),
    ("ebh_relation_code", gettext_lazy("Relation code in e-Boekhouden")),
)


def report_csv(report: ReconciliationReport) -> str:
    """The rows as CSV: headers in the user's language, amounts with a decimal point and
    dates as YYYY-MM-DD, so that any program reads them the same."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([str(title) for _key, title in CSV_COLUMNS])
    for row in display_rows(report):
        writer.writerow(["" if row.get(key) is None else row.get(key) for key, _t in CSV_COLUMNS])
    return out.getvalue()
