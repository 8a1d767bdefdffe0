import pytest

from invoicing import demo as invoicing_demo
from reminders import demo
from reminders.models import ReminderSchedule, SentReminder


@pytest.mark.django_db
def test_demo_schedule_and_one_reminded_invoice_safe_to_run_twice(org_a):
    invoicing_demo.load(org_a)
    assert "got its first reminder" in demo.load(org_a)
    assert demo.load(org_a) == "already there"
    assert ReminderSchedule.objects.get(organization=org_a).collection_costs
    reminder = SentReminder.objects.get()
    assert reminder.position == 1 and reminder.to == "j.jansen@example.test"
