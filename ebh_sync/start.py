"""What the accounting link adds to the start page (registered with invoicing.extensions):
the first step "connect", bookings waiting and failed, and what the imports on connect brought
in. A fixed number of queries, whatever the number of invoices."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from connections.models import Connection
from ebh_sync.models import ImportRun, SyncJob
from invoicing.extensions import StartItem

WAITING = [SyncJob.State.PENDING, SyncJob.State.SENDING, SyncJob.State.PAUSED]
# An import on connect is announced for a week: long enough to be seen after connecting.
NOTICE_PERIOD = timedelta(days=7)


def start_page_items(organization) -> list[StartItem]:
    connection = Connection.objects.for_organization(organization).first()
    linked = connection is not None and connection.is_connected and connection.is_configured
    items = [StartItem("step", _("Connect e-Boekhouden.nl"), reverse("connections:overview"),
                       _("Connect"), done=linked)]
    if connection is None or not connection.is_connected:
        return items
    return [*items, *_booking_counts(organization), *import_notices(organization)]


def _booking_counts(organization) -> list[StartItem]:
    jobs = SyncJob.objects.for_organization(organization)
    waiting = jobs.filter(state__in=WAITING).count()
    failed = jobs.needing_attention().count()
    return [
        StartItem("count", _("Waiting to be booked"), reverse("connections:overview"),
                  _("in e-Boekhouden.nl"), count=waiting, tone="warning"),
        StartItem("count", _("Failed bookings"), reverse("ebh_sync:errors"),
                  _("Error messages"), count=failed, tone="danger"),
    ]


def import_notices(organization) -> list[StartItem]:
    """One notice per kind for the latest import on connect of the past week."""
    runs = ImportRun.objects.for_organization(organization).filter(
        trigger=ImportRun.Trigger.CONNECT, created_at__gte=timezone.now() - NOTICE_PERIOD,
    ).order_by("-created_at", "-id")[:10]
    latest: dict[str, ImportRun] = {}
    for run in runs:
        latest.setdefault(run.kind, run)
    kinds = (ImportRun.Kind.RELATIONS, ImportRun.Kind.ARTICLES)
    notices = [_notice(latest[kind]) for kind in kinds if kind in latest]
    return [notice for notice in notices if notice is not None]


def _notice(run: ImportRun) -> StartItem | None:
    if not run.finished:
        return StartItem("notice", _running_text(run), reverse("ebh_sync:import_detail",
                                                                 args=[run.pk]), _("Show"))
    count = run.created + run.updated
    if run.state != ImportRun.State.DONE or not count:
        return None
    if run.kind == ImportRun.Kind.ARTICLES:
        text = ngettext("%(count)s article taken over from e-Boekhouden",
                        "%(count)s articles taken over from e-Boekhouden", count)
        return StartItem("notice", text % {"count": count}, reverse("invoicing:product_list"),
                         _("Show the products"))
    text = ngettext("%(count)s relation taken over from e-Boekhouden",
                    "%(count)s relations taken over from e-Boekhouden", count)
    return StartItem("notice", text % {"count": count}, reverse("invoicing:customer_list"),
                     _("Show the customers"))


def _running_text(run: ImportRun) -> str:
    if run.kind == ImportRun.Kind.ARTICLES:
        return _("Articles are being fetched from e-Boekhouden…")
    return _("Relations are being fetched from e-Boekhouden…")
