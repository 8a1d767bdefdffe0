"""Invitation tokens are no longer stored in clear: a nonce (the token is its HMAC under
SECRET_KEY) and the token's SHA-256. Open invitations keep their emailed link: their old
token is hashed in place."""

import hashlib
import secrets

from django.db import migrations, models

import accounts.models


def hash_existing_tokens(apps, schema_editor):
    Invitation = apps.get_model("accounts", "Invitation")
    for invitation in Invitation.objects.all():
        invitation.token_hash = hashlib.sha256(invitation.token.encode()).hexdigest()
        invitation.nonce = secrets.token_hex(16)
        invitation.save(update_fields=["token_hash", "nonce"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_i13_org_data")]

    operations = [
        migrations.AddField("invitation", "nonce", models.CharField(
            default="", editable=False, max_length=32)),
        migrations.AddField("invitation", "token_hash", models.CharField(
            default="", editable=False, max_length=64)),
        migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop),
        migrations.RemoveField("invitation", "token"),
        migrations.AlterField("invitation", "nonce", models.CharField(
            default=accounts.models._invitation_nonce, editable=False,
            max_length=32)),
        migrations.AlterField("invitation", "token_hash", models.CharField(
            editable=False, max_length=64, unique=True)),
    ]
