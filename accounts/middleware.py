from django.utils import translation

from accounts.models import Membership

SESSION_KEY = "active_organization_id"


class UserLanguageMiddleware:
    """A logged-in user's language setting wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class ActiveOrganizationMiddleware:
    """Sets request.organization and request.membership from the session.

    The session only stores the chosen organization id; membership is checked on every
    request, so removing a member takes effect at once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.membership = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = _active_membership(request, user)
            if membership is not None:
                request.membership = membership
                request.organization = membership.organization
        return self.get_response(request)


def _active_membership(request, user) -> Membership | None:
    memberships = Membership.objects.filter(user=user).select_related("organization")
    chosen = request.session.get(SESSION_KEY)
    membership = None
    if chosen is not None:
        membership = memberships.filter(organization_id=chosen).first()
    if membership is None:
        membership = memberships.order_by("organization__name", "id").first()
        if membership is not None:
            request.session[SESSION_KEY] = membership.organization_id
    return membership
