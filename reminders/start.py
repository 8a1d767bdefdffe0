"""The start page's step for reminders: switched off (an organization that existed before
reminders arrived, or an owner who turned them off) asks to be switched on."""

from django.urls import reverse
from django.utils.translation import gettext as _

from invoicing.extensions import StartItem
from reminders.models import ReminderSchedule


def start_items(organization) -> list[StartItem]:
    active = ReminderSchedule.objects.filter(organization=organization).values_list(
        "active", flat=True).first()
    return [StartItem("step", _("Switch on payment reminders"), reverse("reminders:schedule"),
                      _("Set up"), done=active is not False)]
