"""Every URL of the project is accounted for: a URL that carries an object id has a case in
the cross-organization test (tests/<app>/cross_org_cases.py), every other URL is on the short
list below with the reason it needs none. A new URL without either fails here."""

from django.urls import path

from tests.security.urlconf import Endpoint, endpoints
from tests.test_cross_organization import CASES

# Whole namespaces that need no cross-organization case, and why.
NAMESPACES_WITHOUT_CASES = {
    "admin": "staff only: the platform's operators, who see every organization by design",
    "api": "the JSON API answers bearer tokens only, no session: a foreign organization's "
           "token walks every endpoint in tests/api/test_cross_organization.py",
}

_PUBLIC = "public page: no organization data, works without logging in"
_OWN = "the active organization's own page: carries no object id, shows only its own rows"
# Every other URL without a cross-organization case, and why it needs none.
URLS_WITHOUT_CASES = {
    **dict.fromkeys((
        "accounts:login", "accounts:logout", "accounts:signup", "accounts:password_reset",
        "accounts:password_reset_done", "accounts:password_reset_complete", "set_language",
    ), _PUBLIC),
    **dict.fromkeys(("invoicing:invoice_export", "invoicing:customer_export",
                     "invoicing:supplier_export", "invoicing:purchase_export"),
                    "the active organization's own list as a file; the argument is the "
                    "format (csv or xlsx), not an object id"),
    **dict.fromkeys(("recurring:template_list", "recurring:template_create"), _OWN),
    **dict.fromkeys(("quotes:quote_list", "quotes:quote_create", "quotes:quote_export",
                     "quotes:numbering_settings"), _OWN),
    **dict.fromkeys(("quote_public:quote", "quote_public:pdf"),
                    "the customer's public page of one quote: the unguessable token is the "
                    "access (test_public_page.py); nothing else of the organization is there"),
    **dict.fromkeys(("health", "health_live", "health_beat"),
                    "service health for the healthchecks: no organization data"),
    "accounts:password_reset_confirm": "carries a signed token of one user, not an object id",
    "accounts:invitation_accept": "the secret token is the access; meant for a new member",
    "accounts:organization_switch": "the chosen organization is checked against the "
                                    "user's memberships (test_organizations.py)",
    "accounts:organization_create": "creates a new organization of the user's own",
    "accounts:profile": "the logged-in user's own profile",
    "invoicing:exchange_rate": "the ECB's public reference rates: no object id, no "
                               "organization data (login required)",
    "accounts:password_change": "changes the logged-in user's own password",
    "accounts:email_change": "mails a link for the logged-in user's own address",
    **dict.fromkeys(("accounts:email_verification_sent", "accounts:email_verification_resend"),
                    "the logged-in user's own address confirmation (no object id)"),
    "accounts:email_verify": "carries a signed token of one user's address, not an object id",
    **dict.fromkeys((
        "accounts:two_factor_verify", "accounts:two_factor_setup",
        "accounts:two_factor_recovery_codes", "accounts:two_factor_recovery_regenerate",
        "accounts:two_factor_disable",
    ), "the logged-in user's own two-step verification (no object id)"),
    "accounts:organization_two_factor": _OWN,
    **dict.fromkeys((
        "home", "invoicing:start", "accounts:organization_settings", "accounts:organization_logo",
        "accounts:members", "invoicing:invoice_list", "invoicing:invoice_create",
        "invoicing:customer_list", "invoicing:customer_create", "invoicing:supplier_list",
        "invoicing:supplier_create", "invoicing:product_list", "invoicing:product_create",
        "invoicing:purchase_list", "invoicing:purchase_create", "invoicing:numbering_settings",
        "workorders:workorder_list", "workorders:workorder_create", "workorders:planning_day",
        "workorders:planning_week", "connections:overview", "connections:connect",
        "ebh_sync:errors", "ebh_sync:retry_bulk", "ebh_sync:export", "ebh_sync:imports",
        "ebh_sync:import_relations", "ebh_sync:import_articles", "ebh_sync:import_settings",
        "ebh_sync:conflicts", "ebh_sync:reports", "ebh_sync:payments", "ebh_sync:payments_fetch",
        "reminders:schedule", "reminders:due", "webhooks:endpoint_list",
        "webhooks:endpoint_create", "api_tokens:tokens", "einvoice:import_upload",
    ), _OWN),
}


def _problem(endpoint: Endpoint) -> str | None:
    if endpoint.key in CASES or endpoint.key in URLS_WITHOUT_CASES:
        return None
    if endpoint.namespace.split(":")[0] in NAMESPACES_WITHOUT_CASES:
        return None
    if endpoint.arguments:
        return (f"URL {endpoint.key} ({endpoint.route}) has no cross-organization case: "
                f"add one to tests/{endpoint.namespace or '<app>'}/cross_org_cases.py")
    return (f"URL {endpoint.key} ({endpoint.route}) is not accounted for: add a "
            f"cross-organization case, or add it to URLS_WITHOUT_CASES in {__name__} "
            f"with the reason it needs none")


def coverage_problems(found: list[Endpoint]) -> list[str]:
    problems = [message for endpoint in found if (message := _problem(endpoint))]
    keys = {endpoint.key for endpoint in found}
    problems += [f"{name} is listed in {__name__} or a cross_org_cases.py but is no URL"
                 for name in sorted((set(CASES) | set(URLS_WITHOUT_CASES)) - keys)]
    return problems


def test_every_url_has_a_cross_organization_case_or_a_reason_to_need_none():
    assert coverage_problems(endpoints()) == []


def _new_view(request, pk):
    raise AssertionError("never called: the URL is only walked")


def test_a_new_object_url_without_a_case_fails():
    """The walker sees a URL added inside an app's namespace, with a message that says where
    its case belongs (the test above would fail exactly like this)."""
    added = path("invoices/<int:pk>/copy/", _new_view, name="invoice_copy")
    found = endpoints() + endpoints([added], namespace="invoicing", prefix="")
    assert coverage_problems(found) == [
        "URL invoicing:invoice_copy (invoices/<int:pk>/copy/) has no cross-organization case: "
        "add one to tests/invoicing/cross_org_cases.py"
    ]


def test_a_new_url_without_an_object_id_must_still_be_accounted_for():
    added = path("invoices/archive.zip", _new_view, name="invoice_archive")
    problems = coverage_problems(endpoints() + endpoints([added], namespace="invoicing"))
    assert len(problems) == 1 and "invoicing:invoice_archive" in problems[0]
