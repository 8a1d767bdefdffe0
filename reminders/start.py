"""The start page's step for reminders, shown only while they are switched off (an
organization that existed before reminders arrived, or an owner who turned them off)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from invoicing.extensions import StartItem
from reminders.models import ReminderSchedule


def start_items(organization) -> list[StartItem]:
    if not ReminderSchedule.objects.filter(organization=organization, active=False).exists():
        return []
    return [StartItem("step", _("Switch on payment reminders"), reverse("reminders:schedule"),
                      _("Set up"))]
