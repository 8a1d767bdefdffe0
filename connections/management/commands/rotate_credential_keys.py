from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from connections import crypto
from connections.models import ENCRYPTED_FIELDS, Connection


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored e-Boekhouden credential under the newest key of "
        "EBH_CREDENTIAL_KEYS. Run it after putting a new key first; retire an old key only "
        "after this command reports no failures."
    )

    def handle(self, *args, **options):
        rows = values = 0
        failed: list[int] = []
        for pk in Connection.objects.order_by("pk").values_list("pk", flat=True):
            try:
                rotated = _rotate_row(pk)
            except crypto.CredentialDecryptError:
                failed.append(pk)
                continue
            if rotated:
                rows += 1
                values += rotated
        self.stdout.write(
            f"Re-encrypted {values} credential value(s) in {rows} connection(s) under the "
            "newest key."
        )
        if failed:
            raise CommandError(
                f"{len(failed)} connection(s) could not be decrypted with any configured key "
                f"(ids: {', '.join(map(str, failed))}); they were left unchanged."
            )


@transaction.atomic
def _rotate_row(pk: int) -> int:
    connection = Connection.objects.select_for_update().get(pk=pk)
    count = 0
    for name in ENCRYPTED_FIELDS:
        attribute = f"{name}_encrypted"
        token = getattr(connection, attribute)
        if token:
            # Check the binding first: a copied row must fail here, not become "valid".
            connection.credential(name)
            setattr(connection, attribute, crypto.rotate(token))
            count += 1
    if count:
        connection.save(update_fields=[f"{name}_encrypted" for name in ENCRYPTED_FIELDS])
    return count
