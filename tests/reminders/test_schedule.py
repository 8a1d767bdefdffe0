"""The organization's reminder schedule: defaults on first use, editing with placeholder
checks and a preview, the statutory collection costs rule on the page."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from reminders import services
from reminders.models import ReminderSchedule, ReminderStep

URL = "/settings/reminders/"


def _post_data(schedule, **changes) -> dict:
    data = {"schedule-active": "on", "steps-TOTAL_FORMS": "3", "steps-INITIAL_FORMS": "3",
            "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000"}
    for index, step in enumerate(schedule.steps.order_by("position")):
        data |= {f"steps-{index}-id": str(step.pk), f"steps-{index}-enabled": "on",
                 f"steps-{index}-days_after_due": str(step.days_after_due)}
        for name in ("subject_nl", "body_nl", "subject_en", "body_en"):
            data[f"steps-{index}-{name}"] = getattr(step, name)
    return data | changes


@pytest.mark.django_db
def test_default_schedule_made_once_on_first_use(org_a):
    schedule = services.schedule_get(organization=org_a)
    assert services.schedule_get(organization=org_a) == schedule
    steps = services.steps_of(schedule)
    assert [s.days_after_due for s in steps] == [7, 21, 35]
    assert all(s.enabled for s in steps) and schedule.active and not schedule.collection_costs
    assert steps[0].subject_nl.startswith("Herinnering") and "{amount_open}" in steps[0].body_en
    assert steps[-1].subject_nl.startswith("Aanmaning")
    assert ReminderSchedule.objects.count() == 1 and ReminderStep.objects.count() == 3


@pytest.mark.django_db
def test_settings_page_is_in_settings_and_shows_the_rule(client_a, org_a, english):
    assert reverse("reminders:schedule") == URL
    page = client_a.get(URL).content.decode()
    assert 'aria-current="page">Payment reminders' in page
    assert "Besluit vergoeding voor buitengerechtelijke incassokosten" in page
    assert "minimum of €40" in page and "Only towards consumers" in page
    assert "14 days after receiving it" in page
    assert "Preview with an example invoice" in page and "Sam de Vries" in page


@pytest.mark.django_db
def test_editing_days_switch_and_texts(client_a, org_a):
    schedule = services.schedule_get(organization=org_a)
    data = _post_data(schedule, **{
        "steps-0-days_after_due": "3", "steps-1-enabled": "",
        "steps-0-subject_en": "Invoice {number}: {amount_open} open",
        "schedule-collection_costs": "on"})
    response = client_a.post(URL, data)
    assert response.status_code == 302
    steps = services.steps_of(schedule)
    assert steps[0].days_after_due == 3 and steps[0].subject_en.endswith("{amount_open} open")
    assert not steps[1].enabled and steps[2].enabled
    schedule.refresh_from_db()
    assert schedule.collection_costs


@pytest.mark.django_db
def test_unknown_placeholder_is_a_clear_error_and_nothing_is_saved(client_a, org_a, english):
    schedule = services.schedule_get(organization=org_a)
    data = _post_data(schedule, **{"steps-0-days_after_due": "4",
                                   "steps-2-body_nl": "Betaal {bedrag} vandaag"})
    page = client_a.post(URL, data).content.decode()
    assert "Unknown placeholder {bedrag}" in page and "{amount_open}" in page
    assert services.steps_of(schedule)[0].days_after_due == 7  # nothing half-saved
    broken = client_a.post(URL, _post_data(schedule, **{"steps-1-subject_en": "Due {"}))
    assert "must enclose a placeholder" in broken.content.decode()


@pytest.mark.django_db
def test_steps_must_come_in_order(client_a, org_a, english):
    schedule = services.schedule_get(organization=org_a)
    page = client_a.post(URL, _post_data(schedule, **{"steps-1-days_after_due": "5"}))
    assert "more days after the due date than the step before" in page.content.decode()
    assert services.steps_of(schedule)[1].days_after_due == 21


@pytest.mark.django_db
def test_preview_shows_posted_texts_without_saving(client_a, org_a):
    schedule = services.schedule_get(organization=org_a)
    data = _post_data(schedule, preview="1", **{
        "steps-0-body_en": "Still open: {amount_open} for {number}",
        "steps-0-body_nl": "Nog open: {amount_open}"})
    page = client_a.post(URL, data).content.decode()
    assert "Still open: € 1,000.00 for" in page and "Nog open: € 1.000,00" in page
    assert services.steps_of(schedule)[0].body_en.startswith("Dear {customer}")


@pytest.mark.django_db
def test_only_owners_change_the_schedule(client_a, org_a, user_b):
    Membership.objects.create(user=user_b, organization=org_a, role=Membership.Role.MEMBER)
    member = Client()
    member.force_login(user_b)
    schedule = services.schedule_get(organization=org_a)
    member.post(URL, _post_data(schedule, **{"steps-0-days_after_due": "2"}))
    assert services.steps_of(schedule)[0].days_after_due == 7
