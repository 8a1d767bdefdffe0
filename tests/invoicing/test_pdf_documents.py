"""What the PDF prints about the parties: every character of the seller in the footer of every
page, emoji with a glyph, Dutch postcodes as 1234 AB and foreign countries by name in the
document's language."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.invoicing.factories import line, make_customer, make_sent

SELLER = "Schilder- & Klusbedrijf 'De Vries-Müller' <Kleur=Leven>"
BUYER = "Café \"Het Hoekje\" & Zn. <B=B>"


def _pages(invoice) -> list[str]:
    with invoice.pdf.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _fonts(invoice) -> set[str]:
    with invoice.pdf.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return {str(font.get_object()["/BaseFont"]) for page in reader.pages
            for font in page["/Resources"]["/Font"].values()}


@pytest.fixture
def seller(org_a):
    org_a.name, org_a.vat_id, org_a.iban = SELLER, "NL004495445B01", "NL91ABNA0417164300"
    org_a.save()
    return org_a


@pytest.mark.django_db
def test_footer_prints_the_seller_exactly_on_every_page(seller, user_a):
    customer = make_customer(seller, name=BUYER)
    lines = [line(f"Muur {n} schilderen - 2 lagen & plafond <wit>") for n in range(40)]
    pages = _pages(make_sent(seller, user_a, customer=customer, lines=lines))
    assert len(pages) >= 2
    footer = f"{SELLER} · KvK 12345678 · Btw-id NL004495445B01 · IBAN NL91 ABNA 0417 1643 00"
    for number, text in enumerate(pages, start=1):
        assert footer in text, (number, text[-300:])
        assert f"{number}/{len(pages)}" in text
    assert "u002D" not in " ".join(pages) and "u0026" not in " ".join(pages)
    assert BUYER in pages[0] and "Muur 39 schilderen - 2 lagen & plafond <wit>" in pages[-1]


@pytest.mark.django_db
def test_emoji_in_a_line_and_a_name_get_a_glyph(org_a, user_a):
    customer = make_customer(org_a, name="Bloemen 🌷 Bakker")
    invoice = make_sent(org_a, user_a, customer=customer,
                        lines=[line("Kozijnen geverfd 🎨 en 2 deuren 👍🏽")])
    text = _pages(invoice)[0]
    assert "Bloemen 🌷 Bakker" in text and "Kozijnen geverfd 🎨 en 2 deuren 👍🏽" in text
    assert any("Noto-Color-Emoji" in font for font in _fonts(invoice))
    assert any("DejaVu-Sans" in font for font in _fonts(invoice))


@pytest.mark.django_db
@pytest.mark.parametrize("language, country", [("nl", "Duitsland"), ("en", "Germany")])
def test_foreign_country_prints_by_name_in_the_document_language(org_a, user_a, language,
                                                                 country):
    customer = make_customer(org_a, country="DE", postcode="40213", city="Düsseldorf",
                             vat_id="DE123456788", language=language)
    text = _pages(make_sent(org_a, user_a, customer=customer))[0]
    assert f"40213 Düsseldorf {country}" in text


@pytest.mark.django_db
def test_dutch_postcode_prints_as_1234_ab(org_a, user_a):
    customer = make_customer(org_a, postcode="3511ab", city="Utrecht")
    text = _pages(make_sent(org_a, user_a, customer=customer))[0]
    assert "3511 AB Utrecht" in text and "Nederland" not in text.split("Utrecht")[1][:20]
