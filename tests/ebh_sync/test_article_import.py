"""Artikelen ophalen: e-Boekhouden articles become products, matched by article code."""

from decimal import Decimal

import pytest

from ebh_sync.imports import ArticleImport
from ebh_sync.models import ArticleLink, ImportRun
from eboekhouden.client import Article
from invoicing.models import Product
from tests.ebh_sync.import_helpers import run_import


@pytest.fixture
def linked(linked):
    """Connected, with the on-connect imports out of the way (a test of its own covers them)."""
    ImportRun.objects.filter(connection=linked.connection).delete()
    return linked


@pytest.mark.django_db
def test_articles_become_products_once(linked, org_a, django_capture_on_commit_callbacks):
    run = run_import(linked, django_capture_on_commit_callbacks, kind=ImportRun.Kind.ARTICLES)

    assert (run.total, run.created) == (3, 3)
    products = {p.description: p for p in Product.objects.filter(organization=org_a)}
    advice = products["Adviesuur"]
    assert (advice.unit, advice.unit_price, advice.vat_rate, advice.ledger_account) == (
        "uur", Decimal("75.0000"), "21", "8000")
    assert products["Handboek boekhouden"].vat_rate == "9"

    again = run_import(linked, django_capture_on_commit_callbacks, kind=ImportRun.Kind.ARTICLES)
    assert (again.created, again.unchanged) == (0, 3)
    assert Product.objects.filter(organization=org_a).count() == 3


@pytest.mark.django_db
def test_local_product_edit_is_kept_and_article_changes_apply_elsewhere(
    linked, org_a, django_capture_on_commit_callbacks
):
    run_import(linked, django_capture_on_commit_callbacks, kind=ImportRun.Kind.ARTICLES)
    run = ImportRun.objects.create(organization=org_a, connection=linked.connection,
                                   kind="articles", trigger="manual")
    link = ArticleLink.objects.get(code="ADV-UUR")
    link.product.unit_price = Decimal("80.0000")  # the user raised the price here
    link.product.save()
    worker = ArticleImport(run)
    changed = Article(id=link.article_id, code="ADV-UUR", description="Adviesuur senior",
                      unit="uur", sales_price=Decimal("90.00"), vat_code="HOOG_VERK_21",
                      vat_percentage=Decimal("21"), contra_account="8000", active=True)

    worker.process(changed)

    link.product.refresh_from_db()
    assert link.product.unit_price == Decimal("80.0000")
    assert link.product.description == "Adviesuur senior"
    assert any("ADV-UUR" in note and "unit_price" in note for note in run.notes)


@pytest.mark.django_db
def test_articles_that_do_not_fit_are_skipped_with_a_reason(linked, org_a):
    run = ImportRun.objects.create(organization=org_a, connection=linked.connection,
                                   kind="articles", trigger="manual")
    worker = ArticleImport(run)
    base = {"unit": "", "sales_price": Decimal("1"), "vat_percentage": Decimal("0"),
            "contra_account": "", "active": True}
    worker.process(Article(id=1, code="ODD", description="Vreemd", vat_code="AFW_VERK",
                           **{**base, "vat_percentage": Decimal("13")}))
    worker.process(Article(id=2, code="OFF", description="Uit", vat_code="GEEN",
                           **{**base, "active": False}))
    worker.process(Article(id=3, code="", description="Zonder code", vat_code="GEEN", **base))

    assert (run.skipped, run.created) == (3, 0)
    assert "ODD: onbekende btw-code AFW_VERK" in run.notes
    assert "OFF: het artikel is niet actief" in run.notes
