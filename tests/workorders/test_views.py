import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from invoicing.models import SalesInvoice
from tests.factories import make_user
from tests.invoicing.factories import make_customer, make_product
from tests.workorders.factories import PLANNED, make_done, make_invoiced, make_work_order
from workorders.models import WorkOrder, WorkOrderState


def _form(customer, lines=(), **fields) -> dict:
    data = {
        "customer": customer.pk if customer else "", "planned_date": "2026-11-24",
        "planned_start": "09:00", "planned_end": "12:30", "assigned_to": "",
        "work_street": "", "work_postcode": "", "work_city": "",
        "description": "Dakgoot schilderen", "notes": "Sleutel bij de buren",
        "lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200",
    }
    for index, line in enumerate(lines):
        for name, value in line.items():
            data[f"lines-{index}-{name}"] = value
    data.update(fields)
    return data


def _line(kind="hours", description="Schilderwerk", quantity="3,5", price="52,50", **extra):
    return {"kind": kind, "description": description, "quantity": quantity,
            "unit_price": price, "unit": "", "vat_rate": "21", "product": "", **extra}


@pytest.mark.django_db
def test_create_with_hours_and_material_lines(client_a, org_a, user_a):
    customer = make_customer(org_a, address="Lindenlaan 4", postcode="1234 AB", city="Zeist")
    product = make_product(org_a, description="Grondverf", unit_price=Decimal("34.95"))
    data = _form(customer, [_line(), _line("material", "Grondverf", "2", "34,95",
                                           product=str(product.pk))],
                 assigned_to=str(user_a.pk))
    response = client_a.post(reverse("workorders:workorder_create"), data)
    work_order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workorders:workorder_detail", args=[work_order.pk])
    assert work_order.number == "W0001" and work_order.state == WorkOrderState.OPEN
    assert work_order.assigned_to == user_a
    assert work_order.planned_end == datetime.time(12, 30)
    # No work address given: the customer's address.
    assert work_order.work_address == "Lindenlaan 4, 1234 AB Zeist"
    lines = list(work_order.lines.all())
    assert [(ln.kind, ln.quantity, ln.product_id) for ln in lines] == [
        ("hours", Decimal("3.5"), None), ("material", Decimal("2"), product.pk)]
    page = client_a.get(response["Location"]).content.decode()
    assert "W0001" in page and "Dakgoot schilderen" in page and "253,65" in page


@pytest.mark.django_db
def test_a_planned_job_needs_no_lines_and_blank_rows_are_skipped(client_a, org_a):
    customer = make_customer(org_a)
    blank = {"kind": "hours", "description": "", "quantity": "", "unit_price": "",
             "unit": "", "vat_rate": "21", "product": ""}
    response = client_a.post(reverse("workorders:workorder_create"), _form(customer, [blank]))
    assert response.status_code == 302
    assert WorkOrder.objects.get().lines.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("change, field, message", [
    ({"lines-0-quantity": "-2"}, "quantity", "Uren en aantallen kunnen niet negatief zijn."),
    ({"planned_date": "1900-05-01"}, "planned_date", "Vul een datum tussen 2000 en 2049 in."),
    ({"customer": ""}, "customer", "Kies de klant van deze werkbon."),
    ({"planned_end": "08:00"}, "planned_end", "De eindtijd moet na de begintijd liggen."),
])
def test_bad_input_gets_a_clear_error_and_saves_nothing(client_a, org_a, change, field, message):
    customer = make_customer(org_a)
    data = _form(customer, [_line()])
    data.update(change)
    response = client_a.post(reverse("workorders:workorder_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    form = response.context["formset"].forms[0] if field == "quantity" else response.context["form"]
    assert form.errors[field] == [message]
    assert not WorkOrder.objects.exists()


@pytest.mark.django_db
def test_another_organizations_customer_or_member_is_refused(client_a, org_a, org_b, user_b):
    theirs = make_customer(org_b)
    response = client_a.post(reverse("workorders:workorder_create"), _form(theirs))
    assert response.status_code == 200 and not WorkOrder.objects.exists()
    mine = make_customer(org_a)
    response = client_a.post(reverse("workorders:workorder_create"),
                             _form(mine, assigned_to=str(user_b.pk)))
    assert response.status_code == 200 and not WorkOrder.objects.exists()


@pytest.mark.django_db
def test_edit_replaces_lines_but_not_after_checked(client_a, org_a, user_a):
    work_order = make_work_order(org_a)
    url = reverse("workorders:workorder_edit", args=[work_order.pk])
    page = client_a.get(url).content.decode()
    assert 'name="lines-0-quantity" value="4"' in page
    assert 'name="lines-0-unit_price" value="52,50"' in page  # as Dutch writes it
    data = _form(work_order.customer, [_line(quantity="8")], description="Gewijzigd")
    assert client_a.post(url, data).status_code == 302
    work_order.refresh_from_db()
    assert work_order.description == "Gewijzigd" and work_order.number == "W0001"
    assert [ln.quantity for ln in work_order.lines.all()] == [Decimal("8")]

    invoiced = make_invoiced(org_a, user_a)
    url = reverse("workorders:workorder_edit", args=[invoiced.pk])
    response = client_a.post(url, _form(invoiced.customer, [_line(quantity="99")]))
    assert response.status_code == 302
    assert [ln.quantity for ln in invoiced.lines.all()] == [Decimal("4")]


@pytest.mark.django_db
def test_actions_done_reopen_check(client_a, org_a):
    work_order = make_work_order(org_a)
    detail = reverse("workorders:workorder_detail", args=[work_order.pk])
    page = client_a.get(detail).content.decode()
    assert "Afgetekend door" in page and "csrfmiddlewaretoken" in page

    client_a.post(reverse("workorders:workorder_done", args=[work_order.pk]), {})
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.OPEN

    client_a.post(reverse("workorders:workorder_done", args=[work_order.pk]),
                  {"signed_off_by": "Mevr. Jansen"})
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.DONE and work_order.signed_off_by == "Mevr. Jansen"
    page = client_a.get(detail).content.decode()
    assert "data-confirm" in page and "factuur" in page.lower()

    client_a.post(reverse("workorders:workorder_reopen", args=[work_order.pk]))
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.OPEN
    client_a.post(reverse("workorders:workorder_done", args=[work_order.pk]),
                  {"signed_off_by": "Mevr. Jansen"})
    response = client_a.post(reverse("workorders:workorder_check", args=[work_order.pk]),
                             follow=True)
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.CHECKED and work_order.invoice.is_draft
    page = response.content.decode()
    assert "Factuur (concept) openen" in page and "conceptfactuur" in page
    assert reverse("invoicing:invoice_detail", args=[work_order.invoice.pk]) in page


@pytest.mark.django_db
def test_a_deleted_draft_can_be_made_again_from_the_work_order(client_a, org_a, user_a):
    done = make_done(org_a, user_a)
    client_a.post(reverse("workorders:workorder_check", args=[done.pk]))
    draft = SalesInvoice.objects.get()
    client_a.post(reverse("invoicing:invoice_delete", args=[draft.pk]))
    page = client_a.get(reverse("workorders:workorder_detail", args=[done.pk])).content.decode()
    assert "Conceptfactuur maken" in page
    client_a.post(reverse("workorders:workorder_invoice", args=[done.pk]))
    done.refresh_from_db()
    assert done.state == WorkOrderState.CHECKED and done.invoice.is_draft


@pytest.mark.django_db
def test_actions_need_post_and_csrf(org_a, user_a):
    done = make_done(org_a, user_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_a)
    url = reverse("workorders:workorder_check", args=[done.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    done.refresh_from_db()
    assert done.state == WorkOrderState.DONE


@pytest.mark.django_db
def test_members_who_are_not_owners_can_do_everything(org_a):
    member = make_user("member@example.test", full_name="Mia Member")
    Membership.objects.create(user=member, organization=org_a, role=Membership.Role.MEMBER)
    client = Client()
    client.force_login(member)
    customer = make_customer(org_a)
    response = client.post(reverse("workorders:workorder_create"),
                           _form(customer, [_line()], assigned_to=str(member.pk)))
    assert response.status_code == 302
    work_order = WorkOrder.objects.get()
    client.post(reverse("workorders:workorder_done", args=[work_order.pk]),
                {"signed_off_by": "Klant"})
    client.post(reverse("workorders:workorder_check", args=[work_order.pk]))
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.CHECKED and work_order.checked_by == member
    response = client.post(reverse("invoicing:invoice_finalize", args=[work_order.invoice.pk]),
                           {"message": ""})
    assert response.status_code == 302, response.context["form"].errors
    work_order.refresh_from_db()
    assert work_order.state == WorkOrderState.INVOICED


@pytest.mark.django_db
def test_list_filters(client_a, org_a, user_a):
    first_customer = make_customer(org_a, name="Bakkerij Brood")
    other_customer = make_customer(org_a, name="Garage Snel")
    open_one = make_work_order(org_a, customer=first_customer, assigned_to=user_a)
    done = make_done(org_a, user_a, customer=other_customer,
                     planned_date=datetime.date(2026, 12, 1))
    url = reverse("workorders:workorder_list")

    def numbers(**params) -> set[str]:
        page = client_a.get(url, params).context["page"]
        return {wo.number for wo in page}

    assert numbers() == {open_one.number, done.number}
    assert numbers(state="done") == {done.number}
    assert numbers(customer=first_customer.pk) == {open_one.number}
    assert numbers(assigned=user_a.pk) == {open_one.number}
    assert numbers(assigned="none") == {done.number}
    assert numbers(date_from="2026-11-30") == {done.number}
    assert numbers(date_to="2026-11-30") == {open_one.number}
    assert numbers(q="snel") == {done.number}
    assert numbers(date_from="not-a-date", state="nonsense") == {open_one.number, done.number}


@pytest.mark.django_db
def test_list_paginates_and_keeps_filters(client_a, org_a):
    customer = make_customer(org_a)
    for _ in range(27):
        make_work_order(org_a, customer=customer, lines=[])
    response = client_a.get(reverse("workorders:workorder_list"), {"state": "open"})
    assert len(response.context["page"]) == 25
    assert "state=open&amp;page=2" in response.content.decode()
    second = client_a.get(reverse("workorders:workorder_list"), {"state": "open", "page": 2})
    assert len(second.context["page"]) == 2


@pytest.mark.django_db
def test_dutch_words_on_the_pages(client_a, org_a, user_a):
    make_done(org_a, user_a, planned_date=PLANNED)
    pages = [client_a.get(reverse("workorders:workorder_list")).content.decode(),
             client_a.get(reverse("workorders:workorder_create")).content.decode(),
             client_a.get(reverse("workorders:planning_week"), {"week": "2026-W48"})
             .content.decode()]
    text = " ".join(pages)
    for word in ["Werkbonnen", "Werkbon", "Uitgevoerd", "Gecontroleerd", "Gefactureerd",
                 "Open", "Planning", "Dag", "Week", "Uren", "Materialen", "Werkadres",
                 "Toegewezen aan"]:
        assert word in text, word


@pytest.mark.django_db
def test_check_handed_to_the_accounting_link_says_so(client_a, org_a, user_a, takeover):
    done = make_done(org_a, user_a)
    response = client_a.post(reverse("workorders:workorder_check", args=[done.pk]), follow=True)
    page = response.content.decode()
    assert "doorgezet naar de boekhoudkoppeling" in page
    assert "facturatiemodule van e-Boekhouden.nl" in page
    assert "Gecontroleerd" in page and not SalesInvoice.objects.exists()


@pytest.mark.django_db
def test_list_and_planning_queries_do_not_grow_per_work_order(client_a, org_a, user_a,
                                                              django_assert_max_num_queries):
    for _ in range(12):
        make_work_order(org_a, customer=make_customer(org_a), assigned_to=user_a, lines=[])
    # 15: the navigation counts the error messages of the sync and of the payments read
    # back (two queries a page), and the two-step verification check asks whether the user
    # has an authenticator app (one a page). None of it grows with the work orders.
    with django_assert_max_num_queries(15):
        client_a.get(reverse("workorders:workorder_list"))
    with django_assert_max_num_queries(15):
        client_a.get(reverse("workorders:planning_week"), {"week": "2026-W48"})
