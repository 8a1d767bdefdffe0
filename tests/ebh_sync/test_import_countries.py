"""Relaties ophalen: e-Boekhouden's free-text Land becomes an ISO code by the country's name in
Dutch, English (and the neighbours' own names); an unknown name is left for the user, noted."""

import pytest

from ebh_sync.imports import RelationImport, country_code
from ebh_sync.models import ImportRun
from eboekhouden.client import RelationData, RelationRecord
from invoicing.models import Customer


@pytest.mark.parametrize("land, code", [
    ("Frankrijk", "FR"), ("France", "FR"), ("Spanje", "ES"), ("Spain", "ES"),
    ("Duitsland", "DE"), ("Germany", "DE"), ("Deutschland", "DE"),
    ("België", "BE"), ("Belgie", "BE"), ("Belgium", "BE"), ("Belgique", "BE"),
    ("NEDERLAND", "NL"), ("the Netherlands", "NL"), ("Holland", "NL"), ("nl", "NL"),
    ("NLD", "NL"), ("Verenigd Koninkrijk", "GB"), ("Oostenrijk", "AT"), ("Zwitserland", "CH"),
    ("Verenigde Staten", "US"), ("Xyzland", ""), ("", ""),
])
def test_country_names_in_dutch_and_english_become_codes(land, code):
    assert country_code(land) == code


@pytest.fixture
def worker(linked, org_a):
    ImportRun.objects.filter(connection=linked.connection).delete()
    run = ImportRun.objects.create(organization=org_a, connection=linked.connection,
                                   kind="relations", trigger="manual")
    return RelationImport(run)


@pytest.mark.django_db
def test_france_and_spain_arrive_as_fr_and_es(worker):
    worker.process(RelationRecord(1, RelationData(code="FR1", name="Peintures SA",
                                                  country="Frankrijk", postcode="75001")))
    worker.process(RelationRecord(2, RelationData(code="ES1", name="Pinturas SL",
                                                  country="Spain")))
    assert Customer.objects.get(code="FR1").country == "FR"
    assert Customer.objects.get(code="FR1").postcode == "75001"
    assert Customer.objects.get(code="ES1").country == "ES"


@pytest.mark.django_db
def test_an_unknown_country_is_noted_and_an_existing_one_stays(worker, org_a):
    worker.process(RelationRecord(1, RelationData(code="ATL", name="Atlantis BV",
                                                  country="Atlantis")))
    assert "ATL: het land “Atlantis” is onbekend: kies het hier" in worker.run.notes
    assert worker.run.created == 1


@pytest.mark.django_db
def test_dutch_postcode_and_vat_id_are_normalized_or_left_out(worker):
    worker.process(RelationRecord(1, RelationData(
        code="NL1", name="Bakker", country="Nederland", postcode="1234ab",
        vat_id="nl 0044.95445.b01", iban="nl91 abna 0417 1643 00")))
    worker.process(RelationRecord(2, RelationData(
        code="NL2", name="Slager", country="Nederland", postcode="12345", vat_id="NL123",
        iban="NL00ABNA0417164300")))
    first, second = Customer.objects.get(code="NL1"), Customer.objects.get(code="NL2")
    assert (first.postcode, first.vat_id, first.iban) == (
        "1234 AB", "NL004495445B01", "NL91ABNA0417164300")
    assert (second.postcode, second.vat_id, second.iban) == ("", "", "")
    assert "NL2: niet overgenomen: iban, postcode, vat_id" in worker.run.notes
