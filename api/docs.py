"""The OpenAPI document and its reference page (Swagger UI from the drf-spectacular-sidecar
package, served as our own static files: nothing from the internet, no inline script or style,
so the site's Content-Security-Policy holds). Both are public: no organization data."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import JSONRenderer


class PublicMixin:
    # Open to anyone; a logged-in person stays who they are on the page's request (the
    # templates' context processors read request.user), and a POST with their session meets
    # the CSRF check.
    authentication_classes = [SessionAuthentication]
    throttle_classes: list = []

    def finalize_response(self, request, response, *args, **kwargs):
        # A refusal (405, a session's POST without its CSRF token: 403) answers JSON, not
        # the page's template: DRF has made the request's user anonymous by then.
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(response, "exception", False):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


class SchemaView(PublicMixin, SpectacularAPIView):
    pass


class DocsView(PublicMixin, SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    url_name = "api:schema"
    title = "Facturen API"
