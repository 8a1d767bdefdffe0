"""The OpenAPI 3 document is generated, lists every endpoint of the URLconf with its
methods, and is served with its reference page, whose assets come from the sidecar package
(served as our own static files) under the site's Content-Security-Policy."""

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from tests.api.walk import api_endpoints, methods, openapi_path


@pytest.fixture
def document(db) -> dict:
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_document_holds_every_endpoint_and_method(document):
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for endpoint in api_endpoints():
        path = openapi_path(endpoint)
        assert path in paths, f"{path} is not in the OpenAPI document"
        documented = set(paths[path]) - {"parameters"}
        assert set(methods(endpoint)) == documented, path


def test_the_document_names_the_bearer_scheme_and_string_amounts(document):
    assert document["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http", "scheme": "bearer",
        "description": "An API token from Settings > API: fct_…"}
    invoice = document["components"]["schemas"]["SalesInvoiceDetail"]["properties"]
    assert invoice["gross_total"]["type"] == "string"
    assert invoice["gross_total"]["format"] == "decimal"


@pytest.mark.django_db
def test_the_reference_page_loads_only_our_own_assets():
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page and "<style" not in page
    assert "<script>" not in page  # no inline script: the CSP stays strict
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp
    script = Client().get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "/api/v1/schema/" in script.content.decode()


def test_the_document_is_valid_openapi_without_warnings(tmp_path):
    # --validate checks it against the OpenAPI 3 meta-schema; --fail-on-warn refuses any
    # endpoint or field the generator could not describe (it raises then).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file",
                 str(tmp_path / "openapi.yaml"))
    assert "/api/v1/sales-invoices/{id}/finalize/" in (tmp_path / "openapi.yaml").read_text()
