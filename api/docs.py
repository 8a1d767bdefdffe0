"""The OpenAPI document and its reference page (Swagger UI from the drf-spectacular-sidecar
package, served as our own static files: nothing from the internet, no inline script or style,
so the site's Content-Security-Policy holds). Both are public: no organization data."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class PublicMixin:
    throttle_classes: list = []

    def perform_authentication(self, request) -> None:
        # Nobody is looked up: DRF would otherwise put an anonymous user on the page's
        # request, under the logged-in person's navigation.
        return None


class SchemaView(PublicMixin, SpectacularAPIView):
    pass


class DocsView(PublicMixin, SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    url_name = "api:schema"
    title = "Facturen API"
