"""Organizations that existed before reminders arrived start with them switched off (their
customers get no letter nobody chose); the start page asks to switch them on."""

import importlib

import pytest
from django.apps import apps
from django.core import mail

from reminders import services
from reminders.models import ReminderSchedule
from reminders.start import start_items
from tests.reminders.factories import overdue

MIGRATION = importlib.import_module(
    "reminders.migrations.0002_i14_off_for_existing_organizations")


@pytest.mark.django_db
def test_an_existing_organization_gets_the_default_steps_switched_off(
        org_a, user_a, django_capture_on_commit_callbacks):
    overdue(org_a, user_a, days=8)
    MIGRATION.off_for_existing_organizations(apps, None)
    schedule = ReminderSchedule.objects.get(organization=org_a)
    assert not schedule.active
    assert [step.days_after_due for step in schedule.steps.order_by("position")] == [7, 21, 35]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders() == 0
    assert not mail.outbox
    [step] = start_items(org_a)
    assert not step.done and step.url == "/settings/reminders/"


@pytest.mark.django_db
def test_a_new_organization_has_them_on_and_no_step_to_take(org_a, user_a):
    assert start_items(org_a) == []
    services.schedule_get(organization=org_a)
    assert ReminderSchedule.objects.get(organization=org_a).active
    assert start_items(org_a) == []
