"""Settings › Webhooks: owners add, change and delete endpoints, see the secret, send a test
and send a failed delivery again; members only look; every POST needs its CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from tests.factories import make_user
from tests.webhooks.conftest import make_endpoint
from webhooks import services
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

ALL_EVENTS = ["invoice.finalized", "invoice.paid", "booking.booked", "booking.failed"]


@pytest.fixture
def member_client(org_a):
    member = make_user("mia@example.test")
    Membership.objects.create(user=member, organization=org_a, role=Membership.Role.MEMBER)
    client = Client()
    client.force_login(member)
    return client


def test_the_settings_menu_leads_to_the_webhooks(client_a):
    page = client_a.get(reverse("accounts:organization_settings")).content.decode()
    assert reverse("webhooks:endpoint_list") in page


def test_an_owner_adds_a_webhook_and_sees_its_secret_once(client_a, org_a, receiver):
    response = client_a.post(reverse("webhooks:endpoint_create"), {
        "url": receiver.url, "description": "Webshop", "events": ["invoice.paid"],
        "active": "on"})
    endpoint = Endpoint.objects.get(organization=org_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:endpoint_detail", args=[endpoint.pk])
    assert (endpoint.url, endpoint.description, endpoint.events, endpoint.active) == (
        receiver.url, "Webshop", ["invoice.paid"], True)
    secret = services.endpoint_secret(endpoint=endpoint)
    assert secret not in endpoint.secret_encrypted  # encrypted at rest

    first = client_a.get(response["Location"])
    assert secret in first.content.decode() and "no-store" in first["Cache-Control"]
    again = client_a.get(response["Location"]).content.decode()
    assert secret not in again  # shown once; after that only on request

    revealed = client_a.post(reverse("webhooks:endpoint_secret", args=[endpoint.pk]))
    assert secret in revealed.content.decode()


def test_a_member_sees_webhooks_but_not_the_secret_and_changes_nothing(member_client, org_a,
                                                                       user_a, receiver):
    endpoint = make_endpoint(org_a, receiver.url, user=user_a)
    secret = services.endpoint_secret(endpoint=endpoint)
    page = member_client.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk]))
    assert page.status_code == 200 and secret not in page.content.decode()
    for name in ("endpoint_secret", "endpoint_ping", "endpoint_delete", "endpoint_new_secret"):
        response = member_client.post(reverse(f"webhooks:{name}", args=[endpoint.pk]))
        assert response.status_code == 403 and secret not in response.content.decode()
    assert Endpoint.objects.filter(pk=endpoint.pk).exists() and not Delivery.objects.exists()
    assert member_client.get(reverse("webhooks:endpoint_create")).status_code == 403


def test_bad_input_is_refused_with_a_message_and_nothing_saved(client_a, org_a, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    settings.WEBHOOKS_REQUIRE_HTTPS = True
    url = reverse("webhooks:endpoint_create")
    page = client_a.post(url, {"url": "https://169.254.169.254/latest", "events": ALL_EVENTS})
    assert page.status_code == 200
    assert "privé- of lokaal netwerk" in page.content.decode()
    page = client_a.post(url, {"url": "https://93.184.215.14/hook"})
    assert "Kies ten minste één gebeurtenis." in page.content.decode()
    page = client_a.post(url, {"url": "geen url", "events": ALL_EVENTS})
    assert page.status_code == 200 and "url" in page.context["form"].errors
    assert not Endpoint.objects.exists()


def test_an_owner_changes_and_deletes_a_webhook(client_a, org_a, user_a, receiver):
    endpoint = make_endpoint(org_a, receiver.url, user=user_a)
    response = client_a.post(reverse("webhooks:endpoint_edit", args=[endpoint.pk]), {
        "url": receiver.url, "description": "Boekhouding", "events": ["booking.failed"]})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.description, endpoint.events, endpoint.active) == (
        "Boekhouding", ["booking.failed"], False)
    client_a.post(reverse("webhooks:endpoint_delete", args=[endpoint.pk]))
    assert not Endpoint.objects.exists()


def test_a_new_secret_replaces_the_old(client_a, org_a, user_a, receiver):
    endpoint = make_endpoint(org_a, receiver.url, user=user_a)
    old = services.endpoint_secret(endpoint=endpoint)
    response = client_a.post(reverse("webhooks:endpoint_new_secret", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    new = services.endpoint_secret(endpoint=endpoint)
    assert new != old and new in client_a.get(response["Location"]).content.decode()


def test_send_a_test_and_see_the_attempt(client_a, org_a, user_a, receiver,
                                         django_capture_on_commit_callbacks):
    endpoint = make_endpoint(org_a, receiver.url, user=user_a)
    receiver.answers = [(500, b"Kapot: probeer later", {})]
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(reverse("webhooks:endpoint_ping", args=[endpoint.pk]))
    [received] = receiver.requests
    assert received.headers["X-Facturen-Event"] == "ping"
    page = client_a.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk])).content.decode()
    assert "Kapot: probeer later" in page and "500" in page


def test_send_again_a_failed_delivery(client_a, org_a, user_a, receiver, settings,
                                      django_capture_on_commit_callbacks):
    settings.WEBHOOKS_RETRY_WINDOW_SECONDS = 0
    endpoint = make_endpoint(org_a, receiver.url, user=user_a)
    receiver.answers = [(502, b"", {})]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_ping(endpoint=endpoint)
    page = client_a.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk])).content.decode()
    resend = reverse("webhooks:delivery_resend", args=[delivery.pk])
    assert resend in page
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(resend)
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.DELIVERED
    assert len(receiver.requests) == 2


def test_every_post_needs_its_csrf_token(org_a, user_a, receiver):
    endpoint = make_endpoint(org_a, receiver.url, user=user_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_a)
    posts = [reverse("webhooks:endpoint_create")] + [
        reverse(f"webhooks:{name}", args=[endpoint.pk]) for name in
        ("endpoint_edit", "endpoint_delete", "endpoint_secret", "endpoint_new_secret",
         "endpoint_ping")]
    for url in posts:
        assert client.post(url, {"url": receiver.url, "events": ALL_EVENTS}).status_code == 403
    assert Endpoint.objects.count() == 1 and not Delivery.objects.exists()


def test_the_list_shows_each_endpoint_with_its_failures(client_a, org_a, user_a, org_b,
                                                        user_b, receiver, settings,
                                                        django_capture_on_commit_callbacks):
    settings.WEBHOOKS_RETRY_WINDOW_SECONDS = 0
    mine = make_endpoint(org_a, receiver.url, description="Webshop", user=user_a)
    make_endpoint(org_b, receiver.url, description="Van een ander", user=user_b)
    receiver.answers = [(500, b"", {})]
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_ping(endpoint=mine)
    page = client_a.get(reverse("webhooks:endpoint_list")).content.decode()
    assert "Webshop" in page and "Van een ander" not in page
    assert "1 mislukt" in page
