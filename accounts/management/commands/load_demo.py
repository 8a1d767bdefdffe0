from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo_login


class Command(BaseCommand):
    help = "Create (or complete) the demo organization and login. Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            _user, organization = ensure_demo_login()
        for config in apps.get_app_configs():
            if config.name == "accounts":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            summary = module.load(organization)
            if summary:
                self.stdout.write(f"  {config.verbose_name}: {summary}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready at {settings.SITE_URL}/ (log in as {DEMO_EMAIL} / {DEMO_PASSWORD})"
            )
        )
