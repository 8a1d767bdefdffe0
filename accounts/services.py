"""Workflows of the accounts app: typed, keyword-only, one transaction each."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Invitation, Membership, Organization, User


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
