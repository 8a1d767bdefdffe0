import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from tests.factories import make_user
from tests.workorders.factories import make_work_order
from workorders import planning


@pytest.fixture
def crew(org_a, user_a):
    colleague = make_user("kees@example.test", full_name="Kees Kwast")
    Membership.objects.create(user=colleague, organization=org_a)
    return user_a, colleague


@pytest.mark.django_db
def test_day_view_lists_per_assignee_by_time(client_a, org_a, crew):
    alice, kees = crew
    monday = datetime.date(2026, 11, 23)
    late = make_work_order(org_a, planned_date=monday, planned_start=datetime.time(13, 0),
                           assigned_to=alice, lines=[])
    early = make_work_order(org_a, planned_date=monday, planned_start=datetime.time(7, 30),
                            assigned_to=alice, lines=[])
    nobody = make_work_order(org_a, planned_date=monday, lines=[])
    make_work_order(org_a, planned_date=monday + datetime.timedelta(days=1), assigned_to=kees,
                    lines=[])
    response = client_a.get(reverse("workorders:planning_day"), {"date": "2026-11-23"})
    rows = {row.label: [wo.number for wo in orders] for row, orders in response.context["rows"]}
    assert rows == {"Alice Owner": [early.number, late.number], "Kees Kwast": [],
                    "Niet toegewezen": [nobody.number]}
    page = response.content.decode()
    assert page.index("07:30") < page.index("13:00")
    assert "?date=2026-11-22" in page and "?date=2026-11-24" in page
    assert "?week=2026-W48" in page


@pytest.mark.django_db
def test_week_view_puts_work_orders_in_their_day_column(client_a, org_a, crew):
    alice, kees = crew
    wednesday = datetime.date(2026, 11, 25)
    work_order = make_work_order(org_a, planned_date=wednesday, assigned_to=kees, lines=[])
    make_work_order(org_a, planned_date=datetime.date(2026, 11, 30), assigned_to=kees, lines=[])
    response = client_a.get(reverse("workorders:planning_week"), {"week": "2026-W48"})
    assert response.context["monday"] == datetime.date(2026, 11, 23)
    row = next(r for r in response.context["rows"] if r.user_id == kees.pk)
    assert [[wo.number for wo in day] for day in row.days] == [
        [], [], [work_order.number], [], [], [], []]
    page = response.content.decode()
    assert "?week=2026-W47" in page and "?week=2026-W49" in page
    assert "Woensdag" in page or "wo 25-11" in page


@pytest.mark.django_db
def test_week_planning_only_shows_this_organization(client_a, org_a, org_b):
    make_work_order(org_b, planned_date=datetime.date(2026, 11, 24), lines=[])
    response = client_a.get(reverse("workorders:planning_week"), {"week": "2026-W48"})
    assert response.context["total"] == 0


def test_bad_dates_fall_back_to_today_and_this_week():
    today = timezone.localdate()
    assert planning.parse_day("1900-01-01") == today
    assert planning.parse_day("gisteren") == today
    assert planning.parse_day("2026-02-30") == today
    assert planning.parse_day("2026-11-23") == datetime.date(2026, 11, 23)
    monday = today - datetime.timedelta(days=today.weekday())
    assert planning.parse_week("2026-W99") == monday
    assert planning.parse_week("1900-W01") == monday
    assert planning.parse_week("2027-W01") == datetime.date(2027, 1, 4)
    assert planning.week_value(datetime.date(2027, 1, 3)) == "2026-W53"


@pytest.mark.django_db
def test_planning_pages_answer_bad_parameters_without_error(client_a, org_a):
    assert client_a.get(reverse("workorders:planning_day"), {"date": "x"}).status_code == 200
    assert client_a.get(reverse("workorders:planning_week"), {"week": "x"}).status_code == 200


@pytest.mark.django_db
def test_work_of_someone_who_left_keeps_their_name(client_a, org_a, crew):
    _alice, kees = crew
    work_order = make_work_order(org_a, planned_date=datetime.date(2026, 11, 23),
                                 assigned_to=kees, lines=[])
    Membership.objects.filter(user=kees).delete()
    rows = planning.planning_rows(org_a, datetime.date(2026, 11, 23), 1)
    assert [(row.label, [wo.pk for wo in row.days[0]]) for row in rows] == [
        ("Alice Owner", []), ("Kees Kwast", [work_order.pk])]
