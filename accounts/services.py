"""Workflows of the accounts app: typed, keyword-only, one transaction each."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import email_verification
from accounts.email_change import read_token
from accounts.models import Invitation, Membership, Organization, User
from accounts.sending import sending_refusal
from accounts.tasks import (
    send_email_change_confirmation,
    send_email_changed_notice,
    send_email_verification,
    send_invitation_email,
)


@transaction.atomic
def signup_create_account(
    *,
    email: str,
    password: str,
    full_name: str,
    organization_name: str,
    language: str = "nl",
    logo: UploadedFile | None = None,
) -> tuple[User, Organization]:
    """Create the user, their organization and the owner membership, or nothing at all; the
    address is unverified until the emailed link is opened."""
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, language=language
    )
    organization = organization_create(name=organization_name, owner=user, logo=logo)
    send_email_verification.delay_on_commit(user.pk)
    return user, organization


@transaction.atomic
def organization_create(
    *, name: str, owner: User, logo: UploadedFile | None = None, **fields
) -> Organization:
    organization = Organization(name=name, default_language=owner.language, **fields)
    if logo:
        organization.logo = logo
    organization.full_clean()
    organization.save()
    Membership.objects.create(user=owner, organization=organization, role=Membership.Role.OWNER)
    return organization


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, invited_by: User
) -> Invitation:
    refusal = sending_refusal(organization=organization, user=invited_by)
    if refusal:
        raise InvitationError(refusal)
    invitation = Invitation.objects.create(
        organization=organization, email=email.lower(), role=role, invited_by=invited_by
    )
    send_invitation_email.delay_on_commit(invitation.pk)
    return invitation


class InvitationError(Exception):
    pass


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationError("expired or used")
    if invitation.email.lower() != user.email.lower():
        raise InvitationError("wrong user")
    membership, _created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _mark_verified(user)  # the invitation's link went to this very address
    return membership


class LastOwnerError(Exception):
    pass


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a member; an organization always keeps at least one owner."""
    owners = Membership.objects.select_for_update().filter(
        organization=membership.organization, role=Membership.Role.OWNER
    )
    if membership.is_owner and owners.count() <= 1:
        raise LastOwnerError
    membership.delete()


@transaction.atomic
def invitation_signup(*, invitation: Invitation, full_name: str, password: str) -> User:
    """Create the invited person's account and accept the invitation in one go."""
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        full_name=full_name,
        language=invitation.organization.default_language,
    )
    invitation_accept(invitation=invitation, user=user)
    return user


class EmailChangeError(Exception):
    pass


@transaction.atomic
def email_change_request(*, user: User, new_email: str) -> None:
    """Mail a confirmation link to the new address; the login changes only when it is used."""
    send_email_change_confirmation.delay_on_commit(user.pk, new_email.lower())


@transaction.atomic
def email_change_confirm(*, user: User, token: str) -> User:
    """Make the confirmed address the login of the user the link was made for, once."""
    change = read_token(token)
    if change is None or change.user_id != user.pk:
        raise EmailChangeError(_("This confirmation link is invalid or has expired."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email != change.old_email:
        raise EmailChangeError(_("This confirmation link was already used."))
    if User.objects.filter(email__iexact=change.new_email).exclude(pk=user.pk).exists():
        raise EmailChangeError(_("Another account already uses this email address."))
    user.email = change.new_email
    user.email_verified_at = timezone.now()  # the link went to the new address
    user.save(update_fields=["email", "email_verified_at"])
    send_email_changed_notice.delay_on_commit(user.pk, change.old_email)
    return user


class VerificationError(Exception):
    pass


def _mark_verified(user: User) -> None:
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


@transaction.atomic
def email_verification_send(*, user: User) -> None:
    """Mail (again) the link that proves the user's current address."""
    if user.email_verified:
        raise VerificationError(_("Your email address is already confirmed."))
    send_email_verification.delay_on_commit(user.pk)


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Mark the address the link was sent to as the user's proven address."""
    verification = email_verification.read_token(token)
    if verification is None:
        raise VerificationError(_("This confirmation link is invalid or has expired."))
    user = User.objects.select_for_update().filter(pk=verification.user_id).first()
    if user is None or user.email.lower() != verification.email.lower():
        raise VerificationError(_("This confirmation link is for an address your account no "
                                  "longer uses."))
    _mark_verified(user)
    return user
