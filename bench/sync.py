"""How fast, how exactly and with how many SOAP calls the sync books a burst of invoices.

    python -m bench.sync --orgs 10 --invoices 1000 --latency-ms 40 --json var/bench-sync.json

Everything runs for real and is started here: an ebh_sandbox process with ``latency_ms`` on
every call, a PostgreSQL database ``facturen_bench_sync`` (on the server of DATABASE_URL,
dropped at the end unless --keep-db), a Redis broker db (REDIS_URL's server, db 12, flushed
before and after) and Celery workers. Invoices are finalized through the invoicing service,
which writes the sync jobs and publishes the drain tasks; only then do the workers start, so
``wall_s`` (first worker ready until every job is booked or failed) measures the sync alone.

The naive baseline books the same invoices into fresh sandbox accounts the way a simple
integration would: per invoice OpenSession, GetRelaties, AddRelatie when missing, AddMutatie,
CloseSession, one thread per organization.

``floor_s`` is the time the SOAP calls alone need: calls x latency / connections in parallel.
The double-booking oracle is the sandbox: every invoice number must carry exactly one
mutation."""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from stdnum.nl import btw

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "facturen_bench_sync"
BROKER_DB = 12
POLL_S = 0.2
BEAT_S = 30.0  # the sweeper's schedule in CELERY_BEAT_SCHEDULE; the bench plays beat
ISSUE_DATE = datetime.date(2026, 3, 2)
FIGURES = ["booked", "duplicates", "missing", "calls", "calls_per_invoice", "wall_s",
           "floor_s", "parallel_connections"]


def dutch_vat_id(start: int) -> str:
    """The first valid Dutch btw-id (python-stdnum's check) from ``start`` up: the product
    refuses made-up ones."""
    return next(candidate for number in itertools.count(start)
                if btw.is_valid(candidate := f"NL{number:09d}B01"))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sync", description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=10)
    parser.add_argument("--invoices", type=int, default=1000, help="in total, spread evenly")
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--customers", type=int, default=25, help="per organization")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--concurrency", type=int, default=5, help="slots per worker")
    parser.add_argument("--pool", default="threads", choices=["threads", "prefork"])
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per timed phase")
    parser.add_argument("--transport", default="soap", choices=["soap", "rest"],
                        help="how the organizations connect: security codes or an API token")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--keep-db", action="store_true", help=f"keep database {DB_NAME}")
    args = parser.parse_args(argv)
    if args.orgs < 1 or args.invoices < args.orgs:
        parser.error("need at least one organization and one invoice per organization")
    return args


# --- the processes and stores this run owns --------------------------------------------------


def database_url(name: str) -> str:
    """DATABASE_URL's server (and user) with another database name."""
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/facturen"))
    return urlunsplit(base._replace(path=f"/{name}"))


def broker_url() -> str:
    base = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return urlunsplit(base._replace(path=f"/{BROKER_DB}"))


def _admin_sql(statement: str) -> None:
    """Run CREATE/DROP DATABASE, which cannot run inside a transaction."""
    import psycopg2

    connection = psycopg2.connect(database_url("postgres"))
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def recreate_database(name: str = DB_NAME) -> None:
    drop_database(name)
    _admin_sql(f'CREATE DATABASE "{name}"')


def drop_database(name: str = DB_NAME) -> None:
    # FORCE: a worker that was killed may leave a connection behind.
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def queued_messages(queue: str = "celery") -> int:
    """Tasks still waiting in the broker (kombu keeps a Redis list per queue)."""
    import redis

    client = redis.Redis.from_url(broker_url())
    try:
        return int(client.llen(queue))
    finally:
        client.close()


def flush_broker() -> None:
    import redis

    client = redis.Redis.from_url(broker_url())
    try:
        client.flushdb()
    finally:
        client.close()


def process_env(sandbox, credential_key: str, media_root: Path) -> dict[str, str]:
    """The settings the benchmark process and the workers must share (same sandbox, same
    database, same broker, same key to decrypt the stored credentials)."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(DB_NAME),
        "CELERY_BROKER_URL": broker_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EBH_WSDL_URL": sandbox.wsdl_url,
        "EBH_ENDPOINT_URL": sandbox.endpoint,
        "EBH_REST_URL": sandbox.rest_url,
        "EBH_CREDENTIAL_KEYS": credential_key,
        "EBH_CLIENT_CLASS": "connections.clients.ConfiguredSoapClient",
        "MEDIA_ROOT": str(media_root),
    }


def setup_django(env: dict[str, str]) -> None:
    # Settings are read once, at import: the environment must be complete before setup().
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from config import celery_app

    celery_app.conf.task_always_eager = False


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    def is_ready(self) -> bool:
        return " ready." in self.log_text()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


def start_worker(args: argparse.Namespace, env: dict[str, str], log_path: Path,
                 name: str) -> Worker:
    """One Celery worker process (``args.pool``, ``args.concurrency``) logging to log_path."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and project
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", args.pool,
             "--concurrency", str(args.concurrency), "--loglevel", "INFO",
             "-n", name, "--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
        )
    return Worker(process, log_path)


def start_workers(args: argparse.Namespace, env: dict[str, str], log_dir: Path,
                  workers: list[Worker]) -> None:
    """Append to ``workers`` as each one starts, so the caller can stop a partial set."""
    for index in range(args.workers):
        workers.append(start_worker(args, env, log_dir / f"worker{index}.log",
                                    f"benchsync{index}@%h"))


def wait_first_ready(workers: list[Worker], timeout: float) -> None:
    """Block until one worker says "ready." (it consumes the queued tasks from then on)."""
    deadline = time.monotonic() + timeout
    while not any(worker.is_ready() for worker in workers):
        dead = [worker for worker in workers if worker.process.poll() is not None]
        if dead or time.monotonic() > deadline:
            raise RuntimeError(f"worker did not start:\n{(dead or workers)[0].log_tail()}")
        time.sleep(0.02)


DRAIN_DONE = re.compile(
    r"drain_connection_task\[[^\]]+\] succeeded in ([0-9.e-]+)s: \{'booked': (\d+)")


def drain_task_counts(workers: list[Worker]) -> dict[str, float]:
    """From the workers' INFO logs: drain tasks run, and how many (and how much slot time)
    booked nothing because another drain held the connection or had emptied it already."""
    runs = [(float(seconds), int(booked)) for worker in workers
            for seconds, booked in DRAIN_DONE.findall(worker.log_text())]
    idle = [seconds for seconds, booked in runs if booked == 0]
    return {"drain_tasks": len(runs), "idle_drain_tasks": len(idle),
            "idle_drain_task_s": round(sum(idle), 2)}


def stop_workers(workers: list[Worker]) -> None:
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.terminate()
    for worker in workers:
        try:
            worker.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=10)


# --- the data --------------------------------------------------------------------------------


@dataclass
class Tenant:
    """One organization, its sandbox account and what it invoiced."""

    organization: Any
    user: Any
    connection: Any
    guid: str
    customers: list = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)


def build_tenant(index: int, sandbox, customers: int, transport: str) -> Tenant:
    from django.utils import timezone

    from accounts.models import Membership, Organization, User
    from connections import services as connections

    user = User.objects.create_user(email=f"bench-sync-{index}@example.test", password=None,
                                    email_verified_at=timezone.now())
    organization = Organization.objects.create(
        name=f"Bench {index} B.V.", address="Damrak 1", postcode="1012 LG", city="Amsterdam",
        kvk_number=f"{10000000 + index}", vat_id=dutch_vat_id(100000000 + index * 100),
        iban="NL91ABNA0417164300", email=f"bench{index}@example.test",
    )
    Membership.objects.create(user=user, organization=organization, role="owner")
    account = sandbox.add_account(f"bench-sync-{index}")
    connection = _connect(connections, organization, account, transport)
    choices = connections.connection_load_choices(connection=connection)
    connection = connections.connection_configure(
        connection=connection, choices=choices, debtor_account="1300", creditor_account="1600",
        sales_contra_account="8000", purchase_contra_account="4000",
    )
    tenant = Tenant(organization, user, connection, account["administrations"][0])
    tenant.customers = [_customer(organization, index, n) for n in range(customers)]
    return tenant


def _connect(connections, organization, account: dict, transport: str):
    if transport == "rest":
        return connections.connection_connect_token(organization=organization,
                                                    api_token=account["api_token"])
    return connections.connection_connect(
        organization=organization, username=account["username"],
        security_code_1=account["security_code_1"], security_code_2=account["security_code_2"],
    )


def _customer(organization, org_index: int, n: int):
    from invoicing.models import Customer
    from invoicing.services import party_save

    return party_save(party=Customer(
        name=f"Klant {org_index}-{n} B.V.", address=f"Dorpsstraat {n + 1}", postcode="1234 AB",
        city="Utrecht", country="NL", email=f"klant{n}@example.test",
        vat_id=dutch_vat_id(900000000 - n * 100), kvk_number=f"{20000000 + n}",
    ), organization=organization)


def _lines(n: int) -> list:
    """Two lines at two VAT rates, so every booking carries two mutation lines."""
    from invoicing.services import LineData

    return [
        LineData(description="Werkzaamheden", quantity=Decimal(1 + n % 3),
                 unit_price=Decimal(100 + n % 50), vat_rate="21"),
        LineData(description="Boeken", quantity=Decimal(2), unit_price=Decimal("12.50"),
                 vat_rate="9"),
    ]


def make_drafts(tenants: list[Tenant], invoices: int) -> list[tuple[Tenant, Any]]:
    """Drafts spread evenly, interleaved by organization (as finalizes arrive in real life)."""
    from invoicing.models import SalesInvoice
    from invoicing.services import invoice_save_draft

    drafts = []
    for n in range(invoices):
        tenant = tenants[n % len(tenants)]
        customer = tenant.customers[(n // len(tenants)) % len(tenant.customers)]
        invoice = SalesInvoice(customer=customer, language=customer.language,
                               issue_date=ISSUE_DATE + datetime.timedelta(days=n % 28),
                               payment_term_days=14)
        drafts.append((tenant, invoice_save_draft(
            invoice=invoice, organization=tenant.organization, lines=_lines(n))))
    return drafts


def finalize_all(drafts: list[tuple[Tenant, Any]]) -> float:
    """The real path: each finalize writes its SyncJob and publishes a drain on commit."""
    from invoicing.services import invoice_finalize

    started = time.perf_counter()
    for n, (tenant, draft) in enumerate(drafts, start=1):
        invoice = invoice_finalize(invoice=draft, send_email=False, user=tenant.user)
        tenant.numbers.append(invoice.number)
        if n % 100 == 0:
            print(f"  finalized {n}/{len(drafts)} ({time.perf_counter() - started:.0f} s)",
                  flush=True)
    return time.perf_counter() - started


# --- measuring -------------------------------------------------------------------------------


def restart_counters(sandbox, latency_ms: float) -> None:
    # reset() also clears the faults: the latency must be set again afterwards.
    sandbox.reset()
    sandbox.set_faults(latency_ms=latency_ms, seed=1)


def job_counts() -> dict[str, int]:
    from django.db.models import Count

    from ebh_sync.models import SyncJob

    rows = SyncJob.objects.values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


def play_beat() -> bool:
    """Publish the sweeper as beat would; False when the broker is down (beat's next tick
    tries again)."""
    from kombu.exceptions import OperationalError

    from ebh_sync.tasks import sweep_sync_jobs_task

    try:
        sweep_sync_jobs_task.delay()
    except OperationalError:
        return False
    return True


def wait_for_jobs(total: int, timeout: float, *, beat_s: float = BEAT_S,
                  on_poll: Callable[[dict[str, int]], None] | None = None,
                  ) -> tuple[dict[str, int], bool]:
    """Poll until every job is booked or failed; (counts, finished in time). ``on_poll`` sees
    the counts of every poll that does not end the wait."""
    deadline = time.monotonic() + timeout
    next_sweep = time.monotonic() + beat_s
    while True:
        counts = job_counts()
        if counts.get("booked", 0) + counts.get("failed", 0) >= total:
            return counts, True
        if time.monotonic() > deadline:
            return counts, False
        if on_poll is not None:
            on_poll(counts)
        if time.monotonic() > next_sweep:
            # Production runs beat; without it a job that backed off would never wake up.
            play_beat()
            next_sweep += beat_s
        time.sleep(POLL_S)


def wait_drains_finished(timeout: float) -> None:
    """The last booking comes before its drain's CloseSession: wait until every lease is
    released (after the close) so the call count is complete."""
    from ebh_sync.models import SyncLease

    deadline = time.monotonic() + timeout
    while SyncLease.objects.exclude(holder="").exists() and time.monotonic() < deadline:
        time.sleep(POLL_S / 4)


def booking_times(started_at: datetime.datetime) -> dict[str, Any]:
    """First and last booking after the clock started, overall and per connection: shows
    whether the connections really drained side by side, and how long each one took."""
    from django.db.models import Max, Min

    from ebh_sync.models import SyncJob

    def seconds(moment: datetime.datetime | None) -> float | None:
        return None if moment is None else round((moment - started_at).total_seconds(), 3)

    rows = SyncJob.objects.values("connection_id").annotate(
        first=Min("booked_at"), last=Max("booked_at"))
    spans = [(seconds(row["first"]), seconds(row["last"])) for row in rows if row["first"]]
    return {
        "first_booking_s": min((first for first, _last in spans), default=None),
        "last_booking_s": max((last for _first, last in spans), default=None),
        "connection_start_s": [first for first, _last in sorted(spans)],
        "connection_end_s": [last for _first, last in sorted(spans)],
    }


def load_average() -> float | None:
    """The 1-minute load: other work on the machine (say a test run) slows every phase."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and their direct children (a prefork pool),
    from /proc; 0.0 where that is not available."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid in pids or ppid in pids:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def oracle(sandbox, booked_numbers: dict[str, list[str]]) -> tuple[int, int]:
    """(duplicates, missing) over {administration guid: invoice numbers expected once}."""
    duplicates = missing = 0
    for guid, numbers in booked_numbers.items():
        bookings = sandbox.bookings_per_invoice(guid)
        duplicates += sum(max(count - 1, 0) for count in bookings.values())
        missing += sum(1 for number in numbers if bookings[number] == 0)
    return duplicates, missing


def figures(*, invoices: int, booked: int, oracle_result: tuple[int, int], stats: dict,
            wall_s: float, latency_ms: float, parallel: int) -> dict[str, Any]:
    calls = stats["total"]
    return {
        "invoices": invoices,
        "booked": booked,
        "duplicates": oracle_result[0],
        "missing": oracle_result[1],
        "calls": calls,
        "calls_per_invoice": round(calls / invoices, 3),
        "wall_s": round(wall_s, 3),
        "floor_s": round(calls * latency_ms / 1000 / parallel, 3),
        "parallel_connections": parallel,
        "operations": dict(sorted(stats["operations"].items())),
        "errors": stats.get("errors", {}),
    }


def run_sync(args: argparse.Namespace, sandbox, tenants: list[Tenant], env: dict[str, str],
             log_dir: Path, workers: list[Worker]) -> dict[str, Any]:
    restart_counters(sandbox, args.latency_ms)
    load_before, spawned = load_average(), time.perf_counter()
    start_workers(args, env, log_dir, workers)
    wait_first_ready(workers, timeout=60)
    started, started_at = time.perf_counter(), datetime.datetime.now(datetime.UTC)
    pids = [sandbox.process.pid, *(worker.process.pid for worker in workers)]
    cpu_before = {pid: cpu_seconds([pid]) for pid in pids}
    counts, finished = wait_for_jobs(args.invoices, args.timeout)
    wall_s = time.perf_counter() - started
    wait_drains_finished(timeout=30)
    stats = sandbox.stats()
    cpu = {pid: cpu_seconds([pid]) - before for pid, before in cpu_before.items()}
    load, left = [load_before, load_average()], queued_messages()
    stop_workers(workers)  # after the warm shutdown every task has logged its outcome
    tasks = drain_task_counts(workers)
    if not finished:
        print(f"  TIMEOUT after {args.timeout:.0f} s, jobs by state: {counts}", flush=True)
    result = figures(
        invoices=args.invoices, booked=counts.get("booked", 0),
        oracle_result=oracle(sandbox, {t.guid: t.numbers for t in tenants}), stats=stats,
        wall_s=wall_s, latency_ms=args.latency_ms,
        parallel=min(args.orgs, args.workers * args.concurrency),
    )
    result.update(startup_s=round(started - spawned, 3), jobs=counts, finished=finished,
                  **booking_times(started_at))
    # Every finalize publishes a drain: all but one per connection find nothing to do.
    result.update(tasks, drain_messages_left=left)
    # How busy the 2 kinds of process were: CPU seconds against wall_s x cores tells whether
    # the run waited for the service or for the processor.
    result["cpu_s"] = {"workers": round(sum(cpu.values()) - cpu[pids[0]], 2),
                       "sandbox": round(cpu[pids[0]], 2), "cores": os.cpu_count()}
    result["load_avg_1m"] = load
    return result


# --- the naive baseline ----------------------------------------------------------------------


@dataclass
class NaiveOrg:
    """A fresh sandbox account and the bookings the naive integration sends to it."""

    credentials: Any
    guid: str
    work: list[tuple[Any, Any]]  # (RelationData, MutationData) per invoice
    booked: int = 0
    errors: list[str] = field(default_factory=list)


def naive_work(tenant: Tenant) -> list[tuple[Any, Any]]:
    """The same mapping as the engine, built up front so the threads only talk SOAP."""
    from ebh_sync import mapping
    from invoicing.models import SalesInvoice

    connection = tenant.connection
    accounts = mapping.Accounts(
        debtor=connection.debtor_account, creditor=connection.creditor_account,
        sales_contra=connection.sales_contra_account,
        purchase_contra=connection.purchase_contra_account, overrides={},
    )
    invoices = (SalesInvoice.objects.filter(organization=tenant.organization)
                .exclude(number="").prefetch_related("vat_totals", "lines").order_by("id"))
    return [
        (mapping.relation_from_snapshot(invoice.buyer),
         mapping.sales_mutation(invoice, accounts, invoice.vat_totals.all(), invoice.lines.all()))
        for invoice in invoices
    ]


def prepare_naive(sandbox, tenants: list[Tenant], transport: str) -> list[NaiveOrg]:
    from eboekhouden.client import ApiToken, Credentials

    orgs = []
    for index, tenant in enumerate(tenants):
        account = sandbox.add_account(f"bench-naive-{index}")
        credentials = ApiToken(account["api_token"]) if transport == "rest" else Credentials(
            account["username"], account["security_code_1"], account["security_code_2"])
        orgs.append(NaiveOrg(credentials, account["administrations"][0], naive_work(tenant)))
    return orgs


def naive_book(org: NaiveOrg) -> None:
    """Per invoice a session of its own, and the relation looked up every time."""
    from connections.clients import ConfiguredRestClient, ConfiguredSoapClient
    from eboekhouden.client import ApiToken, EbhError

    # One client per thread (a zeep service is not shared between threads).
    rest = isinstance(org.credentials, ApiToken)
    client = ConfiguredRestClient() if rest else ConfiguredSoapClient()
    for relation, mutation in org.work:
        try:
            with client.session(org.credentials) as session:
                if not client.get_relaties(session, code=relation.code):
                    client.add_relatie(session, relation)
                client.add_mutatie(session, mutation)
            org.booked += 1
        except EbhError as exc:
            org.errors.append(f"{mutation.invoice_number}: {exc}")


def run_baseline(args: argparse.Namespace, sandbox, tenants: list[Tenant]) -> dict[str, Any]:
    orgs = prepare_naive(sandbox, tenants, args.transport)
    restart_counters(sandbox, args.latency_ms)
    threads = [threading.Thread(target=naive_book, args=(org,), daemon=True) for org in orgs]
    load_before = load_average()
    sandbox_cpu, client_cpu = cpu_seconds([sandbox.process.pid]), time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(args.timeout - (time.perf_counter() - started), 0.1))
    wall_s = time.perf_counter() - started
    stats = sandbox.stats()
    cpu = {"client": round(time.process_time() - client_cpu, 2),
           "sandbox": round(cpu_seconds([sandbox.process.pid]) - sandbox_cpu, 2),
           "cores": os.cpu_count()}
    expected = {org.guid: [m.invoice_number for _r, m in org.work] for org in orgs}
    result = figures(
        invoices=args.invoices, booked=sum(org.booked for org in orgs),
        oracle_result=oracle(sandbox, expected), stats=stats, wall_s=wall_s,
        latency_ms=args.latency_ms, parallel=len(orgs),
    )
    result["finished"] = not any(thread.is_alive() for thread in threads)
    result.update(cpu_s=cpu, load_avg_1m=[load_before, load_average()])
    result["client_errors"] = [error for org in orgs for error in org.errors][:20]
    return result


# --- the run ---------------------------------------------------------------------------------


def build(args: argparse.Namespace, sandbox) -> tuple[list[Tenant], float]:
    started = time.perf_counter()
    tenants = [build_tenant(index, sandbox, args.customers, args.transport)
               for index in range(args.orgs)]
    drafts = make_drafts(tenants, args.invoices)
    print(f"built {args.orgs} organizations, {args.invoices} drafts in "
          f"{time.perf_counter() - started:.1f} s; finalizing (renders every PDF) ...", flush=True)
    return tenants, finalize_all(drafts)


def report(result: dict[str, Any]) -> None:
    baseline = result["baseline"]
    print(f"\n{result['invoices']} invoices, {result['orgs']} organizations over "
          f"{result['transport'].upper()}, "
          f"{result['latency_ms']:g} ms latency; finalize {result['finalize_s']:.1f} s "
          f"(not counted), worker start {result['startup_s']:.1f} s (not counted)")
    print(f"{'':22}{'sync':>12}{'naive':>12}")
    for name in FIGURES:
        print(f"{name:22}{result[name]!s:>12}{baseline[name]!s:>12}")
    print(f"CPU s: sync workers {result['cpu_s']['workers']}, naive client "
          f"{baseline['cpu_s']['client']}, sandbox {result['cpu_s']['sandbox']} / "
          f"{baseline['cpu_s']['sandbox']} on {result['cpu_s']['cores']} cores; "
          f"load {result['load_avg_1m']} / {baseline['load_avg_1m']}")
    print(f"drain tasks {result['drain_tasks']}, of which booked nothing "
          f"{result['idle_drain_tasks']} ({result['idle_drain_task_s']} s of worker slots); "
          f"still queued when done: {result['drain_messages_left']}")
    if not result["finished"] or not baseline["finished"]:
        print("WARNING: a phase hit the timeout; see 'jobs' in the JSON")


def raise_on_sigterm(signum: int, frame: Any) -> None:
    # Turn `kill` into an exception so the finally blocks stop workers and drop the database.
    raise KeyboardInterrupt(f"signal {signum}")


def measure(args: argparse.Namespace, sandbox, env: dict[str, str], tmp: Path,
            workers: list[Worker]) -> dict[str, Any]:
    tenants, finalize_s = build(args, sandbox)
    print(f"finalized in {finalize_s:.1f} s; starting {args.workers} workers ...", flush=True)
    result: dict[str, Any] = {"invoices": args.invoices, "orgs": args.orgs,
                              "transport": args.transport,
                              "latency_ms": args.latency_ms, "finalize_s": round(finalize_s, 3)}
    result.update(run_sync(args, sandbox, tenants, env, tmp, workers))
    print(f"sync done in {result['wall_s']:.1f} s; naive baseline ...", flush=True)
    result["baseline"] = run_baseline(args, sandbox, tenants)
    return result


def main(argv: list[str] | None = None) -> int:
    from cryptography.fernet import Fernet

    from ebh_sandbox.testing import SandboxProcess

    args = parse_args(argv)
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    tmp = Path(tempfile.mkdtemp(prefix="bench_sync_"))
    workers: list[Worker] = []
    try:
        with SandboxProcess() as sandbox:
            env = process_env(sandbox, Fernet.generate_key().decode(), tmp / "media")
            recreate_database()
            flush_broker()
            setup_django(env)
            try:
                result = measure(args, sandbox, env, tmp, workers)
            finally:
                stop_workers(workers)
                close_django_connections()
    finally:
        _clean_up(args, tmp)
    report(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0 if result["finished"] and result["baseline"]["finished"] else 1


def close_django_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def _clean_up(args: argparse.Namespace, tmp: Path) -> None:
    try:
        if not args.keep_db:
            drop_database()
        flush_broker()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
