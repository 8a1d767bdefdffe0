import pytest
from django.urls import reverse

from invoicing.models import Customer, Product, Supplier
from tests.invoicing.factories import make_customer, make_sent


def _party(**overrides):
    data = {"kind": "company", "name": "Bakkerij De Korenschoof", "contact_person": "Els",
            "address": "Markt 3", "postcode": "3511 AB", "city": "Utrecht", "country": "NL",
            "email": "els@korenschoof.test", "phone": "", "kvk_number": "87654321",
            "vat_id": "nl 8765.43.219 b01", "iban": "NL91 ABNA 0417 1643 00",
            "payment_term_days": "", "language": "nl"}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_create_edit_and_search_customers(client_a, org_a):
    response = client_a.post(reverse("invoicing:customer_create"), _party())
    customer = Customer.objects.get()
    assert response["Location"] == reverse("invoicing:customer_detail", args=[customer.pk])
    assert (customer.code, customer.country, customer.vat_id, customer.iban) == (
        "D0001", "NL", "NL876543219B01", "NL91ABNA0417164300")
    client_a.post(reverse("invoicing:customer_edit", args=[customer.pk]),
                  _party(name="Korenschoof B.V."))
    customer.refresh_from_db()
    assert customer.name == "Korenschoof B.V." and customer.code == "D0001"
    make_customer(org_a, name="Iemand Anders")
    listing = client_a.get(reverse("invoicing:customer_list"), {"q": "koren"})
    assert [c.name for c in listing.context["page"]] == ["Korenschoof B.V."]


@pytest.mark.django_db
def test_customer_list_paginates(client_a, org_a):
    for i in range(30):
        make_customer(org_a, name=f"Klant {i:02d}")
    first = client_a.get(reverse("invoicing:customer_list"))
    assert len(first.context["page"]) == 25
    second = client_a.get(reverse("invoicing:customer_list"), {"page": "2"})
    assert len(second.context["page"]) == 5


@pytest.mark.django_db
def test_invalid_party_input(client_a, org_a):
    response = client_a.post(reverse("invoicing:supplier_create"),
                             _party(name=" ", kvk_number="12", country="Nederland", email="x"))
    assert response.status_code == 200
    assert not Supplier.objects.exists()


@pytest.mark.django_db
def test_party_with_invoices_is_archived_never_deleted(client_a, org_a, user_a):
    customer = make_customer(org_a)
    make_sent(org_a, user_a, customer=customer)
    client_a.post(reverse("invoicing:customer_archive", args=[customer.pk]))
    customer.refresh_from_db()
    assert customer.archived
    assert customer not in client_a.get(reverse("invoicing:customer_list")).context["page"]
    archived = client_a.get(reverse("invoicing:customer_list"), {"archived": "1"})
    assert customer in archived.context["page"]
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        customer.delete()
    client_a.post(reverse("invoicing:customer_archive", args=[customer.pk]), {"archived": "0"})
    customer.refresh_from_db()
    assert not customer.archived


@pytest.mark.django_db
def test_supplier_codes_and_detail(client_a, org_a):
    client_a.post(reverse("invoicing:supplier_create"), _party(name="Verfgroothandel"))
    supplier = Supplier.objects.get()
    assert supplier.code == "C0001"
    page = client_a.get(reverse("invoicing:supplier_detail", args=[supplier.pk]))
    assert "Verfgroothandel" in page.content.decode()


@pytest.mark.django_db
def test_products_crud(client_a, org_a):
    data = {"description": "Schilderwerk per uur", "unit": "uur", "unit_price": "55,00",
            "vat_rate": "21", "ledger_account": "8000"}
    assert client_a.post(reverse("invoicing:product_create"), data).status_code == 302
    product = Product.objects.get()
    assert str(product.unit_price) == "55.0000" and product.organization == org_a
    client_a.post(reverse("invoicing:product_edit", args=[product.pk]),
                  {**data, "unit_price": "60"})
    product.refresh_from_db()
    assert str(product.unit_price) == "60.0000"
    bad = client_a.post(reverse("invoicing:product_create"), {**data, "vat_rate": "25"})
    assert bad.status_code == 200 and Product.objects.count() == 1
    client_a.post(reverse("invoicing:product_archive", args=[product.pk]))
    product.refresh_from_db()
    assert product.archived
    assert client_a.get(reverse("invoicing:product_list")).status_code == 200


@pytest.mark.django_db
def test_pagination_links_keep_the_filters(client_a, org_a):
    for i in range(30):
        make_customer(org_a, name=f"Schilder {i:02d}")
    page = client_a.get(reverse("invoicing:customer_list"), {"q": "schilder"}).content.decode()
    assert "?q=schilder&amp;page=2" in page
