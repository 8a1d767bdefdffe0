"""Small texts a person reads: no "B.V..", a credit note called a credit note, readable
invoice-number formats, words a user understands under the lines, a Dutch login error."""

import datetime
import re

import pytest
from django.urls import reverse

from invoicing import services
from tests.invoicing.factories import line, make_customer, make_draft, make_sent

NUMBERING = reverse("invoicing:numbering_settings")


@pytest.mark.django_db
def test_finalize_page_of_a_name_ending_in_a_dot_has_no_double_dot(client_a, org_a):
    customer = make_customer(org_a, name="Schildersbedrijf Jansen B.V.")
    draft = make_draft(org_a, customer=customer)
    page = client_a.get(reverse("invoicing:invoice_finalize", args=[draft.pk])).content.decode()
    assert "Schildersbedrijf Jansen B.V." in page and "B.V.." not in page


@pytest.mark.django_db
def test_a_credit_notes_finalize_page_speaks_of_a_credit_note(client_a, org_a, user_a):
    invoice = make_sent(org_a, user_a, lines=[line(price="100")])
    credit = services.credit_note_create(invoice=invoice, user=user_a)
    page = client_a.get(reverse("invoicing:invoice_finalize", args=[credit.pk])).content.decode()
    assert "Creditnota definitief maken" in page
    assert "De creditnota naar de klant mailen" in page
    assert "factuur" not in page.split('class="card narrow"')[1]


@pytest.mark.django_db
def test_the_editor_explains_the_total_in_user_words(client_a):
    page = client_a.get(reverse("invoicing:invoice_create")).content.decode()
    assert "Totaal excl. btw (de totalen worden bij opslaan precies berekend)" in page
    assert "server" not in page.split("<tfoot>")[1].split("</tfoot>")[0]


@pytest.mark.django_db
def test_numbering_offers_examples_instead_of_syntax(client_a, org_a, user_a):
    page = client_a.get(NUMBERING).content.decode()
    year = datetime.date.today().year
    for example in (f"{year}-0001", f"F{year}-001", f"{year}001"):
        assert example in page
    shown = re.sub(r"<[^>]*>", "", page)  # the text, without the radio buttons' values
    assert "{seq:04}" not in shown.split("Eigen opmaak")[0]
    response = client_a.post(NUMBERING, {"number_format": "F{year}-{seq:03}", "next_number": "7"})
    assert response.status_code == 302
    invoice = make_sent(org_a, user_a, issue_date=datetime.date.today())
    assert invoice.number == f"F{year}-007"


@pytest.mark.django_db
@pytest.mark.parametrize("own", ["{year}", "{year}-{seq", "{client}-{seq}"])
def test_numbering_refuses_a_format_that_cannot_number(client_a, org_a, own):
    response = client_a.post(NUMBERING, {"number_format": "own", "own_format": own,
                                         "next_number": "1"})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    org_a.refresh_from_db()
    assert org_a.invoice_number_format == "{year}-{seq:04}"
    # the business details page no longer takes the format as text
    client_a.post("/settings/organization/", {"name": org_a.name, "invoice_number_format": own})
    org_a.refresh_from_db()
    assert org_a.invoice_number_format == "{year}-{seq:04}"


@pytest.mark.django_db
def test_numbering_takes_an_own_format_and_refuses_a_bad_one(client_a, org_a):
    bad = client_a.post(NUMBERING, {"number_format": "own", "own_format": "{jaar}",
                                    "next_number": "1"})
    assert bad.status_code == 200
    org_a.refresh_from_db()
    assert org_a.invoice_number_format == "{year}-{seq:04}"
    good = client_a.post(NUMBERING, {"number_format": "own", "own_format": "INV-{seq:05}",
                                     "next_number": "1"})
    assert good.status_code == 302
    org_a.refresh_from_db()
    assert org_a.invoice_number_format == "INV-{seq:05}"
    assert 'value="INV-{seq:05}"' in client_a.get(NUMBERING).content.decode()


@pytest.mark.django_db
def test_switching_organization_message_has_one_dot(client_a, org_a, user_a):
    org_a.name = "Schildersbedrijf Jansen B.V."
    org_a.save()
    response = client_a.post(reverse("accounts:organization_switch"),
                             {"organization": org_a.pk}, follow=True)
    assert "B.V.." not in response.content.decode()


@pytest.mark.django_db
def test_wrong_login_says_so_in_proper_dutch(client, user_a):
    page = client.post(reverse("accounts:login"),
                       {"username": user_a.email, "password": "fout-wachtwoord"}).content.decode()
    assert "Het e-mailadres of het wachtwoord klopt niet" in page
    assert "een juiste" not in page


@pytest.mark.django_db
def test_a_credit_notes_email_speaks_of_a_credit_note(org_a, user_a):
    invoice = make_sent(org_a, user_a, lines=[line(price="100")])
    credit = services.credit_note_create(invoice=invoice, user=user_a)
    assert "onze creditnota" in services.default_email_message(credit)
