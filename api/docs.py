"""The OpenAPI document and its reference page (Swagger UI from the drf-spectacular-sidecar
package, served as our own static files: nothing from the internet, no inline script or style,
so the site's Content-Security-Policy holds)."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    pass


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    url_name = "api:schema"
    title = "Facturen API"
