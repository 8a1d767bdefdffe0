"""Issue 17: no server error on any input. Every URL of the project (walked from the URLconf;
object URLs built with a real row of the member's own organization, as the CSRF test does) is
sent hostile query parameters, and every URL a POST with hostile id fields, as a logged-in
owner. Every 5xx is collected and reported together: the count must be zero."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.middleware import SESSION_KEY
from tests.factories import make_organization, make_user
from tests.security.test_csrf import ENDPOINTS, _path

HUGE = "99999999999999999999999"  # above 64 bits: PostgreSQL's bigint overflows
DIGITS = "9" * 5000  # more digits than Python's int() converts
GARBAGE = "x%00\x00\r\n\u2028"  # a word, a literal %00, NUL, line breaks
# The parameters the views read (grep request.GET), by what they hold.
IDS = ["page", "customer", "supplier", "assigned", "organization", "status", "state",
       "archived", "unbooked", "kind", "format", "currency", "administration", "next"]
DATES = ["from", "to", "date", "date_from", "date_to", "week", "day"]
TEXT = ["q"]
# One request per URL per value group; across the groups each id parameter gets three hostile
# values (above 64 bits; 5,000 digits; a word with NUL and line breaks, "-1" or "1.5"), each
# date and the search three others.
MIXED = ["x" + GARBAGE, "-1", "1.5"]
GET_GROUPS = [
    {**dict.fromkeys(IDS, HUGE), **dict.fromkeys(DATES, "2026-13-45"), "q": "x" * 5000},
    {**dict.fromkeys(IDS, DIGITS), **dict.fromkeys(DATES, GARBAGE), "q": GARBAGE},
    {**{name: MIXED[i % 3] for i, name in enumerate(IDS)}, **dict.fromkeys(DATES, "-1"),
     "q": "1.5"},
]
ID_FIELDS = ["organization", "job", "jobs", "ids", "invoices", "customer", "supplier", "product",
             "assigned_to", "position", "next"]
POST_VALUES = [GARBAGE, HUGE, DIGITS]
# Ends the session the rest of the walk needs; its POST takes no ids.
NOT_POSTED = {"accounts:logout"}
# The health checks read no input and answer 500 by design while no worker or beat runs (as
# in the tests); each also waits for a worker's ping.
NOT_WALKED = {"health", "health_beat"}


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.get(reverse("accounts:profile"))  # the active organization goes into the session
    return client


def _build(endpoint, org, user, superuser) -> tuple[int, str]:
    """(organization id, path); in an organization of its own when the row the URL needs
    cannot live next to another builder's (one connection per organization, ...)."""
    try:
        with transaction.atomic():
            return org.pk, _path(endpoint, org, user, superuser)
    except IntegrityError:
        own = make_organization(f"Fuzz {endpoint.key}", owner=user)
        return own.pk, _path(endpoint, own, user, superuser)


def _paths(org, user) -> list[tuple[str, int, str]]:
    superuser = make_user("root@example.test", is_staff=True, is_superuser=True)
    return [(e.key, *_build(e, org, user, superuser)) for e in ENDPOINTS
            # Django's own admin is not our input handling.
            if e.namespace != "admin" and e.key not in NOT_WALKED]


def _work_in(client: Client, organization_id: int) -> None:
    session = client.session
    session[SESSION_KEY] = organization_id
    session.save()


@pytest.mark.django_db
def test_no_server_error_on_hostile_parameters(org_a, user_a):
    paths = _paths(org_a, user_a)
    client, failures, requests = _client(user_a), [], 0
    for key, organization_id, url in paths:
        _work_in(client, organization_id)
        for number, query in enumerate(GET_GROUPS, 1):
            response = client.get(url, query)
            requests += 1
            if response.status_code >= 500:
                failures.append(f"GET {key} group {number}: {response.status_code}")
    for key, organization_id, url in paths:
        if key in NOT_POSTED:
            continue
        _work_in(client, organization_id)
        for value in POST_VALUES:
            response = client.post(url, dict.fromkeys(ID_FIELDS, value))
            requests += 1
            if response.status_code >= 500:
                failures.append(f"POST {key} {value[:12]!r}: {response.status_code}")
    print(f"fuzz: {len(paths)} URLs, {requests} requests, {len(failures)} answered 5xx")
    assert requests > 500
    assert failures == [], f"{len(failures)} server errors:\n" + "\n".join(failures)
