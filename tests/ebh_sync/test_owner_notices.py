"""When bookings stop, the owners hear it by email (at most once a day per cause, in each
owner's language, linking to the page that fixes it); the navigation counts the error
messages; the admin's sync log shows when a connection paused and resumed."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from connections.models import ConnectionEvent, OwnerNotice
from connections.services import connection_mark_action_needed
from ebh_sync.engine import drain_connection
from ebh_sync.services import connection_resume
from tests.ebh_sync.test_errors_and_export import failed_job, send
from tests.factories import make_user


def _pause(linked, capture):
    with capture(execute=True):
        connection_mark_action_needed(connection=linked.connection, reason="E001.1: password")


def _resume(linked):
    linked.connection.refresh_from_db()
    linked.connection.status = linked.connection.Status.CONNECTED
    linked.connection.save(update_fields=["status"])
    connection_resume(connection=linked.connection)


@pytest.mark.django_db
def test_action_needed_emails_the_owners_once_a_day_in_their_language(
    linked, org_a, user_a, django_capture_on_commit_callbacks
):
    english = make_user("eve@example.test", language="en")
    Membership.objects.create(user=english, organization=org_a, role=Membership.Role.OWNER)
    member = make_user("bob@example.test")
    Membership.objects.create(user=member, organization=org_a, role=Membership.Role.MEMBER)

    _pause(linked, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([english.email, user_a.email])
    dutch = next(m for m in mail.outbox if m.to == [user_a.email])
    other = next(m for m in mail.outbox if m.to == [english.email])
    assert "Alpha B.V." in dutch.subject and "boekingen" in dutch.subject.lower()
    assert "bookings" in other.subject.lower()
    assert settings.SITE_URL + reverse("connections:overview") in dutch.body

    _resume(linked)
    _pause(linked, django_capture_on_commit_callbacks)  # the same cause again today
    assert len(mail.outbox) == 2

    OwnerNotice.objects.update(last_sent_at=timezone.now() - datetime.timedelta(hours=25))
    _resume(linked)
    _pause(linked, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_the_sync_log_records_pauses_and_resumes(linked, django_capture_on_commit_callbacks):
    _pause(linked, django_capture_on_commit_callbacks)
    _resume(linked)
    connection_resume(connection=linked.connection)  # resumed again: nothing new to record
    events = list(ConnectionEvent.objects.filter(connection=linked.connection)
                  .order_by("at", "id").values_list("action", "reason"))
    assert events == [("paused", "E001.1: password"),
                      ("resumed", "paused bookings queued again: 0")]


@pytest.mark.django_db
def test_staff_see_pauses_and_resumes_in_the_admin_read_only(
    client, linked, django_capture_on_commit_callbacks
):
    _pause(linked, django_capture_on_commit_callbacks)
    client.force_login(make_user("staff@example.test", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:connections_connectionevent_changelist")).content.decode()
    assert "E001.1: password" in page
    event = ConnectionEvent.objects.get()
    change = client.get(reverse("admin:connections_connectionevent_change", args=[event.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:connections_connectionevent_add")).status_code == 403


@pytest.mark.django_db
def test_a_booking_failing_after_earlier_successes_emails_the_owners_once_a_day(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    send(org_a, user_a, customer, issue_date=datetime.date(2026, 3, 2))
    drain_connection(linked.connection.pk)  # booked
    with django_capture_on_commit_callbacks(execute=True):
        failed_job(linked, org_a, user_a, customer)
        failed_job(linked, org_a, user_a, customer)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user_a.email]
    assert "mislukken" in mail.outbox[0].subject
    assert reverse("ebh_sync:errors") in mail.outbox[0].body


@pytest.mark.django_db
def test_a_first_booking_that_fails_sends_no_email(
    linked, org_a, user_a, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        failed_job(linked, org_a, user_a, customer)
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_navigation_counts_the_error_messages(
    linked, org_a, user_a, customer, client_a, client_b
):
    page = client_a.get(reverse("invoicing:invoice_list")).content.decode()
    assert 'data-testid="nav-error-count"' not in page
    failed_job(linked, org_a, user_a, customer)
    failed_job(linked, org_a, user_a, customer)
    page = client_a.get(reverse("invoicing:invoice_list")).content.decode()
    assert 'data-testid="nav-error-count"><span class="visually-hidden">Foutmeldingen: ' \
        '</span>2</span>' in page
    other = client_b.get(reverse("invoicing:invoice_list")).content.decode()
    assert 'data-testid="nav-error-count"' not in other
