from django.db import migrations, models
from django.db.models import F


def existing_users_verified(apps, schema_editor):
    """Accounts made before verification existed keep sending: they count as verified since
    they joined."""
    apps.get_model("accounts", "User").objects.update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0006_i17_require_two_factor"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="email address verified"),
        ),
        migrations.RunPython(existing_users_verified, migrations.RunPython.noop),
    ]
