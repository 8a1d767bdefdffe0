"""Customers and suppliers through the API: the web UI's form validates (its messages, in the
request's language), the one service saves, another organization's rows are not there."""

import pytest
from django.utils import translation

from invoicing.forms import CustomerForm
from invoicing.models import Customer
from tests.invoicing.factories import make_customer, make_supplier

URL = "/api/v1/customers/"


@pytest.mark.django_db
def test_create_list_read_and_change_a_customer(api_a, org_a):
    response = api_a.post(URL, {"name": "Bakkerij Jansen", "email": "info@jansen.test",
                                "vat_id": "nl 999999990 b01", "postcode": "1234ab"},
                          format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    customer = Customer.objects.get(organization=org_a)
    assert body["id"] == customer.pk and body["code"] == customer.code
    # The form's normalization, as on the web page.
    assert (body["vat_id"], body["postcode"], body["country"]) == (
        "NL999999990B01", "1234 AB", "NL")
    listed = api_a.get(URL).json()
    assert listed["count"] == 1 and listed["results"][0]["name"] == "Bakkerij Jansen"
    assert api_a.get(URL, {"q": "jansen"}).json()["count"] == 1
    assert api_a.get(URL, {"q": "pietersen"}).json()["count"] == 0
    changed = api_a.patch(f"{URL}{customer.pk}/", {"city": "Utrecht"}, format="json")
    assert changed.status_code == 200
    customer.refresh_from_db()
    assert (customer.city, customer.name, customer.vat_id) == (
        "Utrecht", "Bakkerij Jansen", "NL999999990B01")


def _web_errors(data: dict, language: str) -> dict:
    with translation.override(language):
        form = CustomerForm(data={"kind": "company", "country": "NL", "language": "nl",
                                  "payment_term_days": 14, **data})
        return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_web_forms_messages_in_the_requests_language(api_a, org_a, language):
    bad = {"name": "", "iban": "NL00BANK0123456789", "email": "geen-adres",
           "vat_id": "NL123"}
    response = api_a.post(URL, bad, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    expected = _web_errors(bad, language)
    assert set(expected) == {"name", "iban", "email", "vat_id"}
    assert response.json() == expected
    english = _web_errors(bad, "en")
    assert (expected == english) == (language == "en")  # Dutch is Dutch
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_another_organizations_customer_is_not_there(api_b, org_a):
    customer = make_customer(org_a)
    assert api_b.get(f"{URL}{customer.pk}/").status_code == 404
    assert api_b.patch(f"{URL}{customer.pk}/", {"city": "X"}, format="json").status_code == 404
    assert api_b.get(URL).json()["count"] == 0


@pytest.mark.django_db
def test_suppliers(api_a, org_a):
    make_supplier(org_a, name="Groothandel")
    listed = api_a.get("/api/v1/suppliers/").json()
    assert [row["name"] for row in listed["results"]] == ["Groothandel"]
    created = api_a.post("/api/v1/suppliers/", {"name": "Verfhandel", "country": "BE"},
                         format="json")
    assert created.status_code == 201 and created.json()["country"] == "BE"


@pytest.mark.django_db
def test_archive_and_restore_a_customer(api_a, reader_a, org_a):
    customer = make_customer(org_a)
    assert reader_a.post(f"{URL}{customer.pk}/archive/", {}, format="json").status_code == 403
    archived = api_a.post(f"{URL}{customer.pk}/archive/", {}, format="json")
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert api_a.get(URL).json()["count"] == 0
    assert api_a.get(URL, {"archived": "1"}).json()["count"] == 1
    api_a.post(f"{URL}{customer.pk}/archive/", {"archived": False}, format="json")
    customer.refresh_from_db()
    assert customer.archived is False
