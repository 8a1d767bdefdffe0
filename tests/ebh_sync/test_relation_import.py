"""Relaties ophalen: debtors and creditors of e-Boekhouden become customers and suppliers,
past the GetRelaties cap, matched safely, with local edits never overwritten silently."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from connections.services import connection_session
from ebh_sync.imports import RelationImport, fetch_all_relations
from ebh_sync.models import ImportRun, ImportSettings, RelationConflict, RelationLink
from ebh_sync.tasks import periodic_import_task
from eboekhouden.client import RelationData, RelationRecord
from invoicing.models import Customer, Supplier
from tests.ebh_sync.conftest import connect
from tests.ebh_sync.import_helpers import run_import, seed, update_in_ebh
from tests.factories import make_user
from tests.invoicing.factories import make_customer, make_supplier


@pytest.fixture
def linked(linked):
    """Connected, with the on-connect imports out of the way (a test of its own covers them)."""
    ImportRun.objects.filter(connection=linked.connection).delete()
    return linked


def relation(code: str, name: str, **fields) -> RelationData:
    return RelationData(code=code, name=name, **fields)


@pytest.mark.django_db
def test_import_gets_past_the_getrelaties_cap(
    linked, settings, django_capture_on_commit_callbacks
):
    linked.sandbox.set_settings(getrelaties_row_cap=5)
    settings.EBH_GETRELATIES_CAP = 5
    seed(linked, *[relation(f"D{n:04d}", f"Klant {n}", city="Utrecht") for n in range(1, 12)],
         relation("C0001", "Verfgroothandel", email="info@verf.test"),
         relation("K-9", "Particulier", business=False))
    with connection_session(connection=linked.connection) as (client, session):
        assert len(client.find_relaties(session)) == 5  # one call is cut off at the cap

    run = run_import(linked, django_capture_on_commit_callbacks)

    assert (run.total, run.created, run.processed) == (13, 13, 13)
    assert run.calls > 1
    customers = Customer.objects.for_organization(linked.connection.organization)
    assert sorted(customers.values_list("code", flat=True)) == sorted(
        [f"D{n:04d}" for n in range(1, 12)] + ["K-9"])
    assert customers.get(code="K-9").kind == "private"
    supplier = Supplier.objects.get(code="C0001")
    assert supplier.email == "info@verf.test"
    # Imported codes are reserved: the next customer made here does not collide.
    assert make_customer(linked.connection.organization, vat_id="").code == "D0012"


def test_crowded_out_code_is_fetched_by_its_exact_code():
    """Every keyword that matches relation "AB" also matches four longer ones; with a cap of
    3 only the exact Code filter reaches it."""
    rows = [RelationRecord(n, RelationData(code=code, name=f"Relatie {code}"))
            for n, code in enumerate(["ABX", "ABY", "ABZ", "XAB", "AB", "Q1"], start=1)]

    def search(keyword="", code=""):
        hits = [r for r in rows if (not code or r.data.code == code) and (
            keyword.casefold() in f"{r.data.code} {r.data.name}".casefold())]
        return hits[:3]

    found, calls = fetch_all_relations(search, cap=3, max_calls=5000)
    assert sorted(r.data.code for r in found) == sorted(r.data.code for r in rows)
    assert calls < 5000


SURNAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            "Bos", "Vos", "Peters", "Kok"]


def administration(codes: list[str]) -> list[RelationRecord]:
    """Relations as a real administration has them: shared words in every name and e-mail."""
    return [RelationRecord(n, RelationData(
        code=code, name=f"Bakkerij {SURNAMES[n % len(SURNAMES)]}", city="Utrecht",
        email=f"info@{SURNAMES[n % len(SURNAMES)].replace(' ', '').lower()}{n}.nl"))
        for n, code in enumerate(codes, start=1)]


def walk(rows: list[RelationRecord], cap: int) -> tuple[set[str], int]:
    """fetch_all_relations against GetRelaties' rules: a substring in code, name, city and
    e-mail, the first ``cap`` by id; ``code`` matches exactly."""

    def search(keyword="", code=""):
        if code:
            return [r for r in rows if r.data.code == code]
        needle = keyword.casefold()
        return [r for r in rows if any(needle in value.casefold() for value in (
            r.data.code, r.data.name, r.data.city, r.data.email))][:cap]

    found, calls = fetch_all_relations(search, cap=cap, max_calls=100_000)
    assert len(found) == len({r.id for r in found})
    return {r.data.code for r in found}, calls


def test_walk_is_complete_and_skips_keywords_it_has_all_answers_for():
    """400 numeric codes behind a cap of 40: "info@", "bakkerij" and "utrecht" fill every
    answer, but a keyword containing one whose answer was complete is never called."""
    rows = administration([str(1001 + n) for n in range(400)])
    codes, calls = walk(rows, cap=40)
    assert codes == {r.data.code for r in rows}
    assert calls < 3 * len(rows)  # 7,308 calls (18 per relation) before they were skipped


def test_walk_finds_a_new_code_style_that_the_old_one_crowds_out():
    """300 numeric codes first, then 30 "KL-" codes: every answer for "k" or "l" is full of
    "Bakkerij" and "Utrecht", and the numeric codes come first, yet the walk finds them all."""
    rows = administration([str(1001 + n) for n in range(300)] + [f"KL-{n}" for n in range(30)])
    codes, _calls = walk(rows, cap=40)
    assert codes == {r.data.code for r in rows}


def test_walk_reports_its_progress():
    rows = administration([str(1001 + n) for n in range(120)])
    seen = []

    def search(keyword="", code=""):
        return [r for r in rows if (code and r.data.code == code) or (
            not code and keyword in f"{r.data.code} {r.data.name}".casefold())][:40]

    found, calls = fetch_all_relations(search, cap=40, max_calls=100_000,
                                       on_progress=lambda *args: seen.append(args))
    assert seen and seen[0] == (25, seen[0][1]) and len(seen) == calls // 25
    assert [found_so_far for _calls, found_so_far in seen] == sorted(
        found_so_far for _calls, found_so_far in seen)
    assert seen[-1][1] <= len(found) == 120


@pytest.mark.django_db
def test_progress_page_shows_the_walk_while_it_fetches(linked, client_a):
    run = ImportRun.objects.create(
        organization=linked.connection.organization, connection=linked.connection,
        kind=ImportRun.Kind.RELATIONS, trigger=ImportRun.Trigger.MANUAL,
        state=ImportRun.State.RUNNING, total=180, calls=75)
    progress = client_a.get(reverse("ebh_sync:import_progress", args=[run.pk])).json()
    assert progress["phase"] == "ophalen: 180 tot nu toe gevonden (75 aanroepen)"
    assert progress["percent"] == 0 and not progress["finished"]


@pytest.mark.django_db
def test_matching_by_code_kvk_and_vat_and_a_second_import_adds_nothing(
    linked, org_a, django_capture_on_commit_callbacks
):
    by_code = make_customer(org_a, name="Bakker", vat_id="", email="")
    by_kvk = make_customer(org_a, name="Slager", kvk_number="11223344", vat_id="", email="")
    by_vat = make_supplier(org_a, name="Groothandel", vat_id="NL001122332B01")
    ids = seed(
        linked,
        relation(by_code.code, "Bakker", address=by_code.address, postcode=by_code.postcode,
                 city=by_code.city, country="NL"),
        relation("SL-1", "Slager", kvk_number="11223344"),
        relation("GH-1", "Groothandel", vat_id="NL001122332B01"),
    )

    first = run_import(linked, django_capture_on_commit_callbacks)

    assert first.created == 0 and first.conflicts == 0
    assert Customer.objects.filter(organization=org_a).count() == 2
    assert Supplier.objects.filter(organization=org_a).count() == 1
    by_kvk.refresh_from_db()
    by_vat.refresh_from_db()
    assert by_kvk.code == "SL-1"  # bookings of this customer now reach the same relation
    assert by_vat.code == "GH-1"
    links = {link.relation_id: link for link in RelationLink.objects.all()}
    assert links[ids[0]].customer == by_code
    assert links[ids[1]].customer == by_kvk
    assert links[ids[2]].supplier == by_vat

    second = run_import(linked, django_capture_on_commit_callbacks)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert Customer.objects.filter(organization=org_a).count() == 2
    assert RelationLink.objects.count() == 3


@pytest.mark.django_db
def test_change_in_eboekhouden_reaches_an_unedited_party_and_a_local_edit_stays(
    linked, org_a, django_capture_on_commit_callbacks
):
    [first_id, _second_id] = seed(linked, relation("R-1", "Eerste", city="Delft"),
                                  relation("R-2", "Tweede", city="Gouda"))
    run_import(linked, django_capture_on_commit_callbacks)
    second = Customer.objects.get(code="R-2")
    second.phone = "0101234567"  # edited here only: e-Boekhouden did not change it
    second.save()
    update_in_ebh(linked, first_id, "R-1", Bedrijf="Eerste", Plaats="Leiden")

    run = run_import(linked, django_capture_on_commit_callbacks)

    assert (run.updated, run.conflicts) == (1, 0)
    assert Customer.objects.get(code="R-1").city == "Leiden"
    assert Customer.objects.get(code="R-2").phone == "0101234567"
    assert not RelationConflict.objects.exists()


def _conflict(linked, org_a, capture) -> tuple[RelationConflict, Customer]:
    [relation_id] = seed(linked, relation("R-7", "Schilder", city="Delft"))
    run_import(linked, capture)
    customer = Customer.objects.get(code="R-7")
    customer.city = "Den Haag"
    customer.save()
    update_in_ebh(linked, relation_id, "R-7", Bedrijf="Schilder", Plaats="Rotterdam")
    run = run_import(linked, capture)
    assert run.conflicts == 1
    customer.refresh_from_db()
    assert customer.city == "Den Haag"  # not overwritten
    return RelationConflict.objects.get(resolved_at__isnull=True), customer


@pytest.mark.django_db
def test_conflict_is_shown_per_field_and_taking_eboekhouden_applies_it(
    linked, org_a, client_a, django_capture_on_commit_callbacks
):
    conflict, customer = _conflict(linked, org_a, django_capture_on_commit_callbacks)

    page = client_a.get(reverse("ebh_sync:conflicts")).content.decode()
    assert "Den Haag" in page and "Rotterdam" in page
    response = client_a.post(reverse("ebh_sync:conflict_resolve", args=[conflict.pk]),
                             {"choice": "take"}, follow=True)

    customer.refresh_from_db()
    assert customer.city == "Rotterdam"
    assert "R-7 Schilder" in response.content.decode()
    conflict.refresh_from_db()
    assert (conflict.resolution, conflict.resolved_at is not None) == ("take", True)
    again = run_import(linked, django_capture_on_commit_callbacks)
    assert (again.conflicts, again.unchanged) == (0, 1)


@pytest.mark.django_db
def test_conflict_resolved_by_keeping_mine_does_not_come_back(
    linked, org_a, client_a, django_capture_on_commit_callbacks
):
    conflict, customer = _conflict(linked, org_a, django_capture_on_commit_callbacks)

    client_a.post(reverse("ebh_sync:conflict_resolve", args=[conflict.pk]), {"choice": "keep"})

    customer.refresh_from_db()
    assert customer.city == "Den Haag"
    again = run_import(linked, django_capture_on_commit_callbacks)
    assert again.conflicts == 0
    assert not RelationConflict.objects.filter(resolved_at__isnull=True).exists()
    customer.refresh_from_db()
    assert customer.city == "Den Haag"


@pytest.mark.django_db
def test_bad_choice_and_settled_or_foreign_conflicts_get_clear_answers(
    linked, org_a, client_a, client_b, django_capture_on_commit_callbacks
):
    conflict, _customer = _conflict(linked, org_a, django_capture_on_commit_callbacks)
    url = reverse("ebh_sync:conflict_resolve", args=[conflict.pk])

    response = client_a.post(url, {"choice": "both"}, follow=True)
    assert "Kies “Mijn gegevens houden” of “Die van e-Boekhouden overnemen”." in (
        response.content.decode())
    assert RelationConflict.objects.get(pk=conflict.pk).resolved_at is None
    assert client_b.post(url, {"choice": "take"}).status_code == 404
    assert client_a.get(url).status_code == 405
    client_a.post(url, {"choice": "keep"})
    assert client_a.post(url, {"choice": "take"}).status_code == 404  # already settled


@pytest.mark.django_db
def test_relations_that_do_not_fit_are_skipped_with_a_reason(linked, org_a):
    run = ImportRun.objects.create(organization=org_a, connection=linked.connection,
                                   kind="relations", trigger="manual")
    worker = RelationImport(run)
    worker.process(RelationRecord(1, RelationData(code="X" * 16, name="Te lang")))
    worker.process(RelationRecord(2, RelationData(code="LEEG", name="")))
    worker.process(RelationRecord(3, RelationData(code="MAIL", name="Mail", email="geen-mail",
                                                  kvk_number="12")))

    assert run.skipped == 2 and run.created == 1
    # The notes are written in the product's language (Dutch first).
    assert any("langer dan 15" in note for note in run.notes)
    assert "LEEG: de relatie heeft geen naam" in run.notes
    assert "MAIL: niet overgenomen: email, kvk_number" in run.notes
    assert Customer.objects.get(code="MAIL").email == ""


@pytest.mark.django_db
def test_connecting_imports_relations_and_articles(
    org_a, ebh, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        linked = connect(org_a, ebh)
    runs = ImportRun.objects.filter(connection=linked.connection)
    assert sorted(runs.values_list("kind", "trigger", "state")) == [
        ("articles", "connect", "done"), ("relations", "connect", "done")]
    assert runs.get(kind="articles").created == 3


@pytest.mark.django_db
def test_daily_import_runs_only_where_it_was_turned_on(
    linked, org_b, client_a, django_capture_on_commit_callbacks
):
    seed(linked, relation("P-1", "Periodiek"))
    assert periodic_import_task() == 0

    response = client_a.post(reverse("ebh_sync:import_settings"), {"periodic": "on"})
    assert response.status_code == 302
    assert ImportSettings.objects.get(connection=linked.connection).periodic
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic_import_task() == 1

    assert ImportRun.objects.filter(trigger="periodic", state="done").count() == 2
    assert Customer.objects.filter(code="P-1").exists()


@pytest.mark.django_db
def test_owner_starts_an_import_from_the_page_and_follows_it(
    linked, client_a, django_capture_on_commit_callbacks
):
    seed(linked, relation("V-1", "Via de knop"))
    overview = client_a.get(reverse("connections:overview")).content.decode()
    assert reverse("ebh_sync:import_relations") in overview

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("ebh_sync:import_relations"))
    run = ImportRun.objects.get(trigger="manual")
    assert response.url == reverse("ebh_sync:import_detail", args=[run.pk])
    progress = client_a.get(reverse("ebh_sync:import_progress", args=[run.pk])).json()
    assert (progress["finished"], progress["percent"], progress["created"]) == (True, 100, 1)
    page = client_a.get(response.url).content.decode()
    assert 'data-testid="import-created">1<' in page


@pytest.mark.django_db
def test_member_cannot_start_an_import_or_settle_differences(linked, org_a):
    member = make_user("member@example.test")
    Membership.objects.create(user=member, organization=org_a, role=Membership.Role.MEMBER)
    client = Client()
    client.force_login(member)

    assert client.post(reverse("ebh_sync:import_relations")).status_code == 403
    assert client.post(reverse("ebh_sync:import_articles")).status_code == 403
    assert client.get(reverse("ebh_sync:conflicts")).status_code == 403
    assert not ImportRun.objects.exists()
    overview = client.get(reverse("connections:overview")).content.decode()
    assert reverse("ebh_sync:import_relations") not in overview


@pytest.mark.django_db
def test_taking_values_that_do_not_fit_says_so_and_changes_nothing(
    linked, org_a, client_a, django_capture_on_commit_callbacks
):
    conflict, customer = _conflict(linked, org_a, django_capture_on_commit_callbacks)
    conflict.remote_values = {**conflict.remote_values, "email": "geen adres"}
    conflict.save()

    response = client_a.post(reverse("ebh_sync:conflict_resolve", args=[conflict.pk]),
                             {"choice": "take"}, follow=True)

    assert response.status_code == 200 and "e-mailadres" in response.content.decode()
    customer.refresh_from_db()
    assert customer.city == "Den Haag"
    assert RelationConflict.objects.get(pk=conflict.pk).resolved_at is None
