"""Relations, ledger accounts, balances, articles, cost centres and administrations."""

from __future__ import annotations

import datetime as dt

import pytest

from ebh_sandbox.testing import SandboxProcess
from tests.ebh_sandbox.builders import Api, error_code, line, relation

# -- relations --------------------------------------------------------------------------------


def test_add_relatie_assigns_incrementing_ids_and_stores_every_field(api: Api) -> None:
    first = api.add_relation("K001", Plaats="Utrecht", Email="info@klant.nl", IBAN="NL91X",
                             Def10="tien", KvkNummer="12345678", GeenEmail=1)
    second = api.add_relation("K002", BP="P", Bedrijf="Jan de Vries")
    assert (first, second) == (1, 2)
    found = api.ok("GetRelaties", cFilter={"Code": "K001", "ID": 0}).Relaties.cRelatie
    assert len(found) == 1
    rel = found[0]
    assert (rel.ID, rel.Plaats, rel.Email, rel.IBAN, rel.Def10, rel.KvkNummer, rel.GeenEmail) \
        == (1, "Utrecht", "info@klant.nl", "NL91X", "tien", "12345678", 1)
    assert rel.AddDatum.date() == dt.date.today()
    assert rel.Adres is None and rel.Gb_ID == 0


def test_get_relaties_answers_at_most_the_row_cap_per_call(api: Api, sb: SandboxProcess) -> None:
    sb.set_settings(getrelaties_row_cap=3)
    for number in range(5):
        api.add_relation(f"K{number:03}", Bedrijf=f"Klant {number}", Plaats="Gouda")
    everything = api.ok("GetRelaties", cFilter={"ID": 0}).Relaties.cRelatie
    assert [rel.Code for rel in everything] == ["K000", "K001", "K002"]
    # A narrower keyword reaches the rest.
    narrow = api.ok("GetRelaties", cFilter={"Trefwoord": "K004", "ID": 0}).Relaties.cRelatie
    assert [rel.Code for rel in narrow] == ["K004"]


@pytest.mark.parametrize(("overrides", "code"), [
    ({"Code": ""}, "CREL003"),
    ({"Bedrijf": None}, "CREL004"),
    ({"BP": "X"}, "CREL005"),
    ({"Code": "K" * 16}, "CREL006"),
    ({"Email": "x" * 151}, "CREL006"),
])
def test_add_relatie_rejects_bad_records(api: Api, overrides: dict, code: str) -> None:
    result = api("AddRelatie", oRel=relation("K001", **overrides))
    assert error_code(result) == code
    assert result.Rel_ID == 0


def test_relation_code_is_unique(api: Api) -> None:
    api.add_relation("K001")
    duplicate = api("AddRelatie", oRel=relation("K001", Bedrijf="Ander"))
    assert error_code(duplicate) == "CREL001"
    assert duplicate.Rel_ID == 0


def test_bp_defaults_to_business(api: Api) -> None:
    api.add_relation("K001", BP=None)
    assert api.ok("GetRelaties", cFilter={"ID": 1}).Relaties.cRelatie[0].BP == "B"


def test_update_relatie_is_a_full_overwrite(api: Api) -> None:
    rel_id = api.add_relation("K001", Plaats="Utrecht", Email="a@b.nl", Telefoon="010")
    api.ok("UpdateRelatie", oRel=relation("K001", ID=rel_id, Plaats="Zwolle"))
    rel = api.ok("GetRelaties", cFilter={"ID": rel_id}).Relaties.cRelatie[0]
    assert rel.Plaats == "Zwolle"
    assert rel.Email is None and rel.Telefoon is None  # not sent, so cleared


def test_update_relatie_by_code_and_code_change(api: Api) -> None:
    api.add_relation("K001")
    api.add_relation("K002")
    assert error_code(api("UpdateRelatie", oRel=relation("K001", Bedrijf="Nieuw"))) is None
    assert error_code(api("UpdateRelatie", oRel=relation("K002", ID=1))) == "CREL001"
    assert error_code(api("UpdateRelatie", oRel=relation("K003", ID=1))) is None
    codes = [r.Code for r in api.ok("GetRelaties", cFilter={"ID": 0}).Relaties.cRelatie]
    assert codes == ["K003", "K002"]


def test_update_relatie_errors(api: Api) -> None:
    assert error_code(api("UpdateRelatie", oRel=relation("NOPE"))) == "CREL002"
    assert error_code(api("UpdateRelatie", oRel=relation("X", ID=99))) == "CREL002"
    api.add_relation("K001", Contactpersoon="c" * 150)  # 150 is fine on Add ...
    too_long = api("UpdateRelatie", oRel=relation("K001", ID=1, Contactpersoon="c" * 51))
    assert error_code(too_long) == "CREL006"  # ... but Update caps it at 50


def test_get_relaties_filters(api: Api) -> None:
    api.add_relation("K001", Bedrijf="Bakkerij Brood", Plaats="Utrecht")
    api.add_relation("K002", Bedrijf="Slagerij", Plaats="Amsterdam", Email="BROOD@x.nl")
    api.add_relation("L001", Bedrijf="Leverancier")

    def codes(**flt: object) -> list[str]:
        relaties = api.ok("GetRelaties", cFilter={"ID": 0, **flt}).Relaties
        return [r.Code for r in relaties.cRelatie] if relaties else []

    assert codes() == ["K001", "K002", "L001"]
    assert codes(Trefwoord="brood") == ["K001", "K002"]
    assert codes(Trefwoord="utrecht") == ["K001"]
    assert codes(Code="L001") == ["L001"]
    assert codes(ID=2) == ["K002"]
    assert codes(Code="NONE") == []


# -- ledger accounts ---------------------------------------------------------------------------


def gb(**overrides: object) -> dict:
    return {"ID": 0, "Code": "8200", "Omschrijving": "Omzet diversen", "Categorie": "VW",
            **overrides}


def test_standard_chart_of_accounts(api: Api) -> None:
    rekeningen = api.ok("GetGrootboekrekeningen", cFilter={"ID": 0}).Rekeningen
    by_code = {r.Code: r.Categorie for r in rekeningen.cGrootboekrekening}
    assert by_code["1300"] == "DEB" and by_code["1600"] == "CRED"
    assert by_code["8000"] == by_code["4000"] == by_code["7000"] == "VW"
    assert by_code["1010"] == "FIN"
    assert {"AF19", "AF6", "VOOR"} <= set(by_code.values())
    debtors = api.ok("GetGrootboekrekeningen", cFilter={"ID": 0, "Categorie": "DEB"})
    assert [r.Code for r in debtors.Rekeningen.cGrootboekrekening] == ["1300"]


def test_add_and_update_grootboekrekening(api: Api) -> None:
    gb_id = api.ok("AddGrootboekrekening", oGb=gb(ID=999)).Gb_ID
    assert gb_id == 23  # the seeded chart has 22 accounts; the ID sent is ignored
    api.ok("UpdateGrootboekrekening", oGb=gb(ID=gb_id, Code="8300", Omschrijving="Anders",
                                             Categorie="BAL"))
    found = api.ok("GetGrootboekrekeningen", cFilter={"ID": gb_id}).Rekeningen
    row = found.cGrootboekrekening[0]
    assert (row.Code, row.Omschrijving, row.Categorie, row.Groep) == ("8300", "Anders", "BAL", None)


@pytest.mark.parametrize(("overrides", "code"), [
    ({"Code": ""}, "CGN003"),
    ({"Code": "8000"}, "CGB001"),
    ({"Code": "12345678901"}, "CGB003"),
    ({"Omschrijving": None}, "CGB002"),
    ({"Categorie": ""}, "CGB005"),
    ({"Categorie": "DEB"}, "CGB006"),
])
def test_grootboekrekening_errors(api: Api, overrides: dict, code: str) -> None:
    result = api("AddGrootboekrekening", oGb=gb(**overrides))
    assert error_code(result) == code
    assert result.Gb_ID == 0
    existing = api.ok("GetGrootboekrekeningen", cFilter={"ID": 0, "Code": "4000"})
    gb_id = existing.Rekeningen.cGrootboekrekening[0].ID
    updated = api("UpdateGrootboekrekening", oGb=gb(ID=gb_id, **overrides))
    assert error_code(updated) == f"{code}.1"


def test_update_unknown_grootboekrekening(api: Api) -> None:
    assert error_code(api("UpdateGrootboekrekening", oGb=gb(ID=9999))) == "CGB004.1"
    assert error_code(api("UpdateGrootboekrekening", oGb=gb(ID=0))) == "CGB004.1"


# -- balances -----------------------------------------------------------------------------------


def saldo(api: Api, code: str, **flt: object) -> float:
    filt = {"GbCode": code, "KostenPlaatsId": 0, "DatumVan": None, "DatumTot": None, **flt}
    return api.ok("GetSaldo", cFilter=filt).Saldo


def test_saldo_follows_the_bookings(api: Api) -> None:
    api.add_relation("K001")
    api.book(Factuurnummer="F1", Datum=dt.date(2024, 3, 1),
             lines=[line("100.00"), line("50.00", "9", "LAAG_VERK_9", "8010", KostenplaatsID=2)])
    api.book(soort="FactuurbetalingOntvangen", Factuurnummer="F1",
             lines=[{**line("100.00", "0", "GEEN", "1300")}])
    assert saldo(api, "1300") == 175.5 - 100
    assert saldo(api, "8000") == -100
    assert saldo(api, "1500") == -21
    assert saldo(api, "1510") == -4.5
    assert saldo(api, "1010") == 100
    assert saldo(api, "8010", KostenPlaatsId=2) == -50
    assert saldo(api, "8000", KostenPlaatsId=2) == 0
    assert saldo(api, "1300", DatumTot=dt.date(2024, 4, 30)) == 175.5
    assert saldo(api, "1300", DatumVan=dt.date(2024, 6, 1)) == 0
    saldi = api.ok("GetSaldi", cFilter={"KostenPlaatsId": 0, "DatumVan": None,
                                        "DatumTot": None}).Saldi.cSaldo
    assert sum(s.Saldo for s in saldi) == 0  # double entry
    fin = api.ok("GetSaldi", cFilter={"KostenPlaatsId": 0, "DatumVan": None, "DatumTot": None,
                                      "Categorie": "FIN"}).Saldi.cSaldo
    assert {s.Code: s.Saldo for s in fin} == {"1000": 0, "1010": 100, "1100": 0}


def test_saldo_of_unknown_ledger(sb: SandboxProcess, api: Api) -> None:
    filt = {"GbCode": "9999", "KostenPlaatsId": 0, "DatumVan": None, "DatumTot": None}
    assert error_code(api("GetSaldo", cFilter=filt)) == "CSAL001"
    sb.set_settings(unknown_ledger_saldo="zero")
    assert api.ok("GetSaldo", cFilter=filt).Saldo == 0


# -- articles, cost centres ----------------------------------------------------------------------


def test_get_artikelen(api: Api) -> None:
    def codes(**flt: object) -> list[str]:
        found = api.ok("GetArtikelen", cFilter=flt).Artikelen
        return [a.ArtikelCode for a in found.cArtikel] if found else []

    assert codes() == ["ADV-UUR", "BOEK-01", "VERZEND"]
    assert codes(GroepCode="PROD") == ["BOEK-01"]
    assert codes(ArtikelOmschrijving="advies") == ["ADV-UUR"]
    assert codes(ArtikelID=3) == ["VERZEND"]
    assert codes(ArtikelCode="NOPE") == []
    advies = api.ok("GetArtikelen", cFilter={"ArtikelCode": "ADV-UUR"}).Artikelen.cArtikel[0]
    assert str(advies.VerkoopprijsInclBTW) == "90.75"
    assert advies.TegenrekeningCode == "8000" and advies.BtwPercentage == 21


def test_get_kostenplaatsen(api: Api) -> None:
    def ids(**flt: object) -> list[int]:
        found = api.ok("GetKostenplaatsen", cFilter=flt).Kostenplaatsen
        return [k.KostenplaatsId for k in found.cKostenplaats] if found else []

    assert ids() == [1, 2]
    assert ids(KostenplaatsParentID=1) == [2]
    assert ids(KostenplaatsID=1) == [1]
    assert ids(Omschrijving="winkel") == [2]
