from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts import email_verification
from accounts.email_change import make_token
from accounts.models import Invitation, User


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("organization", "invited_by").get(
        pk=invitation_id
    )
    if not invitation.is_open:
        return
    url = settings.SITE_URL + reverse("accounts:invitation_accept", args=[invitation.token()])
    with translation.override(invitation.organization.default_language):
        context = {"invitation": invitation, "url": url}
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_change_confirmation(user_id: int, new_email: str) -> None:
    """Mail the confirmation link to the NEW address: only its owner can prove it."""
    user = User.objects.get(pk=user_id)
    token = make_token(user_id=user.pk, old_email=user.email, new_email=new_email)
    url = settings.SITE_URL + reverse("accounts:email_change_confirm", args=[token])
    context = {"user": user, "url": url, "new_email": new_email}
    _send(user, "email_change_confirm", context, new_email)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_verification(user_id: int) -> None:
    """Mail the link that proves a new account's address (to the address it proves)."""
    user = User.objects.get(pk=user_id)
    if user.email_verified:
        return
    token = email_verification.make_token(user_id=user.pk, email=user.email)
    url = settings.SITE_URL + reverse("accounts:email_verify", args=[token])
    _send(user, "email_verification", {"user": user, "url": url}, user.email)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_changed_notice(user_id: int, old_email: str) -> None:
    """Tell the OLD address that the login moved, so a hijack does not go unnoticed."""
    user = User.objects.get(pk=user_id)
    context = {"user": user, "old_email": old_email}
    _send(user, "email_changed_notice", context, old_email)


def _send(user: User, template: str, context: dict, to: str) -> None:
    with translation.override(user.language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}_body.txt", context)
    send_mail(subject, body, None, [to])
