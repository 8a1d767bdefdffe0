from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import email_verification, services, two_factor
from accounts.decorators import organization_required, owner_required
from accounts.email_change import read_token
from accounts.forms import (
    AcceptInvitationForm,
    EmailAuthenticationForm,
    EmailChangeForm,
    InvitationForm,
    NewOrganizationForm,
    OrganizationForm,
    ProfileForm,
    SignupForm,
)
from accounts.inputs import parse_id
from accounts.limits import TOO_MANY_REQUESTS, client_address, limited
from accounts.middleware import SESSION_KEY
from accounts.models import Invitation, Membership, User
from accounts.sending import refused
from accounts.tenancy import get_for_org_or_404
from accounts.two_factor_forms import OrganizationTwoFactorForm
from accounts.validators import logo_content_type

BACKEND = "django.contrib.auth.backends.ModelBackend"


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if request.organization is None:
        return redirect("accounts:organization_create")
    for name in ("invoicing:start", "invoicing:invoice_list", "accounts:organization_settings"):
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    raise Http404


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        # A language picked on the login page is the user's choice: keep it after logging in.
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = form.get_user()
        if chosen in ("nl", "en") and chosen != user.language:
            user.language = chosen
            user.save(update_fields=["language"])
        return super().form_valid(form)

    def get_success_url(self):
        # With two-step verification the code page comes first; "next" goes along.
        url = super().get_success_url()
        if two_factor.has_two_factor(self.request.user):
            return f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': url})}"
        return url


@sensitive_post_parameters("password")
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and limited(
        request, signup_ip=client_address(request), signup_email=request.POST.get("email", "")
    ):
        return render(request, "accounts/signup.html", {"form": form}, status=TOO_MANY_REQUESTS)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, organization = services.signup_create_account(
            email=data["email"],
            password=data["password"],
            full_name=data["full_name"],
            organization_name=data["organization_name"],
            language=request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("nl", "en") else "nl",
            logo=data.get("logo"),
        )
        login(request, user, backend=BACKEND)
        request.session[SESSION_KEY] = organization.pk
        return redirect("accounts:email_verification_sent")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def email_verification_sent(request):
    """After sign-up: the link is on its way; until it is opened nothing is emailed."""
    if request.user.email_verified:
        return redirect("home")
    return render(request, "accounts/email_verification_sent.html")


@login_required
@require_POST
def email_verification_resend(request):
    if limited(request, verification_resend=request.user.pk):
        return render(request, "accounts/email_verification_sent.html", status=TOO_MANY_REQUESTS)
    try:
        services.email_verification_send(user=request.user)
    except services.VerificationError as error:
        messages.info(request, str(error))
        return redirect("home")
    messages.success(request, _("We sent the confirmation link again to %(email)s.")
                     % {"email": request.user.email})
    return redirect("accounts:email_verification_sent")


def email_verify(request, token: str):
    """The emailed link: a page with one button (a mail scanner's GET changes nothing)."""
    verification = email_verification.read_token(token)
    if verification is None:
        return render(request, "accounts/email_verification_invalid.html", status=410)
    if request.method == "POST":
        try:
            user = services.email_verify(token=token)
        except services.VerificationError as error:
            messages.error(request, str(error))
            return render(request, "accounts/email_verification_invalid.html", status=410)
        messages.success(request, _("Thank you: %(email)s is confirmed. You can now send "
                                    "invoices, quotes and invitations.") % {"email": user.email})
        return redirect("home" if request.user.is_authenticated else "accounts:login")
    return render(request, "accounts/email_verification_confirm.html",
                  {"verification": verification})


@organization_required
def organization_settings(request):
    organization = request.organization
    can_edit = request.membership.is_owner
    form = OrganizationForm(
        request.POST or None, request.FILES or None, instance=organization
    )
    if request.method == "POST":
        if not can_edit:
            messages.error(request, _("Only owners can change the business details."))
            return redirect("accounts:organization_settings")
        if form.is_valid():
            form.save()
            messages.success(request, _("Business details saved."))
            return redirect("accounts:organization_settings")
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "accounts/organization_settings.html",
        {"form": form, "can_edit": can_edit, "settings_section": "organization",
         "two_factor_form": OrganizationTwoFactorForm(
             initial={"require_two_factor": organization.require_two_factor})},
    )


@organization_required
def organization_logo(request):
    """Stream the active organization's logo with its real image type (never as HTML)."""
    from PIL import Image

    logo = request.organization.logo
    if not logo:
        raise Http404
    with logo.open("rb") as handle, Image.open(handle) as image:
        kind = image.format
    response = FileResponse(logo.open("rb"), content_type=logo_content_type(kind))
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
def organization_create(request):
    form = NewOrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = services.organization_create(
            name=form.cleaned_data["name"], owner=request.user
        )
        request.session[SESSION_KEY] = organization.pk
        messages.success(request, _("Organization created."))
        return redirect("accounts:organization_settings")
    return render(request, "accounts/organization_create.html", {"form": form})


@login_required
@require_POST
def organization_switch(request):
    organization_id = parse_id(request.POST.get("organization"))
    if organization_id is None:
        raise Http404
    membership = get_object_or_404(Membership, user=request.user, organization_id=organization_id)
    request.session[SESSION_KEY] = membership.organization_id
    name = membership.organization.name
    messages.info(request, _("You are now working in %(name)s") % {"name": name})
    return redirect("home")


@organization_required
def members(request):
    organization = request.organization
    form = InvitationForm(request.POST or None, organization=organization)
    if request.method == "POST":
        if not request.membership.is_owner:
            raise Http404
        if form.is_valid():
            status = _invite(request, form)
            if status is None:
                return redirect("accounts:members")
            return _render_members(request, form, status=status)
    return _render_members(request, form)


def _invite(request, form: InvitationForm) -> int | None:
    """Send the invitation; None when it left, else the page's status (refused or limited)."""
    if refused(request):
        return 403
    if limited(request, invitation_user=request.user.pk,
               invitation_organization=request.organization.pk):
        return TOO_MANY_REQUESTS
    try:
        services.invitation_create(
            organization=request.organization, email=form.cleaned_data["email"],
            role=form.cleaned_data["role"], invited_by=request.user,
        )
    except services.InvitationError as error:
        messages.error(request, str(error))
        return 403
    messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
    return None


def _render_members(request, form: InvitationForm, status: int = 200) -> HttpResponse:
    organization = request.organization
    context = {
        "form": form,
        "memberships": organization.memberships.select_related("user").order_by("user__email"),
        "invitations": [i for i in organization.invitations.all() if i.accepted_at is None],
        "settings_section": "members",
    }
    return render(request, "accounts/members.html", context, status=status)


@owner_required
@require_POST
def member_remove(request, pk: int):
    membership = get_for_org_or_404(request, Membership, pk=pk)
    try:
        services.membership_remove(membership=membership)
    except services.LastOwnerError:
        messages.error(request, _("An organization needs at least one owner."))
    else:
        messages.success(request, _("%(email)s was removed.") % {"email": membership.user.email})
    return redirect("accounts:members")


@owner_required
@require_POST
def invitation_cancel(request, pk: int):
    invitation = get_for_org_or_404(request, Invitation, pk=pk, accepted_at__isnull=True)
    invitation.delete()
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("accounts:members")


@sensitive_post_parameters("password")
def invitation_accept(request, token: str):
    invitation = Invitation.for_token(token)
    if invitation is None:
        raise Http404
    if not invitation.is_open:
        return render(request, "accounts/invitation_invalid.html", status=410)
    if request.user.is_authenticated:
        return _accept_as_current_user(request, invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        messages.info(request, _("Log in with %(email)s to accept.") % {"email": invitation.email})
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    return _accept_with_new_account(request, invitation)


def _accept_as_current_user(request, invitation: Invitation) -> HttpResponse:
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except services.InvitationError:
            messages.error(
                request,
                _("This invitation is for %(email)s. Log in with that address to accept.")
                % {"email": invitation.email},
            )
            return redirect("home")
        request.session[SESSION_KEY] = invitation.organization_id
        messages.success(
            request, _("You are now a member of %(name)s") % {"name": invitation.organization.name}
        )
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


def _accept_with_new_account(request, invitation: Invitation) -> HttpResponse:
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        user = services.invitation_signup(
            invitation=invitation,
            full_name=form.cleaned_data["full_name"],
            password=form.cleaned_data["password"],
        )
        login(request, user, backend=BACKEND)
        request.session[SESSION_KEY] = invitation.organization_id
        return redirect("home")
    return render(
        request, "accounts/invitation_signup.html", {"invitation": invitation, "form": form}
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        # The message shows on the next page, which is in the newly chosen language.
        translation.activate(request.user.language)
        messages.success(request, _("Your settings were saved."))
        return redirect("accounts:profile")
    return _render_profile(request, form=form)


def _render_profile(request, status: int = 200, **forms) -> HttpResponse:
    context = {
        "form": ProfileForm(instance=request.user),
        "password_form": PasswordChangeForm(request.user),
        "email_form": EmailChangeForm(user=request.user),
        "two_factor": two_factor.status(request.user),
        "settings_section": "profile",
        **forms,
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_POST
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():
        return _render_profile(request, password_form=form)
    form.save()
    # The password is part of the session hash: keep this session, end all the others.
    update_session_auth_hash(request, form.user)
    messages.success(request, _("Your password was changed."))
    return redirect("accounts:profile")


@login_required
@require_POST
@sensitive_post_parameters("password")
def email_change(request):
    form = EmailChangeForm(request.POST, user=request.user)
    if limited(request, email_change_user=request.user.pk):
        return _render_profile(request, status=TOO_MANY_REQUESTS, email_form=form)
    if not form.is_valid():
        return _render_profile(request, email_form=form)
    new_email = form.cleaned_data["new_email"]
    services.email_change_request(user=request.user, new_email=new_email)
    messages.success(
        request,
        _("We sent a confirmation link to %(new)s. Until you open it, you log in with %(old)s.")
        % {"new": new_email, "old": request.user.email},
    )
    return redirect("accounts:profile")


@login_required
def email_change_confirm(request, token: str):
    change = read_token(token)
    if change is None:
        return render(request, "accounts/email_change_invalid.html",
                      {"settings_section": "profile"}, status=410)
    if change.user_id != request.user.pk:
        raise Http404  # another person's link: as if it did not exist
    if request.method == "POST":
        try:
            services.email_change_confirm(user=request.user, token=token)
        except services.EmailChangeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your email address is now %(email)s.")
                             % {"email": change.new_email})
        return redirect("accounts:profile")
    return render(request, "accounts/email_change_confirm.html",
                  {"change": change, "settings_section": "profile"})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        # Counted whether or not an account exists: the answer must not tell.
        if limited(request, password_reset_ip=client_address(request),
                   password_reset_email=request.POST.get("email", "").strip()):
            context = self.get_context_data(form=self.get_form())
            return self.render_to_response(context, status=TOO_MANY_REQUESTS)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
