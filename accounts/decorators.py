from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect


def organization_required(view):
    """Login required, and an active organization (otherwise: create one first)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.organization is None:
            return redirect("accounts:organization_create")
        return view(request, *args, **kwargs)

    return wrapper


def owner_required(view):
    """Only owners of the active organization may run this view."""

    @organization_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_owner:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
