"""Object URLs of the webhooks for the cross-organization test."""

from django.urls import reverse

from tests.webhooks.conftest import make_endpoint
from webhooks import services


def _endpoint(org_a, user_a):
    # Nobody listens on port 9: a test sent by the owner's own request fails fast.
    return make_endpoint(org_a, "http://127.0.0.1:9/hook", user=user_a)


def _url(name, method="get"):
    def build(org_a, user_a):
        return method, reverse(f"webhooks:{name}", args=[_endpoint(org_a, user_a).pk])
    return build


def _resend(org_a, user_a):
    delivery = services.endpoint_ping(endpoint=_endpoint(org_a, user_a))
    delivery.state = delivery.State.FAILED
    delivery.save(update_fields=["state"])
    return "post", reverse("webhooks:delivery_resend", args=[delivery.pk])


CASES = {
    "webhooks:endpoint_detail": _url("endpoint_detail"),
    "webhooks:endpoint_edit": _url("endpoint_edit"),
    "webhooks:endpoint_delete": _url("endpoint_delete", "post"),
    "webhooks:endpoint_secret": _url("endpoint_secret", "post"),
    "webhooks:endpoint_new_secret": _url("endpoint_new_secret", "post"),
    "webhooks:endpoint_ping": _url("endpoint_ping", "post"),
    "webhooks:delivery_resend": _resend,
}
