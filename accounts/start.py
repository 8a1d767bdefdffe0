"""What accounts adds to the start page (registered with invoicing.extensions from
AccountsConfig.ready(), the one place accounts knows of invoicing): an owner without
two-step verification is asked to turn it on, since owners hold the e-Boekhouden.nl
credentials."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.two_factor import owner_without_two_factor
from invoicing.extensions import StartItem


def two_factor_notice(organization, user) -> list[StartItem]:
    if not user.is_authenticated or not owner_without_two_factor(user, organization):
        return []
    return [StartItem(
        "notice",
        _("You are an owner: you hold the e-Boekhouden.nl credentials of this organization. "
          "Protect them with two-step verification."),
        reverse("accounts:two_factor_setup"), _("Turn on two-step verification"),
        tone="warning",
    )]
