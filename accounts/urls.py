from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/confirm-email/", views.email_verification_sent, name="email_verification_sent"),
    path("signup/confirm-email/resend/", views.email_verification_resend,
         name="email_verification_resend"),
    path("confirm-email/<str:token>/", views.email_verify, name="email_verify"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/switch/", views.organization_switch, name="organization_switch"),
    path("settings/organization/", views.organization_settings, name="organization_settings"),
    path("settings/organization/logo/", views.organization_logo, name="organization_logo"),
    path("settings/organization/two-factor/", two_factor_views.organization_two_factor,
         name="organization_two_factor"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "settings/invitations/<int:pk>/cancel/", views.invitation_cancel, name="invitation_cancel"
    ),
    path("settings/profile/", views.profile, name="profile"),
    path("settings/profile/password/", views.password_change, name="password_change"),
    path("settings/profile/email/", views.email_change, name="email_change"),
    path("settings/profile/two-factor/", two_factor_views.two_factor_setup,
         name="two_factor_setup"),
    path("settings/profile/two-factor/recovery-codes/", two_factor_views.two_factor_recovery_codes,
         name="two_factor_recovery_codes"),
    path("settings/profile/two-factor/recovery-codes/new/",
         two_factor_views.two_factor_recovery_regenerate, name="two_factor_recovery_regenerate"),
    path("settings/profile/two-factor/off/", two_factor_views.two_factor_disable,
         name="two_factor_disable"),
    path(
        "settings/profile/email/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
]
