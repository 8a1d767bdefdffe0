import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from recurring import demo
from recurring.models import Generation, RecurringTemplate
from tests.factories import make_user
from tests.invoicing.factories import make_customer
from tests.recurring.factories import make_template


def test_the_recurring_models_people_look_at_are_in_the_admin():
    for model in (RecurringTemplate, Generation):
        assert admin.site.is_registered(model), model.__name__
    assert {m.__name__ for m in apps.get_app_config("recurring").get_models()} == {
        "RecurringTemplate", "RecurringLine", "Generation"}  # lines: inline of the template


@pytest.mark.django_db
def test_admin_pages_open_and_generations_are_read_only(client, org_a):
    staff = make_user("staff@example.test", is_staff=True, is_superuser=True)
    client.force_login(staff)
    template = make_template(org_a)
    assert client.get(reverse("admin:recurring_recurringtemplate_changelist")).status_code == 200
    page = client.get(reverse("admin:recurring_recurringtemplate_change", args=[template.pk]))
    assert page.status_code == 200
    assert client.get(reverse("admin:recurring_generation_changelist")).status_code == 200


@pytest.mark.django_db
def test_demo_makes_a_monthly_template_with_a_draft_and_can_run_twice(org_a):
    assert demo.load(org_a) == ""  # no customer yet: nothing to invoice
    make_customer(org_a)
    assert "1 monthly recurring invoice" in demo.load(org_a)
    assert demo.load(org_a) == "already there"
    template = RecurringTemplate.objects.get(organization=org_a)
    assert template.frequency == "monthly"
    assert Generation.objects.filter(template=template).count() == 1
