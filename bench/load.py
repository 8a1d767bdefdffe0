"""HTTP load: gunicorn with the production settings on loopback, simulated users by locust.

    python -m bench.load --json var/bench-load.json [--users 50 --duration 300]

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/facturen) only to reach the
server: the run creates, migrates, seeds and finally drops its own database
``facturen_bench_load`` (kept with --keep-db). The server is gunicorn with DJANGO_HTTPS and
DEBUG off, static files from whitenoise's manifest, emails to Django's in-memory backend in a
real Celery worker. The users (bench/locustfile.py) log in, browse the lists, open invoices
and their PDFs, write invoices and finalize them with the email to the customer.
Percentiles are nearest-rank over every request of a page; exits 1 when any answer was 5xx."""

import argparse
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB_NAME = "facturen_bench_load"
PASSWORD = "load-password-1"  # noqa: S105 (bench users in a database dropped afterwards)
ORGANIZATIONS = 5
MEMBERS = 10  # users per organization: 50 logins for 50 simulated users
BULK_INVOICES = 200  # per organization, written with bulk_create (no stored PDF)
RENDERED_INVOICES = 5  # per organization, finalized by the service (with a stored PDF)
PURCHASES = 20  # per organization
# Two cores: three processes (as in docker-compose.yml) with threads, so a request that
# waits on PostgreSQL or on a PDF being written does not hold a whole worker.
GUNICORN = ["--workers", "3", "--worker-class", "gthread", "--threads", "4", "--timeout", "60"]

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/facturen")


def production_env(tmp: Path, port: int) -> dict:
    """The settings of .env.example for loopback: secrets made up, files under ``tmp``."""
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    # No shared Redis: the Celery broker is the file system one under VAR_DIR, and the
    # cache only holds e-Boekhouden sync leases (these organizations have no link).
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "true", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": f"https://127.0.0.1:{port}",
        "EBH_CREDENTIAL_KEYS": Fernet.generate_key().decode(),
        "DJANGO_STATIC_MANIFEST": "true", "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"), "VAR_DIR": str(tmp / "var"),
        # Invoices are "sent" for real by the worker, into memory instead of over SMTP.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    })
    return env


def setup_django(env: dict):
    """Settings as the server has them; then a fresh, migrated database of our own."""
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", interactive=False, verbosity=0)
    connection.settings_dict.setdefault("TEST", {})["NAME"] = DB_NAME
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection, old_name


def database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{DB_NAME}"))


# --------------------------------------------------------------------------- seed


def seed() -> list[list[str]]:
    """Organizations like bench.invoices makes them, with members, products, purchases and
    a few invoices with a stored PDF; returns the [email, password] of every user."""
    from bench.invoices import _bulk_invoices, _organization

    credentials = []
    for number in range(1, ORGANIZATIONS + 1):
        owner, org, customers = _organization(f"Load{number}")
        owner.set_password(PASSWORD)
        owner.save(update_fields=["password"])
        credentials.append([owner.email, PASSWORD])
        credentials += _members(org, number)
        _products(org)
        _bulk_invoices(org, customers, BULK_INVOICES)
        _rendered_invoices(org, customers[0], owner)
        _purchases(org, owner)
    return credentials


def _members(org, number: int) -> list[list[str]]:
    from django.utils import timezone

    from accounts.models import Membership, User

    emails = [f"load{number}-{i}@example.test" for i in range(2, MEMBERS + 1)]
    for email in emails:
        user = User.objects.create_user(email=email, password=PASSWORD,
                                        email_verified_at=timezone.now())
        Membership.objects.create(user=user, organization=org, role=Membership.Role.MEMBER)
    return [[email, PASSWORD] for email in emails]


def _products(org) -> None:
    from decimal import Decimal

    from invoicing.demo import PRODUCTS
    from invoicing.models import Product

    Product.objects.bulk_create([
        Product(organization=org, description=description, unit=unit,
                unit_price=Decimal(price), vat_rate=rate, ledger_account=ledger)
        for description, unit, price, rate, ledger in PRODUCTS
    ])


def _rendered_invoices(org, customer, user) -> None:
    from bench.invoices import _drafts
    from invoicing import services

    for draft in _drafts(org, customer, RENDERED_INVOICES):
        services.invoice_finalize(invoice=draft, send_email=False, user=user)


def _purchases(org, user) -> None:
    import datetime
    from decimal import Decimal

    from invoicing import services
    from invoicing.demo import SUPPLIERS
    from invoicing.models import Supplier

    supplier = services.party_save(party=Supplier(**SUPPLIERS[0]), organization=org)
    for i in range(PURCHASES):
        date = datetime.date(2026, 1, 1) + datetime.timedelta(days=i * 9)
        data = services.PurchaseData(
            supplier=supplier, supplier_invoice_number=f"VN-{i + 1:04d}", invoice_date=date,
            due_date=date + datetime.timedelta(days=30), description="Verf",
            lines=[services.PurchaseLineData(vat_rate="21", net_amount=Decimal(100 + i))],
        )
        services.purchase_invoice_register(organization=org, data=data, attachment=None,
                                           user=user)


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    # Own process group: stop() ends the process and the children it forked, nothing else.
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_ready(url: str, server: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    # The url is our own http://127.0.0.1:port, never a file: or other scheme.
    request = urllib.request.Request(  # noqa: S310
        f"{url}/login/", headers={"X-Forwarded-Proto": "https"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting:\n" + tail(log))
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"no answer from {url}/login/ in {timeout:.0f} s:\n" + tail(log))


def run_locust(args, url: str, env: dict, tmp: Path) -> dict:
    samples = tmp / "samples.json"
    command = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
               "--run-time", f"{args.duration}s", "--stop-timeout", "10", "--host", url,
               "--only-summary", "--loglevel", "WARNING"]
    env = {**env, "BENCH_LOAD_CREDENTIALS": str(tmp / "credentials.json"),
           "BENCH_LOAD_SAMPLES": str(samples)}
    with (tmp / "locust.log").open("ab") as out:
        # Locust exits 1 when any request failed; the figures below say which and why.
        subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                       timeout=args.duration + 180, check=False)
    if not samples.exists():
        raise RuntimeError("locust wrote no figures:\n" + tail(tmp / "locust.log"))
    return json.loads(samples.read_text())


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --------------------------------------------------------------------------- figures


def percentile(sorted_ms: list[float], fraction: float) -> float:
    """Nearest rank: the smallest sample with at least ``fraction`` of them at or below it."""
    return round(sorted_ms[max(0, math.ceil(fraction * len(sorted_ms)) - 1)], 1)


def summarize(samples: dict, args) -> dict:
    pages = {}
    for name, times in sorted(samples["times"].items()):
        ordered = sorted(times)
        pages[name] = {"requests": len(ordered), "failures": samples["failures"].get(name, 0),
                       "p50_ms": percentile(ordered, 0.50), "p95_ms": percentile(ordered, 0.95),
                       "p99_ms": percentile(ordered, 0.99)}
    requests = sum(page["requests"] for page in pages.values())
    failures = sum(page["failures"] for page in pages.values())
    duration = samples.get("stopped", time.time()) - samples.get("started", time.time())
    status = dict(sorted(samples["status"].items()))
    return {
        "pages": pages,
        "totals": {
            "requests": requests, "failures": failures,
            "rps": round(requests / duration, 1) if duration > 0 else 0.0,
            "error_rate": round(failures / requests, 4) if requests else 1.0,
            "status": status, "count_5xx": sum(n for code, n in status.items() if int(code) >= 500),
            "users": args.users, "spawn_rate": args.spawn_rate,
            "duration_s": round(duration, 1),
        },
        "errors": dict(Counter(samples["errors"]).most_common(10)),
    }


def outcome(started: float) -> dict:
    """What the run left in the database: invoices finalized and emails the worker sent."""
    from django.db.models import Count

    from invoicing.models import EmailLog, SalesInvoice

    finalized = SalesInvoice.objects.filter(finalized_at__gte=_aware(started)).count()
    emails = dict(EmailLog.objects.values_list("status").annotate(n=Count("id")))
    return {"invoices_finalized": finalized, "emails": emails}


def _aware(timestamp: float):
    import datetime

    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


def wait_for_emails(timeout: float = 60) -> None:
    """Give the worker time to send what the last finalizations queued."""
    from invoicing.models import EmailLog

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and EmailLog.objects.filter(status="queued").exists():
        time.sleep(1)


def print_table(figures: dict) -> None:
    print(f"{'page':<20} {'requests':>8} {'fail':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, page in figures["pages"].items():
        print(f"{name:<20} {page['requests']:>8} {page['failures']:>5} {page['p50_ms']:>8} "
              f"{page['p95_ms']:>8} {page['p99_ms']:>8}")
    totals = figures["totals"]
    print(f"{totals['requests']} requests in {totals['duration_s']} s: {totals['rps']} req/s, "
          f"error rate {totals['error_rate']:.2%}, 5xx {totals['count_5xx']}, "
          f"status {totals['status']}")


# --------------------------------------------------------------------------- main


def measure(args, env: dict, tmp: Path) -> dict:
    url = f"http://127.0.0.1:{env['BENCH_LOAD_PORT']}"
    env = {**env, "DATABASE_URL": database_url()}
    processes = [
        start([str(BIN / "gunicorn"), "config.wsgi:application", "--bind", url[7:], *GUNICORN],
              env, tmp / "gunicorn.log"),
        start([str(BIN / "celery"), "-A", "config", "worker", "--concurrency", "1",
               "--loglevel", "WARNING"], env, tmp / "worker.log"),
    ]
    try:
        wait_ready(url, processes[0], tmp / "gunicorn.log")
        started = time.time()
        figures = summarize(run_locust(args, url, env, tmp), args)
        wait_for_emails()
        figures["outcome"] = outcome(started)
    finally:
        for process in processes:
            stop(process)
    figures["server"] = {"gunicorn": " ".join(GUNICORN), "celery_worker_concurrency": 1,
                         "settings": "DJANGO_HTTPS=true, DEBUG off, manifest static files"}
    figures["server_log"] = tail(tmp / "gunicorn.log", 20) if figures["totals"]["failures"] else ""
    return figures


def run(args, tmp: Path) -> dict:
    port = free_port()
    env = {**production_env(tmp, port), "BENCH_LOAD_PORT": str(port)}
    connection, old_name = setup_django(env)
    try:
        (tmp / "credentials.json").write_text(json.dumps(seed()))
        connection.close()  # the server's processes open their own
        return measure(args, env, tmp)
    finally:
        if not args.keep_db:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=300, help="seconds of load")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--json", type=Path, help="write the figures to this file as well")
    parser.add_argument("--keep-db", action="store_true", help=f"keep the database {DB_NAME}")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        figures = run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = json.dumps(figures, indent=2)
    print_table(figures)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n")
    return 1 if figures["totals"]["count_5xx"] else 0


if __name__ == "__main__":
    sys.exit(main())
