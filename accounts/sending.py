"""The one rule for email the product sends on an organization's behalf (invoices, quotes,
reminders, invitations): it leaves only for a proven address, so a fresh sign-up cannot use
us as a mail relay.

- A person sends (a button): their own address must be verified.
- The product sends by itself (recurring invoices, daily reminders): one of the
  organization's owners must have a verified address; until then those emails are held.

Services call ``sending_refusal`` (and raise their own error with its text); views call
``refused`` first to show the message on the same page, under which the banner of an
unverified user offers to send the confirmation email again."""

from django.contrib import messages
from django.utils.translation import gettext as _

from accounts.limits import TOO_MANY_REQUESTS, limited
from accounts.models import Membership, Organization, User


def organization_may_send(organization: Organization) -> bool:
    return Membership.objects.filter(
        organization=organization, role=Membership.Role.OWNER,
        user__is_active=True, user__email_verified_at__isnull=False,
    ).exists()


def sending_refusal(*, organization: Organization, user: User | None = None) -> str | None:
    """Why nothing may be emailed now (translated), or None when it may."""
    if user is not None:
        if user.email_verified:
            return None
        return _("Confirm your email address first: open the link we sent to %(email)s. "
                 "Until then nothing is emailed from your account.") % {"email": user.email}
    if organization_may_send(organization):
        return None
    return _("Held: no owner of this organization has confirmed their email address yet, so "
             "nothing is emailed automatically.")


def refused(request) -> bool:
    """For a send view: True (with the message for the user) when the user may not send
    from the active organization."""
    refusal = sending_refusal(organization=request.organization, user=request.user)
    if refusal:
        messages.error(request, refusal)
    return refusal is not None


def email_send_refused(request) -> int | None:
    """For a view that emails a document (invoice, quote, reminder): the page's status when
    it may not now, with the message added: 403 for an unverified address, 429 when the user
    or the organization sent too many in a short time. None when it may."""
    if refused(request):
        return 403
    if limited(request, email_user=request.user.pk, email_organization=request.organization.pk):
        return TOO_MANY_REQUESTS
    return None
