"""Contract: the sandbox's WSDL matches the real one, and zeep loaded with the real WSDL can
call every operation on the sandbox (SOAP 1.1 and 1.2) and read well-formed answers."""

from __future__ import annotations

import datetime as dt
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import zeep
from lxml import etree

from ebh_sandbox.schema import OPERATIONS
from ebh_sandbox.testing import BINDING, BINDING12, SandboxProcess
from tests.ebh_sandbox.builders import (
    WIDE,
    error_code,
    invoice,
    mutation,
    mutation_filter,
    relation,
)
from tests.ebh_sandbox.conftest import unique_username

W = "http://schemas.xmlsoap.org/wsdl/"
S = "http://www.w3.org/2001/XMLSchema"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"


def _schema_items(root: etree._Element) -> dict[tuple[str, str], Any]:
    """Every top-level schema declaration: its element sequence or its enumeration."""
    schema = root.find(f"{{{W}}}types/{{{S}}}schema")
    assert schema is not None
    assert schema.get("elementFormDefault") == "qualified"
    items = {}
    for item in schema:
        sequence = tuple(
            (el.get("name"), el.get("type"), el.get("minOccurs"), el.get("maxOccurs"),
             el.get("nillable"))
            for el in item.iter(f"{{{S}}}element") if el is not item
        )
        enums = tuple(el.get("value") for el in item.iter(f"{{{S}}}enumeration"))
        items[(etree.QName(item).localname, item.get("name"))] = (sequence, enums)
    return items


def _wsdl_shape(root: etree._Element) -> dict[str, Any]:
    messages = {
        m.get("name"): [(p.get("name"), p.get("element")) for p in m.iter(f"{{{W}}}part")]
        for m in root.iter(f"{{{W}}}message")
    }
    port_type = {
        op.get("name"): (op.find(f"{{{W}}}input").get("message"),
                         op.find(f"{{{W}}}output").get("message"))
        for op in root.find(f"{{{W}}}portType").iter(f"{{{W}}}operation")
    }
    bindings = {}
    for binding in root.iter(f"{{{W}}}binding"):
        ns = SOAP12 if binding.find(f"{{{SOAP12}}}binding") is not None else SOAP
        bindings[binding.get("name")] = (binding.get("type"), binding.find(f"{{{ns}}}binding")
                                         .get("transport"), {
            op.get("name"): (op.find(f"{{{ns}}}operation").get("soapAction"),
                             op.find(f"{{{ns}}}operation").get("style"),
                             [b.get("use") for b in op.iter(f"{{{ns}}}body")])
            for op in binding.iter(f"{{{W}}}operation")
        })
    ports = {p.get("name"): p.get("binding") for p in root.iter(f"{{{W}}}port")}
    return {"target": root.get("targetNamespace"), "messages": messages, "port_type": port_type,
            "bindings": bindings, "ports": ports, "schema": _schema_items(root)}


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def test_sandbox_wsdl_matches_the_real_wsdl(sandbox: SandboxProcess, real_wsdl: Path) -> None:
    real = _wsdl_shape(etree.parse(str(real_wsdl)).getroot())
    ours = _wsdl_shape(etree.fromstring(_fetch(sandbox.wsdl_url)))
    assert ours["target"] == real["target"] == "http://www.e-boekhouden.nl/soap"
    assert ours["port_type"] == real["port_type"]
    assert len(ours["port_type"]) == 20
    assert ours["messages"] == real["messages"]
    assert ours["bindings"] == real["bindings"]
    assert ours["ports"] == real["ports"]
    assert set(ours["schema"]) == set(real["schema"])
    for key, declaration in real["schema"].items():
        assert ours["schema"][key] == declaration, key


def test_wsdl_address_points_at_the_sandbox(sandbox: SandboxProcess) -> None:
    root = etree.fromstring(_fetch(sandbox.wsdl_url))
    addresses = [
        el.get("location") for ns in (SOAP, SOAP12) for el in root.iter(f"{{{ns}}}address")
    ]
    assert addresses == [sandbox.endpoint, sandbox.endpoint]
    # ASMX also answers ?WSDL in capitals
    assert _fetch(sandbox.endpoint + "?WSDL").startswith(b"<?xml")


def test_declared_operations_are_the_twenty_of_the_service() -> None:
    assert [op.name for op in OPERATIONS] == [
        "GetAdministraties", "GetSaldo", "GetSaldi", "AddFactuur", "GetFacturen", "AddMutatie",
        "GetMutaties", "AddGrootboekrekening", "UpdateGrootboekrekening",
        "GetGrootboekrekeningen", "AddRelatie", "UpdateRelatie", "GetRelaties", "GetOpenPosten",
        "OpenSession", "OpenSessionSub", "CloseSession", "AutoLogin", "GetKostenplaatsen",
        "GetArtikelen",
    ]


@pytest.fixture(scope="module")
def real_client(real_wsdl: Path) -> zeep.Client:
    return zeep.Client(str(real_wsdl))


def _ok(result: Any) -> Any:
    assert error_code(result) is None, result
    return result


@pytest.mark.parametrize("binding", [BINDING, BINDING12], ids=["soap11", "soap12"])
def test_real_wsdl_client_calls_every_operation(
    sb: SandboxProcess, real_client: zeep.Client, binding: str
) -> None:
    svc = real_client.create_service(binding, sb.endpoint)
    acc = sb.add_account(unique_username("contract"), administrations=2, accountant=True)
    code_2 = acc["security_code_2"]
    called: set[str] = set()

    def call(name: str, **kwargs: Any) -> Any:
        called.add(name)
        return _ok(getattr(svc, name)(**kwargs))

    sid = call("OpenSession", Username=acc["username"], SecurityCode1=acc["security_code_1"],
               SecurityCode2=code_2, Source="contract").SessionID
    auth = {"SessionID": sid, "SecurityCode2": code_2}
    admins = call("GetAdministraties", **auth).Administraties.cAdministratie
    assert [a.Guid for a in admins] == acc["administrations"]
    rel_id = call("AddRelatie", **auth, oRel=relation("K001", Plaats="Utrecht")).Rel_ID
    call("AddRelatie", **auth, oRel=relation("L001"))
    call("UpdateRelatie", **auth, oRel=relation("K001", ID=rel_id, Plaats="Zwolle"))
    relaties = call("GetRelaties", **auth, cFilter={"Code": "K001", "ID": 0}).Relaties.cRelatie
    assert relaties[0].Plaats == "Zwolle" and rel_id == relaties[0].ID
    gb_id = call("AddGrootboekrekening", **auth, oGb={
        "ID": 0, "Code": "8200", "Omschrijving": "Omzet extra", "Categorie": "VW"}).Gb_ID
    call("UpdateGrootboekrekening", **auth, oGb={
        "ID": gb_id, "Code": "8200", "Omschrijving": "Omzet overig", "Categorie": "VW"})
    rekeningen = call("GetGrootboekrekeningen", **auth, cFilter={"ID": gb_id}).Rekeningen
    assert rekeningen.cGrootboekrekening[0].Omschrijving == "Omzet overig"
    nr = call("AddMutatie", **auth, oMut=mutation()).Mutatienummer
    mutaties = call("GetMutaties", **auth, cFilter=mutation_filter(MutatieNr=nr)).Mutaties
    regel = mutaties.cMutatieList[0].MutatieRegels.cMutatieListRegel[0]
    assert regel.BedragInclBTW == Decimal("121.00") and regel.Factuurnummer == "F2024-001"
    open_items = call("GetOpenPosten", **auth, OpSoort="Debiteuren").Openposten.cOpenPost
    assert open_items[0].Openstaand == 121.0
    saldo = call("GetSaldo", **auth, cFilter={
        "GbCode": "1300", "KostenPlaatsId": 0, "DatumVan": None, "DatumTot": None}).Saldo
    assert saldo == 121.0
    saldi = call("GetSaldi", **auth, cFilter={
        "KostenPlaatsId": 0, "DatumVan": dt.date(2024, 1, 1), "DatumTot": None,
        "Categorie": "DEB"}).Saldi.cSaldo
    assert [(s.Code, s.Saldo) for s in saldi] == [("1300", 121.0)]
    number = call("AddFactuur", **auth, oFact=invoice()).Factuurnummer
    facturen = call("GetFacturen", **auth, cFilter={"Factuurnummer": number, **WIDE}).Facturen
    assert facturen.cFactuurList[0].Relatiecode == "K001"
    assert facturen.cFactuurList[0].TotaalInclBTW == 121.0
    artikelen = call("GetArtikelen", **auth, cFilter={}).Artikelen.cArtikel
    assert artikelen[0].Actief is True and isinstance(artikelen[0].VerkoopprijsExclBTW, Decimal)
    kostenplaatsen = call("GetKostenplaatsen", **auth, cFilter={}).Kostenplaatsen.cKostenplaats
    assert [k.KostenplaatsId for k in kostenplaatsen] == [1, 2]
    assert call("AutoLogin", Username=acc["username"], **auth).Token
    sub = call("OpenSessionSub", Username=acc["username"], SecurityCode1=acc["security_code_1"],
               SecurityCode2=code_2, Source="contract",
               AdministratieGUID=acc["administrations"][1])
    assert sub.SessionID != sid
    called.add("CloseSession")
    assert svc.CloseSession(SessionID=sid) is None
    assert called == {op.name for op in OPERATIONS}
