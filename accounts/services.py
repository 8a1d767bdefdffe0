"""Workflows of the accounts app: typed, keyword-only, one transaction each."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.email_change import read_token
from accounts.models import Invitation, Membership, Organization, User
from accounts.tasks import send_email_change_confirmation, send_email_changed_notice


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
    """Create the user, their organization and the owner membership, or nothing at all."""
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, language=language
    )
    organization = organization_create(name=organization_name, owner=user, logo=logo)
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
    from accounts.tasks import send_invitation_email

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
    user.save(update_fields=["email"])
    send_email_changed_notice.delay_on_commit(user.pk, change.old_email)
    return user
