"""The day and week planning: which dates a request asks for, and the work orders of those
dates grouped per assignee. Read-only helpers for the views."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from workorders.models import WorkOrder

EARLIEST = datetime.date(2000, 1, 3)  # a Monday: weeks stay inside the business dates
LATEST = datetime.date(2049, 12, 31)


def parse_day(value: str | None) -> datetime.date:
    """?date=YYYY-MM-DD, or today for anything missing, malformed or out of range."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return timezone.localdate()
    return day if EARLIEST <= day <= LATEST else timezone.localdate()


def parse_week(value: str | None) -> datetime.date:
    """?week=YYYY-Www (ISO week, as <input type=week> sends it): that week's Monday."""
    try:
        year, week = (value or "").upper().split("-W")
        monday = datetime.date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        monday = None
    if monday is None or not EARLIEST <= monday <= LATEST:
        today = timezone.localdate()
        monday = today - datetime.timedelta(days=today.weekday())
    return monday


def week_value(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class AssigneeRow:
    """One person's (or nobody's) work orders, per day of the period shown."""

    label: str
    user_id: int | None
    first: datetime.date | None = None
    days: list[list[WorkOrder]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(day) for day in self.days)

    @property
    def cells(self) -> list[tuple[datetime.date, list[WorkOrder]]]:
        """(date, work orders) per day: a phone shows each cell under its own date."""
        return [(self.first + datetime.timedelta(days=index), day)
                for index, day in enumerate(self.days)]


def _assignees(organization) -> list[AssigneeRow]:
    memberships = (Membership.objects.filter(organization=organization).select_related("user")
                   .order_by("user__full_name", "user__email"))
    return [AssigneeRow(label=m.user.get_full_name(), user_id=m.user_id) for m in memberships]


def planning_rows(organization, first: datetime.date, days: int) -> list[AssigneeRow]:
    """Rows per member (plus "Not assigned" when needed), each with one list per day."""
    rows = _assignees(organization)
    unassigned = AssigneeRow(label=_("Not assigned"), user_id=None)
    by_user = {row.user_id: row for row in rows}
    for row in [*rows, unassigned]:
        row.first, row.days = first, [[] for _day in range(days)]
    last = first + datetime.timedelta(days=days - 1)
    work_orders = (WorkOrder.objects.for_organization(organization)
                   .planned_between(first, last).select_related("customer", "assigned_to"))
    for work_order in work_orders:
        row = by_user.get(work_order.assigned_to_id, unassigned)
        if work_order.assigned_to_id and row is unassigned:
            # Assigned to someone who has left the organization since: still their own row.
            row = AssigneeRow(label=work_order.assigned_to.get_full_name(),
                              user_id=work_order.assigned_to_id, first=first,
                              days=[[] for _day in range(days)])
            rows.append(row)
            by_user[row.user_id] = row
        row.days[(work_order.planned_date - first).days].append(work_order)
    if unassigned.count:
        rows.append(unassigned)
    return rows
