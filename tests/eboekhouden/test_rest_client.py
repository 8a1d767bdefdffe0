"""eboekhouden.rest.RestClient against the sandbox's REST API over real HTTP: every method of
the client interface, the id maps, the limits REST differs in, and bookings that one transport
makes and the other reads."""

import datetime
from decimal import Decimal

import pytest

from connections.clients import ConfiguredRestClient
from eboekhouden.client import (
    BOOKING_DATES,
    ApiToken,
    InvoiceData,
    InvoiceLine,
    MutationData,
    MutationLine,
    RejectedError,
    RelationData,
    Session,
    SessionError,
    TransientError,
)
from eboekhouden.rest import (
    MUTATION_KINDS,
    MUTATION_TYPES,
    PAGE_SIZE,
    RestConfig,
    _numbered,
    rest_source,
)
from eboekhouden.soap import SoapClient, SoapConfig
from tests.eboekhouden.rest_helpers import make_client

DAY = datetime.date(2026, 3, 2)


def _relation(code: str, name: str = "Klant B.V.") -> RelationData:
    return RelationData(code=code, name=name, city="Utrecht", email="info@klant.example")


def _sale(number: str, relation_code: str, *, relation_id: int = 0, description: str = "",
          lines=None) -> MutationData:
    lines = lines or (MutationLine(Decimal("100.00"), Decimal("21.00"), Decimal("121.00"),
                                   "HOOG_VERK_21", Decimal("21"), "8000"),)
    return MutationData(
        kind="FactuurVerstuurd", date=DAY, account="1300", relation_code=relation_code,
        invoice_number=number, description=description or f"Factuur {number}",
        payment_term_days=14, lines=tuple(lines), relation_id=relation_id)


def _find(rest, session, number: str):
    return rest.get_mutaties(session, invoice_number=number, date_from=BOOKING_DATES[0],
                             date_to=BOOKING_DATES[1])


# --- sessions ----------------------------------------------------------------------------------


def test_a_session_is_opened_with_the_api_token_and_closed(rest, token, credentials):
    session = rest.open_session(token)
    assert session.security_code_2 == "" and session.session_id
    assert token.token not in repr(session) + repr(rest) + repr(rest._sessions)
    assert rest.get_administraties(session) is not None
    rest.close_session(session)
    rest.close_session(session)  # never raises, not even for a closed session
    assert rest.count("POST", "/v1/session") == 1
    assert rest.count("DELETE", "/v1/session") == 2
    with pytest.raises(TypeError):
        rest.open_session(credentials)
    with pytest.raises(TypeError):
        rest.open_session_sub(credentials, "guid")


def test_the_source_is_sanitized_for_rest():
    assert rest_source("Facturen-app v2") == "Facturenap"
    assert rest_source("Facturen") == "Facturen"
    assert rest_source("---") == "Facturen"
    assert rest_source("Mijn_App 1") == "Mijn_App 1"


def test_a_hyphenated_source_still_opens_a_session(rest_sandbox, token):
    client = make_client(rest_sandbox, source="e-Facturen")
    with client.session(token) as session:
        assert client.get_grootboekrekeningen(session)


# --- reads -------------------------------------------------------------------------------------


def test_ledgers_are_read_once_and_mapped_to_ids(rest, session):
    ledgers = rest.get_grootboekrekeningen(session)
    debtors = rest.get_grootboekrekeningen(session, category="DEB")
    assert {"1300", "8000"} <= {ledger.code for ledger in ledgers}
    assert [ledger.code for ledger in debtors] == ["1300"]
    assert all(ledger.id > 0 for ledger in ledgers)
    ids = rest.ledger_ids(session)
    assert ids == {ledger.code: ledger.id for ledger in ledgers}
    assert rest.count("GET", "/v1/ledger") == 2  # the map came from the first list call


def test_cost_centres_articles_and_administrations(rest, account, session):
    centres = rest.get_kostenplaatsen(session)
    assert {(c.description, c.parent_id == 0) for c in centres} >= {("Algemeen", True)}
    articles = {article.code: article for article in rest.get_artikelen(session)}
    assert articles["BOEK-01"].sales_price == Decimal("24.95")
    assert articles["BOEK-01"].vat_code == "LAAG_VERK_9"
    assert articles["BOEK-01"].contra_account == "8010"
    assert articles["ADV-UUR"].unit == "uur" and articles["ADV-UUR"].active
    [administration] = rest.get_administraties(session)  # the token's own (sandbox)
    assert administration.guid == account["administrations"][0]


# --- relations ---------------------------------------------------------------------------------


def test_add_and_find_relations(rest, session):
    relation_id = rest.add_relatie(session, _relation("K00001", "Jansen B.V."))
    assert relation_id > 0
    assert [(r.id, r.code, r.name) for r in rest.get_relaties(session, code="K00001")] == [
        (relation_id, "K00001", "Jansen B.V.")]
    assert rest.get_relaties(session, code="K99999") == []
    [record] = rest.find_relaties(session, code="K00001")
    assert record.data.city == "Utrecht" and record.data.email == "info@klant.example"
    assert [r.data.code for r in rest.find_relaties(session, keyword="Jansen")] == ["K00001"]


def test_a_relation_code_longer_than_15_is_refused_before_sending(rest, session):
    with pytest.raises(RejectedError) as caught:
        rest.add_relatie(session, _relation("K" * 16))
    assert caught.value.code == "REL_006"
    assert rest.count("POST", "/v1/relation") == 0


def test_the_whole_relation_list_is_read_in_pages(rest, rest_sandbox, account, session):
    rest_sandbox.seed_relations(account["administrations"][0], 5000)
    records = rest.find_relaties(session)
    assert len(records) == 5000 and len({r.id for r in records}) == 5000
    assert rest.count("GET", "/v1/relation") == 3  # 2,000 + 2,000 + 1,000


def test_pages_follow_the_configured_size(rest_sandbox, token):
    assert PAGE_SIZE == 2000
    client = make_client(rest_sandbox, page_size=2)
    with client.session(token) as session:
        for number in range(5):
            client.add_relatie(session, _relation(f"P{number}"))
        records = client.find_relaties(session)
    assert sorted(r.data.code for r in records) == [f"P{n}" for n in range(5)]
    assert client.count("GET", "/v1/relation") == 3  # ceil(5 / 2)


# --- mutations ---------------------------------------------------------------------------------


def test_book_a_sales_invoice(rest, rest_sandbox, account, session):
    rest.add_relatie(session, _relation("K1"))
    number = rest.add_mutatie(session, _sale("F2026-001", "K1"))
    [booked] = rest_sandbox.mutations(account["security_code_2"])
    assert booked["nr"] == number and booked["soort"] == "FactuurVerstuurd"
    assert booked["rekening"] == "1300" and booked["relatie_code"] == "K1"
    [line] = booked["lines"]
    assert (line["tegenrekening"], line["btw_code"]) == ("8000", "HOOG_VERK_21")
    assert Decimal(str(line["btw"])) == Decimal("21.00")
    [found] = _find(rest, session, "F2026-001")
    assert (found.number, found.kind, found.relation_code, found.gross_total, found.date) == (
        number, "FactuurVerstuurd", "K1", Decimal("121.00"), DAY)


def test_open_items_follow_the_payments_matched_in_e_boekhouden(rest, rest_sandbox, account,
                                                                 session):
    rest.add_relatie(session, _relation("K1"))
    rest.add_mutatie(session, _sale("F2026-010", "K1"))
    rest.add_mutatie(session, _sale("F2026-011", "K1"))
    rest_sandbox.pay_invoice(account["security_code_2"], "F2026-010", "21.00")
    rest_sandbox.pay_invoice(account["security_code_2"], "F2026-011")  # all that is open
    [item] = rest.get_open_posten(session, "Debiteuren")
    assert (item.invoice_number, item.relation_code) == ("F2026-010", "K1")
    assert (item.amount, item.paid, item.open_amount) == (
        Decimal("121.00"), Decimal("21.00"), Decimal("100.00"))
    assert rest.get_open_posten(session, "Crediteuren") == []
    assert rest.count("GET", "/v1/mutation/invoice/outstanding") == 2


def test_the_relation_id_is_used_when_known(rest, rest_sandbox, token, session):
    relation_id = rest.add_relatie(session, _relation("K2"))
    other = make_client(rest_sandbox)
    with other.session(token) as fresh:
        other.add_mutatie(fresh, _sale("F2026-002", "K2", relation_id=relation_id))
        assert other.count("GET", "/v1/relation") == 0  # no look-up by code
        other.add_mutatie(fresh, _sale("F2026-003", "K2"))
        assert other.count("GET", "/v1/relation") == 1  # one look-up, then remembered
        other.add_mutatie(fresh, _sale("F2026-004", "K2"))
        assert other.count("GET", "/v1/relation") == 1


def test_the_description_is_cut_to_50_characters(rest, rest_sandbox, account, session):
    rest.add_relatie(session, _relation("K3"))
    rest.add_mutatie(session, _sale("F2026-005", "K3", description="x" * 80))
    [booked] = rest_sandbox.mutations(account["security_code_2"])
    assert booked["omschrijving"] == "x" * 50


def test_an_unknown_ledger_code_is_refused_before_sending(rest, session):
    rest.add_relatie(session, _relation("K4"))
    line = MutationLine(Decimal(10), Decimal("2.10"), Decimal("12.10"), "HOOG_VERK_21",
                        Decimal(21), "9999")
    with pytest.raises(RejectedError) as caught:
        rest.add_mutatie(session, _sale("F2026-006", "K4", lines=[line]))
    assert caught.value.code == "MUT_104"
    assert rest.count("POST", "/v1/mutation") == 0


def test_rows_carry_no_vat_amount_for_standard_codes(rest, session):
    rest.add_relatie(session, _relation("K5"))
    lines = [
        MutationLine(Decimal("10.00"), Decimal("2.10"), Decimal("12.10"), "HOOG_VERK_21",
                     Decimal(21), "8000", 1),
        MutationLine(Decimal("10.00"), Decimal("1.00"), Decimal("11.00"), "AFW_VERK",
                     Decimal(0), "8000"),
    ]
    body = rest.mutation_payload(session, _sale("F2026-007", "K5", lines=lines))
    assert body["type"] == 2 and body["inExVat"] == "EX" and body["termOfPayment"] == 14
    assert body["ledgerId"] == rest.ledger_ids(session)["1300"]
    first, second = body["rows"]
    assert "vatAmount" not in first and first["costCenterId"] == 1
    assert second["vatAmount"] == Decimal("1.00") and "costCenterId" not in second


@pytest.mark.parametrize(("kind", "number"), [
    ("FactuurOntvangen", 1), ("FactuurVerstuurd", 2), ("FactuurbetalingOntvangen", 3),
    ("FactuurbetalingVerstuurd", 4), ("GeldOntvangen", 5), ("GeldUitgegeven", 6),
    ("Memoriaal", 7),
])
def test_mutation_kinds_become_rest_types(kind, number):
    assert MUTATION_TYPES[kind] == number and MUTATION_KINDS[number] == kind


def test_a_second_booking_of_an_invoice_number_is_mut_019(rest, session):
    rest.add_relatie(session, _relation("K6"))
    rest.add_mutatie(session, _sale("F2026-008", "K6"))
    with pytest.raises(RejectedError) as caught:
        rest.add_mutatie(session, _sale("F2026-008", "K6"))
    assert caught.value.code in {"MUT_019", "MUT_020"}


def test_a_second_purchase_of_the_same_supplier_and_number_is_mut_020(rest, session):
    rest.add_relatie(session, _relation("L1", "Leverancier"))
    rest.add_relatie(session, _relation("L2", "Andere leverancier"))
    line = MutationLine(Decimal("40.00"), Decimal("8.40"), Decimal("48.40"), "HOOG_INK_21",
                        Decimal(21), "4000")

    def purchase(supplier: str) -> MutationData:
        return MutationData(kind="FactuurOntvangen", date=DAY, account="1600",
                            relation_code=supplier, invoice_number="INK-77",
                            description="Inkoop", payment_term_days=30, lines=(line,))

    first = rest.add_mutatie(session, purchase("L1"))
    assert rest.add_mutatie(session, purchase("L2")) != first  # another supplier may
    with pytest.raises(RejectedError) as caught:
        rest.add_mutatie(session, purchase("L1"))
    assert caught.value.code == "MUT_020"
    found = _find(rest, session, "INK-77")
    assert {(row.kind, row.relation_code) for row in found} == {
        ("FactuurOntvangen", "L1"), ("FactuurOntvangen", "L2")}


def test_a_mutation_list_without_numbers_is_not_trusted():
    with pytest.raises(TransientError) as caught:
        _numbered([{"id": 0, "type": "2", "invoiceNumber": "F1"}])
    assert caught.value.kind == TransientError.MALFORMED
    assert _numbered([{"Id": 7}]) == [{"Id": 7}]


def test_mutations_by_number_window(rest, session):
    rest.add_relatie(session, _relation("K7"))
    numbers = [rest.add_mutatie(session, _sale(f"F2026-1{n}", "K7")) for n in range(3)]
    since = rest.get_mutaties(session, invoice_number="", date_from=BOOKING_DATES[0],
                              date_to=BOOKING_DATES[1], number_from=numbers[1])
    assert [row.number for row in since] == numbers[1:]
    window = rest.get_mutaties(session, invoice_number="", date_from=BOOKING_DATES[0],
                               date_to=BOOKING_DATES[1], number_from=numbers[0],
                               number_to=numbers[1])
    assert [row.number for row in window] == numbers[:2]
    assert {row.kind for row in window} == {"FactuurVerstuurd"}
    # The list has no relation (lists_mutation_relations); its amount is the gross total.
    assert {(row.relation_code, row.gross_total) for row in window} == {("", Decimal("121.00"))}
    assert rest.mutation_lookup_cap is None and not rest.lists_mutation_relations


# --- invoices of the invoicing module ----------------------------------------------------------


def _module_invoice(number: str, relation_code: str, template: str = "Standaard") -> InvoiceData:
    return InvoiceData(
        invoice_number=number, relation_code=relation_code, date=DAY, payment_term_days=30,
        template=template, booking_description=f"Werkbon {number}",
        lines=(InvoiceLine("ADV-UUR", "Advies", Decimal(2), "uur", Decimal("75.00"),
                           "HOOG_VERK_21", "8000"),))


def test_add_and_read_an_invoice(rest, rest_sandbox, account, session):
    rest.add_relatie(session, _relation("K8"))
    assert rest.add_factuur(session, _module_invoice("2026-0001", "K8")) == "2026-0001"
    [found] = rest.get_facturen(session, invoice_number="2026-0001",
                                date_from=DAY, date_to=DAY)
    assert (found.number, found.relation_code, found.gross_total) == (
        "2026-0001", "K8", Decimal("181.50"))
    assert found.pdf_url == "" or found.pdf_url.startswith(("http://", "https://"))
    [invoice] = rest_sandbox.invoices(account["security_code_2"])
    assert invoice["sjabloon"] == "Standaard" and invoice["mutatie_nr"]
    with pytest.raises(RejectedError) as caught:
        rest.add_factuur(session, _module_invoice("2026-0001", "K8"))
    assert caught.value.code == "FACT_101"
    assert rest.count("GET", "/v1/invoicetemplate") == 1


def test_an_unknown_template_is_refused_before_sending(rest, session):
    rest.add_relatie(session, _relation("K9"))
    with pytest.raises(RejectedError) as caught:
        rest.add_factuur(session, _module_invoice("2026-0002", "K9", template="Onbekend"))
    assert caught.value.code == "FACT_018"
    assert rest.count("POST", "/v1/invoice") == 0


# --- one store, two transports -----------------------------------------------------------------


def _soap(sandbox) -> SoapClient:
    return SoapClient(SoapConfig(wsdl_url=sandbox.wsdl_url, endpoint_url=sandbox.endpoint,
                                 connect_timeout=5, read_timeout=10))


def test_booked_over_rest_read_over_soap_and_back(rest, rest_sandbox, credentials, session):
    rest.add_relatie(session, _relation("X1"))
    by_rest = rest.add_mutatie(session, _sale("F2026-R1", "X1"))
    soap = _soap(rest_sandbox)
    with soap.session(credentials) as soap_session:
        [seen] = soap.get_mutaties(soap_session, invoice_number="F2026-R1",
                                   date_from=BOOKING_DATES[0], date_to=BOOKING_DATES[1])
        assert [r.id for r in soap.get_relaties(soap_session, code="X1")]
        by_soap = soap.add_mutatie(soap_session, _sale("F2026-S1", "X1"))
    assert (seen.number, seen.relation_code, seen.gross_total) == (
        by_rest, "X1", Decimal("121.00"))
    [back] = _find(rest, session, "F2026-S1")
    assert (back.number, back.kind, back.relation_code, back.gross_total) == (
        by_soap, "FactuurVerstuurd", "X1", Decimal("121.00"))
    with pytest.raises(RejectedError) as caught:  # the same store refuses it over REST too
        rest.add_mutatie(session, _sale("F2026-S1", "X1"))
    assert caught.value.code in {"MUT_019", "MUT_020"}


def test_an_invoice_made_over_rest_is_read_over_soap(rest, rest_sandbox, credentials, session):
    rest.add_relatie(session, _relation("X2"))
    rest.add_factuur(session, _module_invoice("2026-0500", "X2"))
    soap = _soap(rest_sandbox)
    with soap.session(credentials) as soap_session:
        [seen] = soap.get_facturen(soap_session, invoice_number="2026-0500", date_from=DAY,
                                   date_to=DAY)
    assert (seen.relation_code, seen.gross_total) == ("X2", Decimal("181.50"))


def test_a_session_of_another_client_is_not_ours(rest):
    with pytest.raises(SessionError) as caught:
        rest.get_administraties(Session("not-ours", ""))
    assert caught.value.code == "SECURITY_010"


def test_the_configured_client_reads_the_settings(settings, rest_sandbox, token):
    settings.EBH_REST_URL = rest_sandbox.rest_url
    client = ConfiguredRestClient()
    assert client.config == RestConfig(
        base_url=rest_sandbox.rest_url, connect_timeout=float(settings.EBH_CONNECT_TIMEOUT),
        read_timeout=float(settings.EBH_READ_TIMEOUT), source=settings.EBH_SOURCE,
        throttle_retries=settings.EBH_REST_THROTTLE_RETRIES,
        max_throttle_wait=float(settings.EBH_REST_MAX_THROTTLE_WAIT))
    with client.session(ApiToken(token.token)) as session:
        assert client.get_grootboekrekeningen(session, category="DEB")
