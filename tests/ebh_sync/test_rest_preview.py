"""The booking preview of a REST connection says, before anything is sent, where REST's own
per-row VAT cannot reach the invoice's VAT and that the description is cut to 50 characters."""

import pytest

from ebh_sync import preview
from eboekhouden import rest
from tests.ebh_sync.test_booking_preview import detail, problems, product_lines
from tests.invoicing.factories import make_customer, make_draft


@pytest.mark.django_db
def test_rest_preview_names_the_vat_rows_cannot_reach(rest_linked, org_a, customer, client_a):
    draft = make_draft(org_a, customer=customer, lines=product_lines())
    booking = preview.booking_preview(draft).booking
    differences = rest.vat_differences(booking.mutation.lines)
    assert set(differences) == {"HOOG_VERK_21"}  # four accounts at 21 %: rounded per row
    assert problems(detail(client_a, draft)) == ["rest_vat_rounding"]


@pytest.mark.django_db
def test_rest_preview_says_the_description_is_cut(rest_linked, org_a, client_a):
    customer = make_customer(org_a, name="Stichting Vrienden van het Lange Beschrijvingsveld")
    draft = make_draft(org_a, customer=customer)
    assert len(preview.booking_preview(draft).booking.mutation.description) > 50
    page = detail(client_a, draft)
    assert problems(page) == ["rest_description_cut"]


@pytest.mark.django_db
def test_soap_preview_has_no_rest_problems(linked, org_a, customer, client_a):
    draft = make_draft(org_a, customer=customer, lines=product_lines())
    assert problems(detail(client_a, draft)) == []
