"""Object URLs of the connections app for the cross-organization test."""

from django.urls import reverse

from tests.connections.factories import make_connection


def _configure(org_a, user_a):
    # Not connected: the owner of A is sent to the connect page (no call to e-Boekhouden).
    connection = make_connection(org_a, status="not_connected")
    return "get", reverse("connections:configure", args=[connection.pk])


def _security_code(org_a, user_a):
    connection = make_connection(org_a, status="action_needed")
    return "get", reverse("connections:security_code", args=[connection.pk])


def _api_token(org_a, user_a):
    connection = make_connection(org_a, status="action_needed")
    return "get", reverse("connections:api_token", args=[connection.pk])


def _disconnect(org_a, user_a):
    connection = make_connection(org_a)
    return "post", reverse("connections:disconnect", args=[connection.pk])


CASES = {
    "connections:configure": _configure,
    "connections:security_code": _security_code,
    "connections:api_token": _api_token,
    "connections:disconnect": _disconnect,
}
