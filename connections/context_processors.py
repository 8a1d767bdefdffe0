from connections.models import Connection


def connection_banner(request):
    """``connection_banner``: the active organization's connection while it needs action
    (a new security code 1); templates/connections/banner.html renders it on every page."""
    organization = getattr(request, "organization", None)
    if organization is None:
        return {}
    connection = (
        Connection.objects.for_organization(organization)
        .filter(status=Connection.Status.ACTION_NEEDED)
        .only("pk", "status", "status_reason", "transport")
        .first()
    )
    return {"connection_banner": connection} if connection else {}
