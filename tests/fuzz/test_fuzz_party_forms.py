"""Customers, suppliers and products under hostile POSTs: never a server error, nothing
written on a refusal, and a saved row holds exactly the cleaned values."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from invoicing.forms import CustomerForm, ProductForm, SupplierForm
from tests.fuzz import strategies as fz
from tests.invoicing.factories import make_customer, make_product, make_supplier

PARTY_FIELDS = {
    "kind": fz.choice(["company", "private"]),
    "name": fz.text(),
    "contact_person": fz.text(st.one_of(st.just(""), fz.plain_text)),
    "address": fz.text(),
    "postcode": fz.text("1234 AB"),
    "city": fz.text(),
    "country": fz.text(["NL", "be", " de "]),
    "email": fz.text(["", "Info@Example.test"]),
    "phone": fz.text("+31 6 12345678"),
    "kvk_number": fz.text(["", "12345678"]),
    "vat_id": fz.text(["", "nl 123.456.789 b01"]),
    "iban": fz.text(["", "nl91 abna 0417 1643 00"]),
    "payment_term_days": fz.number(st.one_of(st.just(""), st.integers(0, 365).map(str))),
    "language": fz.choice(["nl", "en"]),
    "reverse_charge": fz.choice(["", "on"]),
}
PRODUCT_FIELDS = {
    "description": fz.text(),
    "unit": fz.text(["", "uur", "m²"]),
    "unit_price": fz.number(st.decimals(min_value=0, max_value=10**9, places=4).map(str)),
    "vat_rate": fz.choice(["21", "9", "0"]),
    "ledger_account": fz.text(["", "8000"]),
}
PARTIES = {"customer": (CustomerForm, make_customer), "supplier": (SupplierForm, make_supplier)}


@pytest.fixture
def party(org_a, kind):
    return PARTIES[kind][1](org_a)


@pytest.fixture
def product(org_a):
    return make_product(org_a)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PARTIES)
@fz.FUZZ
@given(post=fz.form_data(PARTY_FIELDS))
def test_fuzz_party_create(client_a, kind, post):
    form_class = PARTIES[kind][0]
    fz.post_model_form(client_a, reverse(f"invoicing:{kind}_create"), post, form_class(post))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PARTIES)
@fz.FUZZ
@given(post=fz.form_data(PARTY_FIELDS))
def test_fuzz_party_edit(client_a, kind, party, post):
    form_class = PARTIES[kind][0]
    url = reverse(f"invoicing:{kind}_edit", args=[party.pk])
    fz.post_model_form(client_a, url, post, form_class(post, instance=party), instance=party)


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data(PRODUCT_FIELDS))
def test_fuzz_product_create(client_a, post):
    fz.post_model_form(client_a, reverse("invoicing:product_create"), post, ProductForm(post))


@pytest.mark.django_db
@fz.FUZZ
@given(post=fz.form_data(PRODUCT_FIELDS))
def test_fuzz_product_edit(client_a, product, post):
    url = reverse("invoicing:product_edit", args=[product.pk])
    fz.post_model_form(client_a, url, post, ProductForm(post, instance=product), instance=product)
