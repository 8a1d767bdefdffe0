import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, Membership, User
from tests.factories import make_user

MEMBERS = reverse("accounts:members")


def _invite(client, django_capture_on_commit_callbacks, email="nina@example.test", role="member"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(MEMBERS, {"email": email, "role": role})


def _link_from_mail() -> str:
    body = mail.outbox[-1].body
    url = next(line for line in body.splitlines() if "/invitations/" in line).strip()
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.django_db
def test_owner_invites_and_new_person_signs_up_through_the_link(
    client_a, org_a, client, django_capture_on_commit_callbacks
):
    response = _invite(client_a, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert mail.outbox[0].to == ["nina@example.test"]
    assert "Alpha B.V." in mail.outbox[0].subject
    link = _link_from_mail()

    page = client.get(link)
    assert page.status_code == 200
    joined = client.post(link, {"full_name": "Nina", "password": "Zonnebloem-Veld-8"})
    assert joined.status_code == 302
    nina = User.objects.get(email="nina@example.test")
    assert Membership.objects.get(user=nina).organization == org_a
    assert Invitation.objects.get().accepted_at is not None
    # A used link does not work twice.
    assert client.get(link).status_code == 410


@pytest.mark.django_db
def test_existing_user_accepts_after_logging_in(
    client_a, org_a, client, django_capture_on_commit_callbacks
):
    existing = make_user("nina@example.test")
    _invite(client_a, django_capture_on_commit_callbacks)
    link = _link_from_mail()
    assert client.get(link)["Location"].startswith(reverse("accounts:login"))
    client.force_login(existing)
    client.post(link)
    assert Membership.objects.filter(user=existing, organization=org_a).exists()


@pytest.mark.django_db
def test_invitation_for_someone_else_is_refused(
    client_a, org_a, client_b, user_b, django_capture_on_commit_callbacks
):
    _invite(client_a, django_capture_on_commit_callbacks)
    client_b.post(_link_from_mail())
    assert not Membership.objects.filter(user=user_b, organization=org_a).exists()


@pytest.mark.django_db
def test_member_cannot_invite(org_a, client, django_capture_on_commit_callbacks):
    member = make_user("member@example.test")
    Membership.objects.create(user=member, organization=org_a, role=Membership.Role.MEMBER)
    client.force_login(member)
    response = _invite(client, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_inviting_an_existing_member_or_twice_gives_a_form_error(
    client_a, user_a, django_capture_on_commit_callbacks
):
    response = _invite(client_a, django_capture_on_commit_callbacks, email=user_a.email)
    assert response.status_code == 200 and response.context["form"].errors["email"]
    _invite(client_a, django_capture_on_commit_callbacks)
    again = _invite(client_a, django_capture_on_commit_callbacks)
    assert again.status_code == 200 and again.context["form"].errors["email"]
    assert Invitation.objects.count() == 1


@pytest.mark.django_db
def test_last_owner_cannot_be_removed_but_a_member_can(client_a, org_a, user_a):
    own = Membership.objects.get(user=user_a)
    member = Membership.objects.create(user=make_user(), organization=org_a)
    client_a.post(reverse("accounts:member_remove", args=[member.pk]))
    assert not Membership.objects.filter(pk=member.pk).exists()
    # Removing yourself as the only owner is refused.
    client_a.post(reverse("accounts:member_remove", args=[own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_the_database_holds_no_usable_invitation_token(
    client_a, org_a, client, django_capture_on_commit_callbacks
):
    _invite(client_a, django_capture_on_commit_callbacks)
    token = _link_from_mail().rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    stored = [str(value) for value in Invitation.objects.values().get().values()]
    assert token not in stored and invitation.token_hash != token
    # What the database holds does not open the invitation: only the emailed token does.
    for value in stored:
        if value:
            assert client.get(reverse("accounts:invitation_accept", args=[value])
                              ).status_code == 404
    assert client.get(reverse("accounts:invitation_accept", args=[token])).status_code == 200
