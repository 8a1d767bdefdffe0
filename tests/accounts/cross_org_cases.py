"""Object URLs of the accounts app for the cross-organization test.

Each case builds a row in organization A (with its owner user_a) and returns
(method, url). A user of organization B must get 404 for it."""

from django.urls import reverse

from accounts.email_change import make_token
from accounts.models import Invitation, Membership
from tests.factories import make_user


def _member_remove(org_a, user_a):
    member = make_user()
    membership = Membership.objects.create(user=member, organization=org_a)
    return "post", reverse("accounts:member_remove", args=[membership.pk])


def _invitation_cancel(org_a, user_a):
    invitation = Invitation.objects.create(
        organization=org_a, email="new@example.test", invited_by=user_a
    )
    return "post", reverse("accounts:invitation_cancel", args=[invitation.pk])


def _email_change_confirm(org_a, user_a):
    # Not an organization's row but a person's: another user gets 404 just the same.
    token = make_token(user_id=user_a.pk, old_email=user_a.email, new_email="a@new.test")
    return "get", reverse("accounts:email_change_confirm", args=[token])


CASES = {
    "accounts:email_change_confirm": _email_change_confirm,
    "accounts:member_remove": _member_remove,
    "accounts:invitation_cancel": _invitation_cancel,
}
