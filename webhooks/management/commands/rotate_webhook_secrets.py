from django.core.management.base import BaseCommand, CommandError

from connections import crypto
from webhooks.models import Endpoint


class Command(BaseCommand):
    help = (
        "Re-encrypt every webhook signing secret under the newest key of EBH_CREDENTIAL_KEYS "
        "(run it with rotate_credential_keys, before an old key is retired)."
    )

    def handle(self, *args, **options):
        rotated, failed = 0, []
        for endpoint in Endpoint.objects.order_by("pk"):
            try:
                token = crypto.rotate(endpoint.secret_encrypted)
            except crypto.CredentialDecryptError:
                failed.append(endpoint.pk)
                continue
            Endpoint.objects.filter(pk=endpoint.pk).update(secret_encrypted=token)
            rotated += 1
        self.stdout.write(f"Re-encrypted {rotated} webhook secret(s) under the newest key.")
        if failed:
            raise CommandError(f"{len(failed)} webhook secret(s) could not be decrypted "
                               f"(ids: {', '.join(map(str, failed))}); they were left unchanged.")
