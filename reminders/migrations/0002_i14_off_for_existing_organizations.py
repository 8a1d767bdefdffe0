"""Organizations that exist when reminders arrive start with them switched off: none of their
customers gets a letter the next morning that the owner did not choose. They get the default
steps, ready to switch on (the start page says so); organizations made later start with the
default schedule switched on."""

from django.db import migrations

from reminders.letters import DEFAULT_STEPS


def off_for_existing_organizations(apps, schema_editor):
    Organization = apps.get_model("accounts", "Organization")
    Schedule = apps.get_model("reminders", "ReminderSchedule")
    Step = apps.get_model("reminders", "ReminderStep")
    for organization in Organization.objects.exclude(
            pk__in=Schedule.objects.values("organization")):
        schedule = Schedule.objects.create(organization=organization, active=False)
        Step.objects.bulk_create([
            Step(organization=organization, schedule=schedule, position=number,
                 days_after_due=default.days,
                 subject_nl=default.texts["nl"][0], body_nl=default.texts["nl"][1],
                 subject_en=default.texts["en"][0], body_en=default.texts["en"][1])
            for number, default in enumerate(DEFAULT_STEPS, start=1)])


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_i14_reminders")]

    operations = [migrations.RunPython(off_for_existing_organizations, migrations.RunPython.noop)]
