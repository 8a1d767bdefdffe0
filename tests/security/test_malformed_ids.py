"""Issue 17, "server errors on malformed input": each of the eight cases the hostile test found
answers without a server error (a 404, or the filter ignored), and ``next`` is taken only as
a local path."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.inputs import local_next, parse_id, parse_ids
from tests.ebh_sync.cross_org_cases import _job

HUGE = "99999999999999999999999"  # above PostgreSQL's bigint (and 64 bits)
# More digits than Python's int() converts (4,300): ValueError where isdecimal() said yes.
HUGEST = "9" * 5000


@pytest.fixture
def client(client_a) -> Client:
    client_a.raise_request_exception = False
    return client_a


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["x", HUGE, HUGEST, "-1", "1.5"])
def test_switch_organization_with_a_malformed_id_is_a_404(client, value):
    # cases 1 and 2
    response = client.post(reverse("accounts:organization_switch"), {"organization": value})
    assert response.status_code == 404


@pytest.mark.django_db
def test_job_retry_with_a_bare_word_as_next_goes_back_to_the_errors(client, org_a, user_a):
    # case 3: the retry was committed, then redirect("word") failed to reverse
    job = _job(org_a, user_a)
    response = client.post(reverse("ebh_sync:retry", args=[job.pk]), {"next": "errors"})
    assert response.status_code == 302
    assert response["Location"] == reverse("ebh_sync:errors")


@pytest.mark.django_db
def test_job_retry_keeps_a_local_next_and_refuses_another_site(client, org_a, user_a):
    job = _job(org_a, user_a)
    url = reverse("ebh_sync:retry", args=[job.pk])
    assert client.post(url, {"next": "/invoices/?page=2"})["Location"] == "/invoices/?page=2"
    for hostile in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert client.post(url, {"next": hostile})["Location"] == reverse("ebh_sync:errors")


@pytest.mark.django_db
def test_bulk_retry_with_a_huge_id_is_no_server_error(client, org_a, user_a):
    # case 4
    for value in (HUGE, HUGEST):
        response = client.post(reverse("ebh_sync:retry_bulk"), {"job": [value]})
        assert response.status_code == 302, value[:30]


@pytest.mark.django_db
@pytest.mark.parametrize("url, parameter", [
    ("invoicing:invoice_list", "customer"),  # case 5
    ("invoicing:purchase_list", "supplier"),  # case 6
    ("workorders:workorder_list", "assigned"),  # case 7
    ("workorders:workorder_list", "customer"),  # case 8 (the same through the filter form)
    ("quotes:quote_list", "customer"),
    ("invoicing:invoice_create", "customer"),
    ("quotes:quote_create", "customer"),
    ("workorders:workorder_create", "customer"),
])
def test_id_filters_above_64_bits_are_ignored(client, url, parameter):
    for value in (HUGE, HUGEST):
        response = client.get(reverse(url), {parameter: value})
        assert response.status_code == 200, value[:30]


@pytest.mark.parametrize("value, expected", [
    ("12", 12), (" 7", None), ("0", None), ("-1", None), ("1.5", None), ("x", None),
    ("", None), (None, None), (HUGE, None), ("9223372036854775807", 9223372036854775807),
    ("9223372036854775808", None), (HUGEST, None), ("\u0661\u0662", None), (5, 5),
])
def test_parse_id(value, expected):
    assert parse_id(value) == expected


def test_parse_ids_drops_what_is_not_an_id():
    assert parse_ids(["3", "x", HUGE, "3", "4"]) == [3, 4]


@pytest.mark.parametrize("value, expected", [
    ("/invoices/", "/invoices/"), ("/a/?b=1#c", "/a/?b=1#c"), ("errors", ""), ("", ""),
    (None, ""), ("//evil.example", ""), ("/\\evil.example", ""), ("https://evil.example/", ""),
    ("/a\r\nb", ""), ("/a\x00", ""), ("javascript:alert(1)", ""),
])
def test_local_next(value, expected):
    assert local_next(value) == expected
