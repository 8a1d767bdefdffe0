"""Celery tasks of the connections app; they take ids."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import Membership, Organization


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, ignore_result=True)
def send_owner_notice_task(organization_id: int, cause: str, path: str) -> int:
    """One email per owner, each in the owner's own language; returns how many were sent."""
    organization = Organization.objects.get(pk=organization_id)
    owners = Membership.objects.filter(
        organization=organization, role=Membership.Role.OWNER, user__is_active=True,
    ).select_related("user")
    context = {"organization": organization, "cause": cause, "url": settings.SITE_URL + path}
    for membership in owners:
        with translation.override(membership.user.language):
            subject = render_to_string("connections/email/notice_subject.txt", context).strip()
            body = render_to_string("connections/email/notice_body.txt", context)
        send_mail(subject, body, None, [membership.user.email])
    return len(owners)
