"""Telling the owners that bookings stopped: an email per cause at most once a day, in each
owner's language, with a link to the page where they fix it. The sync calls this too (for
failing bookings); connections itself when the connection needs action."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from connections.models import OwnerNotice
from connections.tasks import send_owner_notice_task

QUIET_PERIOD = datetime.timedelta(days=1)


@transaction.atomic
def owners_notify(*, organization, cause: str, path: str) -> bool:
    """Email the owners about ``cause`` (an OwnerNotice.Cause), linking to ``path``, unless
    they were told about it less than a day ago. True when an email goes out."""
    OwnerNotice.objects.get_or_create(
        organization=organization, cause=cause,
        defaults={"last_sent_at": timezone.now() - 2 * QUIET_PERIOD},
    )
    notice = OwnerNotice.objects.select_for_update().get(organization=organization, cause=cause)
    if timezone.now() - notice.last_sent_at < QUIET_PERIOD:
        return False
    notice.last_sent_at = timezone.now()
    notice.save(update_fields=["last_sent_at"])
    send_owner_notice_task.delay_on_commit(organization.pk, cause, path)
    return True
