from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ebh_sync", "0001_initial"),
    ]

    operations = []
