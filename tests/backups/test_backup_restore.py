"""Backups you can trust: an archive made by `manage.py backup` restores into an empty
database and an empty media directory with every invoice, PDF, attachment, logo and
credential intact (the credentials still decrypt with the keys, which are never in it); a
non-empty database and a damaged archive are refused before anything is restored."""

import datetime
import io
import logging
import shutil
import subprocess
import tarfile
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image
from psycopg2 import sql

from accounts.services import organization_create
from backups import archive, postgres
from backups.tasks import backup_task
from config import celery_app
from connections import crypto
from connections.models import ENCRYPTED_FIELDS, Connection
from invoicing import services
from invoicing.models import PurchaseInvoice, SalesInvoice
from tests.connections.factories import make_connection
from tests.invoicing.factories import line, make_customer, make_sent, make_supplier

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRETS = {"username": "boekhouder@example.test", "security_code_1": "a1b2c3d4e5f6a7b8c9d0",
           "security_code_2": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
           "administration_guid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
           "api_token": "ebh-api-token-0123456789abcdef"}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def empty_database(settings):
    """A new, empty PostgreSQL database beside the test database; dropped afterwards."""
    name = f"test_restore_{uuid.uuid4().hex[:12]}"
    _admin(settings, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield {**settings.DATABASES["default"], "NAME": name}
    _admin(settings, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
           .format(sql.Identifier(name)))


def _admin(settings, statement) -> None:
    connection = postgres.connect(settings.DATABASES["default"])
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def _build(org, user) -> None:
    """Real data through the services: sent invoices with their PDFs, a registered purchase
    with its attachment, a logo, and a connection with encrypted credentials."""
    customer = make_customer(org)
    make_sent(org, user, customer=customer)
    make_sent(org, user, customer=customer, lines=[line(price="12.34", rate="9", quantity="3")])
    data = services.PurchaseData(
        supplier=make_supplier(org), supplier_invoice_number="INV-778",
        invoice_date=datetime.date(2026, 3, 1), due_date=datetime.date(2026, 3, 31),
        lines=[services.PurchaseLineData(vat_rate="21", net_amount=Decimal("100.10"))])
    upload = SimpleUploadedFile("factuur.pdf", PDF_BYTES, content_type="application/pdf")
    services.purchase_invoice_register(organization=org, data=data, attachment=upload, user=user)
    logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    organization_create(name="Logo B.V.", owner=user, logo=logo)
    codes = {k: v for k, v in SECRETS.items() if k not in ("administration_guid", "api_token")}
    connection = make_connection(org, **codes)
    connection.set_credential("administration_guid", SECRETS["administration_guid"])
    connection.set_credential("api_token", SECRETS["api_token"])
    connection.save()


def _rows(database: dict, query) -> list[tuple]:
    connection = postgres.connect(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchall()
    finally:
        connection.close()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _restored_connection(database: dict) -> Connection:
    columns = ["organization_id", *(f"{name}_encrypted" for name in ENCRYPTED_FIELDS)]
    query = sql.SQL("SELECT {} FROM connections_connection").format(
        sql.SQL(", ").join(map(sql.Identifier, columns)))
    [row] = _rows(database, query)
    return Connection(**dict(zip(columns, row, strict=True)))


def _url(database: dict) -> str:
    # The test database's server takes the test runner's user without a password.
    return (f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}")


def _backup(settings) -> Path:
    call_command("backup", stdout=io.StringIO())
    return max(Path(settings.BACKUP_DIR).glob("backup-*.tar"))


def _restore(path: Path, database: dict, media_dir: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(path), "--database-url", _url(database),
                 "--media-dir", str(media_dir), stdout=out, stderr=io.StringIO())
    return out.getvalue()


INVOICES = ("SELECT number, net_total, vat_total, gross_total, pdf FROM invoicing_salesinvoice "
            "ORDER BY id")


def _damaged_copy(path: Path, tmp_path: Path) -> Path:
    """The archive with one bit of the dump's data changed (the tar headers stay valid)."""
    with tarfile.open(path) as tar:
        offset = tar.getmember(archive.DATABASE).offset_data + 1000
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(bytes(data))
    return damaged


# One test for the whole round trip: committed data (pg_dump sees no test transaction) is
# slow to clean up, so it is made once.
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_invoice_file_and_credential(
    org_a, user_a, media, empty_database, credential_keys, tmp_path, settings
):
    _build(org_a, user_a)
    path = _backup(settings)
    restored_media = tmp_path / "restored-media"

    # A damaged archive is refused by its checksum before anything is restored.
    with pytest.raises(CommandError, match="database.dump does not match its checksum"):
        _restore(_damaged_copy(path, tmp_path), empty_database, restored_media)
    assert postgres.user_tables(empty_database) == []
    assert not restored_media.exists()

    assert "Restored the backup" in _restore(path, empty_database, restored_media)
    invoices = list(SalesInvoice.objects.order_by("pk").values_list(
        "number", "net_total", "vat_total", "gross_total", "pdf"))
    assert len(invoices) == 2 and all(pdf for *_, pdf in invoices)
    assert _rows(empty_database, INVOICES) == invoices
    files = _files(restored_media)
    stored = {pdf for *_, pdf in invoices} | {PurchaseInvoice.objects.get().attachment.name}
    assert stored < set(files)
    assert any(name.startswith("logos/") for name in files)
    assert files == _files(media)  # every file, byte for byte
    connection = _restored_connection(empty_database)
    assert {name: connection.credential(name) for name in ENCRYPTED_FIELDS} == SECRETS

    # The keys are not in the archive, and without them the credentials stay closed.
    with tarfile.open(path) as tar:
        contents = b"".join(tar.extractfile(member).read() for member in tar.getmembers())
    assert credential_keys[0].encode() not in contents
    settings.EBH_CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.CredentialDecryptError):
        _restored_connection(empty_database).credential("security_code_1")


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(media, tmp_path, settings):
    path = _backup(settings)
    target = tmp_path / "restored-media"
    tables = postgres.user_tables(settings.DATABASES["default"])
    with pytest.raises(CommandError, match="is not empty .* Nothing was restored"):
        call_command("restore", str(path), "--media-dir", str(target))  # the test database
    assert not target.exists()
    assert postgres.user_tables(settings.DATABASES["default"]) == tables


@pytest.mark.django_db
def test_backups_keep_the_newest_and_never_hold_the_key_files(media, settings):
    # A development key file that sits under MEDIA_ROOT still stays out of the archive.
    settings.EBH_CREDENTIAL_KEYS = []
    settings.VAR_DIR = media
    media.mkdir(parents=True)
    crypto.configured_keys()
    (media / "note.txt").write_text("kept")
    backup_dir = Path(settings.BACKUP_DIR)
    backup_dir.mkdir()
    for day in (1, 2, 3):
        (backup_dir / f"backup-2020010{day}T031500.000000Z.tar").write_bytes(b"old")
    settings.BACKUP_KEEP = 2
    newest = _backup(settings)
    assert sorted(p.name for p in backup_dir.iterdir()) == [
        "backup-20200103T031500.000000Z.tar", newest.name]
    with tarfile.open(newest) as tar, tarfile.open(
            fileobj=tar.extractfile(archive.MEDIA), mode="r:gz") as files:
        assert files.getnames() == ["note.txt"]


def test_a_failed_scheduled_backup_is_logged_as_an_error(media, settings, tmp_path, caplog):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.BACKUP_DIR = blocker
    with caplog.at_level(logging.ERROR, logger="backups.tasks"):
        assert backup_task() == ""
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        "Backup failed"]


ROOT = Path(__file__).resolve().parents[2]


def test_beat_schedules_the_backup_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["backups-daily"]
    assert entry["task"] in celery_app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {15})


def test_the_worker_keeps_its_archives_in_a_volume_and_the_image_has_pg_dump(tmp_path):
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(["docker-compose", "config"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    worker = yaml.safe_load(result.stdout)["services"]["worker"]
    volumes = dict(_mount(volume) for volume in worker["volumes"])
    backup_dir = worker["environment"]["BACKUP_DIR"]
    assert volumes[backup_dir] == "backups"  # a named volume, not the container's own disk
    assert volumes["/data"] == "media"  # the media files it archives
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "postgresql-client" in dockerfile and backup_dir in dockerfile


def _mount(volume) -> tuple[str, str]:
    """(target, source) of a volume in the long or the short ("source:target:mode") form."""
    if isinstance(volume, dict):
        return volume["target"], volume["source"]
    source, target = volume.split(":")[:2]
    return target, source
