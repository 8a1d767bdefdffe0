"""Every endpoint of the API, found by walking the URLconf (like tests/security), with a
builder of a row of one organization for the endpoints that carry an id."""

import re

from tests.invoicing.cross_org_cases import _purchase
from tests.invoicing.factories import make_customer, make_product, make_sent, make_supplier
from tests.quotes.factories import make_quote
from tests.security.urlconf import Endpoint, endpoints
from tests.workorders.factories import make_work_order

# The document and its reference page: no organization data, no token needed.
PUBLIC = {"api:schema", "api:docs"}

BUILDERS = {
    "customer": lambda org, user: make_customer(org),
    "supplier": lambda org, user: make_supplier(org),
    "product": lambda org, user: make_product(org),
    "quote": lambda org, user: make_quote(org),
    "salesinvoice": lambda org, user: make_sent(org, user),
    "purchaseinvoice": lambda org, user: _purchase(org, user),
    "workorder": lambda org, user: make_work_order(org),
}


def api_endpoints() -> list[Endpoint]:
    return [e for e in endpoints() if e.namespace == "api" and e.key not in PUBLIC]


def basename(endpoint: Endpoint) -> str:
    return endpoint.key.removeprefix("api:").split("-")[0]


def methods(endpoint: Endpoint) -> list[str]:
    return sorted(set(endpoint.callback.actions) - {"head"})  # DRF adds HEAD to GET


def openapi_path(endpoint: Endpoint) -> str:
    """The route as the OpenAPI document writes it: /api/v1/customers/{id}/."""
    route = re.sub(r"\(\?P<pk>[^)]*\)", "{id}", endpoint.route)
    return "/" + route.replace("^", "").replace("$", "")
