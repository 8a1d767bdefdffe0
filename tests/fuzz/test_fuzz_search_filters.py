"""The list pages' search and filter forms (GET) and the editors' prefills under hostile
query strings: a page or an ignored filter, never a server error."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import strategies as fz

PAGES = [
    "invoicing:invoice_list", "invoicing:customer_list", "invoicing:supplier_list",
    "invoicing:product_list", "invoicing:purchase_list", "invoicing:invoice_create",
    "workorders:workorder_list", "workorders:workorder_create", "workorders:planning_day",
    "workorders:planning_week", "ebh_sync:errors", "connections:overview",
]
DIGITS = st.sampled_from(["²", "١٢", "9" * 25, "-1", "0", "1"])
PARAMETERS = {
    "q": fz.hostile_text, "status": fz.hostile_choice, "state": fz.hostile_choice,
    "customer": fz.hostile_choice | DIGITS, "supplier": fz.hostile_choice | DIGITS,
    "assigned": fz.hostile_choice | DIGITS, "archived": fz.hostile_choice,
    "from": fz.hostile_date, "to": fz.hostile_date, "date_from": fz.hostile_date,
    "date_to": fz.hostile_date, "date": fz.hostile_date, "week": fz.hostile_date | fz.hostile_text,
    "page": fz.hostile_number,
}
queries = st.fixed_dictionaries({}, optional=PARAMETERS)


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
@fz.FUZZ
@given(query=queries)
def test_fuzz_list_filters(client_a, page, query):
    response = client_a.get(reverse(page), query)
    assert response.status_code == 200, response.status_code
