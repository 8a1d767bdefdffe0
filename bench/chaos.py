"""Chaos run: every invoice booked exactly once while service, workers, broker, database and
web process misbehave.

    python -m bench.chaos --transport soap --json var/bench-chaos-soap.json
    python -m bench.chaos --transport rest --json var/bench-chaos-rest.json

Three organizations, connected with security codes (``soap``) or an API token (``rest``),
finalize 1,000 invoices through the web app: one logged-in user per organization posts the
finalize form to gunicorn, as a browser does. Meanwhile four Celery workers drain the bookings
into an ebh_sandbox that answers 10 % of the calls (SOAP or REST alike) with HTTP 500, lets
5 % hang past the client's read timeout (then applies them), applies 5 % and drops the
connection, and expires the session every 50th data call. And:

- a worker is killed with SIGKILL three times (a replacement starts each time);
- the Redis server that is both broker and cache is killed and started again once;
- the PostgreSQL server is restarted once (fast shutdown: every session ends, open
  transactions roll back; started again after a few seconds): web and workers must recover;
- the web worker is killed with SIGKILL five times while a finalize is inside its database
  transaction (it holds the invoice number counter); gunicorn's master starts a new one. The
  user's request fails; the user posts again once the invoice is found still a draft.

The bench plays beat (the sweeper) every few seconds, as production's beat does every 30.
Everything is started here and removed at the end: the sandbox, a Redis server and a
PostgreSQL cluster of the bench's own on free loopback ports (the machine's shared servers
are never touched), gunicorn and the workers.

The oracles: the sandbox (the mutations carrying each invoice number) and the database
afterwards: every invoice finalized with exactly one sync job under its number, or still a
draft with no number and no job; each organization's numbers gap-free (a killed finalize
consumed none). Each invoice whose finalize request was cut (no answer) or failed (5xx) is
looked at once the killed transaction is over and counted as finalized-with-job, a clean
draft, or half-done. The target is invoices == booked_once, duplicates == 0, missing == 0,
half_done == 0, number_gaps == 0; the exit status is 1 otherwise."""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bench import sync
from bench.chaos_servers import (
    WEB_APP_NAME,
    PostgresServer,
    RedisServer,
    WebServer,
    free_port,
    web_login,
)

DB_NAME = "facturen_bench_chaos"
PASSWORD = "chaos-password-1"  # noqa: S105 (bench users in a cluster removed afterwards)
FAULTS = {
    "http500_rate": 0.10,
    "timeout_rate": 0.05,
    # Longer than the workers' read timeout, short enough not to pile up sandbox threads.
    "hang_seconds": 4.0,
    "timeout_apply": True,
    "drop_after_apply_rate": 0.05,
    "expire_session_every": 50,
    "seed": 20260302,
}
# Short lease and backoff so orphans and retries come back within seconds; many attempts
# because a fifth of all calls fails and an in-doubt job needs two calls to get through.
WORKER_SETTINGS = {
    "EBH_SYNC_LEASE_SECONDS": "5",
    "EBH_SYNC_BACKOFF_BASE_SECONDS": "1",
    "EBH_SYNC_BACKOFF_MAX_SECONDS": "4",
    "EBH_SYNC_MAX_ATTEMPTS": "40",
    "EBH_CONNECT_TIMEOUT": "2",
    "EBH_READ_TIMEOUT": "2",
}
KILL_AT = (0.2, 0.45, 0.7)  # share of the invoices booked when a worker is killed
REDIS_RESTART_AT = 0.55
REDIS_DOWN_S = 3.0
POSTGRES_RESTART_AT = 0.35  # share booked
POSTGRES_DOWN_S = 3.0
WEB_KILL_AT = (0.1, 0.3, 0.5, 0.7, 0.9)  # share of the invoices finalized
BEAT_S = 5.0
FINALIZE_TRIES = 30
POLL_S = 0.2


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.chaos", description=__doc__.split("\n")[0])
    parser.add_argument("--transport", default="soap", choices=["soap", "rest"],
                        help="how the organizations connect: security codes or an API token")
    parser.add_argument("--orgs", type=int, default=3, help="one user finalizing each")
    parser.add_argument("--invoices", type=int, default=1000, help="in total, spread evenly")
    parser.add_argument("--customers", type=int, default=25, help="per organization")
    parser.add_argument("--workers", type=int, default=4, help="Celery worker processes")
    parser.add_argument("--concurrency", type=int, default=2, help="threads per worker")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="hard limit in seconds for the whole run")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--keep", action="store_true",
                        help="keep the logs (workers, gunicorn, Redis, PostgreSQL) and print "
                             "where they are")
    args = parser.parse_args(argv)
    args.pool = "threads"  # one process per worker: SIGKILL takes all its tasks down at once
    args.deadline = time.monotonic() + args.timeout
    if args.orgs < 1 or args.invoices < args.orgs or args.workers < 1:
        parser.error("need a worker, an organization and an invoice per organization")
    return args


# --- the database, as the bench sees it ------------------------------------------------------


def close_db() -> None:
    """Drop this thread's broken connection (after a PostgreSQL restart) for a fresh one."""
    from django.db import connection

    connection.close()


def retrying(read, *, until: float):
    """``read()``, again while PostgreSQL is down (until the monotonic time ``until``)."""
    from django.db import DatabaseError

    while True:
        try:
            return read()
        except DatabaseError:
            close_db()
            if time.monotonic() > until:
                raise
            time.sleep(0.5)


def invoice_state(pk: int) -> str:
    """``final_with_job``, ``draft_clean`` (no number, no job) or ``half_done``."""
    from ebh_sync.models import SyncJob
    from invoicing.models import InvoiceStatus, SalesInvoice

    invoice = SalesInvoice.objects.values("number", "status").get(pk=pk)
    jobs = list(SyncJob.objects.filter(sales_invoice_id=pk)
                .values_list("invoice_number", flat=True))
    if invoice["number"] and jobs == [invoice["number"]]:
        return "final_with_job"
    if not invoice["number"] and invoice["status"] == InvoiceStatus.DRAFT and not jobs:
        return "draft_clean"
    return "half_done"


def web_backends(server: PostgresServer, *, holding_number: bool = False) -> list[int]:
    """The web's PostgreSQL sessions; with ``holding_number`` only those inside a finalize
    transaction that has taken its invoice number (a lock on the number counter table)."""
    import psycopg2

    query = ("SELECT DISTINCT a.pid FROM pg_stat_activity a "
             "LEFT JOIN pg_locks l ON l.pid = a.pid AND l.granted "
             "AND l.relation = 'invoicing_numbercounter'::regclass "
             "WHERE a.application_name = %s AND (NOT %s OR l.pid IS NOT NULL)")
    try:
        connection = psycopg2.connect(server.url(DB_NAME), connect_timeout=5)
    except psycopg2.OperationalError:
        return []  # the server is down: no session of anyone
    try:
        with connection.cursor() as cursor:
            cursor.execute(query, (WEB_APP_NAME, holding_number))
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


# --- finalizing through the web app ----------------------------------------------------------


@dataclass
class WebFinalizer:
    """One user per organization posts the finalize form of each draft, on a thread each."""

    web: WebServer
    drafts: dict[int, list[int]]  # tenant index -> draft ids
    tenants: list
    deadline: float
    web_up: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: Counter = field(default_factory=Counter)  # ok, cut, http_5xx, refused
    after_failure: Counter = field(default_factory=Counter)  # invoice_state after cut/5xx
    in_flight: int = 0
    finalized: int = 0
    failures: list[BaseException] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        self.web_up.set()
        self.total = sum(len(ids) for ids in self.drafts.values())

    def start(self) -> None:
        self.started = time.perf_counter()
        for index in self.drafts:
            thread = threading.Thread(target=self._run, args=(index,), daemon=True,
                                      name=f"finalizer{index}")
            self.threads.append(thread)
            thread.start()

    def _run(self, index: int) -> None:
        try:
            http = web_login(self.web, self.tenants[index].user.email, PASSWORD)
            for pk in self.drafts[index]:
                self._finalize(http, pk)
                with self.lock:
                    self.finalized += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            self.failures.append(exc)
        finally:
            close_db()
            with self.lock:  # the last user to finish ends the finalizing
                self.seconds = max(self.seconds, time.perf_counter() - self.started)

    def _finalize(self, http: requests.Session, pk: int) -> None:
        for _try in range(FINALIZE_TRIES):
            answer = self._post(http, pk)
            self._count(answer)
            if answer == "ok":
                return
            # The user's request failed: once the killed transaction is over, the invoice
            # is either final (the answer was lost after the commit) or a clean draft.
            self.web_up.wait(timeout=300)
            state = retrying(lambda: invoice_state(pk), until=self.deadline)
            with self.lock:
                self.after_failure[state] += 1
            if state == "final_with_job":
                return
            if state == "half_done":
                raise RuntimeError(f"invoice {pk} is half finalized after a failed request")
            time.sleep(0.5)
        raise RuntimeError(f"could not finalize draft {pk} in {FINALIZE_TRIES} tries")

    def _post(self, http: requests.Session, pk: int) -> str:
        with self.lock:
            self.in_flight += 1
        try:
            answer = http.post(
                f"{self.web.url}/invoices/{pk}/finalize/", allow_redirects=False, timeout=180,
                data={"csrfmiddlewaretoken": http.cookies.get("csrftoken", ""), "message": ""})
        except requests.RequestException as exc:  # the worker died with the request
            self._sample(f"{type(exc).__name__}: {exc}")
            return "cut"
        finally:
            with self.lock:
                self.in_flight -= 1
        if answer.status_code == 302 and answer.headers["Location"].endswith(f"/{pk}/"):
            return "ok"
        if answer.status_code == 403:
            raise RuntimeError(f"finalize refused with 403 (CSRF or login): {answer.text[:200]}")
        if answer.status_code >= 500:
            self._sample(f"HTTP {answer.status_code}")
            return "http_5xx"
        self._sample(f"HTTP {answer.status_code}: the form was refused")
        return "refused"  # e.g. "already finalized" after a lost answer

    def _count(self, answer: str) -> None:
        with self.lock:
            self.answers[answer] += 1

    def _sample(self, text: str) -> None:
        with self.lock:
            if len(self.samples) < 5:
                self.samples.append(text[:200])

    def join(self, timeout: float) -> None:
        for thread in self.threads:
            thread.join(timeout=max(timeout, 0.1))

    @property
    def done(self) -> bool:
        return all(not thread.is_alive() for thread in self.threads)


# --- the chaos -------------------------------------------------------------------------------


RECEIVED = re.compile(r"drain_connection_task\[([^\]]+)\] received")
ENDED = re.compile(r"drain_connection_task\[([^\]]+)\] (?:succeeded|raised|retry)")


def busy_tasks(worker: sync.Worker) -> int:
    """Drain tasks the worker received and has not finished (waiting ETA tasks included)."""
    text = worker.log_text()
    return len(set(RECEIVED.findall(text)) - set(ENDED.findall(text)))


def wait_until(condition, timeout: float, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(interval)


@dataclass
class Chaos:
    """Fires the worker kills, the Redis and PostgreSQL restarts and the web kills."""

    args: argparse.Namespace
    env: dict[str, str]
    log_dir: Path
    redis: RedisServer
    postgres: PostgresServer
    web: WebServer
    finalizer: WebFinalizer
    workers: list[sync.Worker]  # every worker ever started (the dead ones too)
    live: list[sync.Worker] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    events: list[dict[str, Any]] = field(default_factory=list)

    def start_workers(self) -> None:
        for slot in range(self.args.workers):
            self._start_worker(slot)

    def _start_worker(self, slot: int) -> sync.Worker:
        generation = sum(1 for event in self.events if event.get("slot") == slot)
        name = f"chaos{slot}g{generation}"
        worker = sync.start_worker(self.args, self.env, self.log_dir / f"{name}.log",
                                   f"{name}@%h")
        self.workers.append(worker)
        if slot < len(self.live):
            self.live[slot] = worker
        else:
            self.live.append(worker)
        return worker

    def count(self, what: str) -> int:
        return sum(1 for event in self.events if event["what"] == what)

    def on_poll(self, counts: dict[str, int]) -> None:
        if self.finalizer.failures:
            raise RuntimeError("finalizing failed") from self.finalizer.failures[0]
        done = (counts.get("booked", 0) + counts.get("failed", 0)) / self.args.invoices
        finalized = self.finalizer.finalized / self.finalizer.total
        if self.count("worker_kill") < len(KILL_AT) and done >= KILL_AT[self.count("worker_kill")]:
            self.kill_worker(done)
        if done >= REDIS_RESTART_AT and not self.count("redis_restart"):
            self.restart_redis(done)
        if done >= POSTGRES_RESTART_AT and not self.count("postgres_restart"):
            self.restart_postgres(done)
        kills = self.count("web_kill")
        if kills < len(WEB_KILL_AT) and finalized >= WEB_KILL_AT[kills]:
            self.kill_web(done)

    def kill_worker(self, done: float) -> None:
        # A worker in the middle of a drain, where SIGKILL leaves a job in doubt.
        slot = max(range(len(self.live)), key=lambda index: busy_tasks(self.live[index]))
        victim = self.live[slot]
        busy = busy_tasks(victim)
        os.kill(victim.process.pid, signal.SIGKILL)
        victim.process.wait(timeout=10)
        self._log("worker_kill", done, slot=slot, pid=victim.process.pid, busy_tasks=busy)
        self._start_worker(slot)

    def restart_redis(self, done: float) -> None:
        self.redis.kill()
        time.sleep(REDIS_DOWN_S)
        self.redis.start()
        self._log("redis_restart", done, down_s=REDIS_DOWN_S)

    def restart_postgres(self, done: float) -> None:
        sessions = len(web_backends(self.postgres))
        self.postgres.stop("fast")
        time.sleep(POSTGRES_DOWN_S)
        self.postgres.start()
        close_db()
        self._log("postgres_restart", done, down_s=POSTGRES_DOWN_S, web_sessions_ended=sessions)

    def kill_web(self, done: float) -> None:
        """SIGKILL the web worker while a finalize holds its number inside the transaction
        (or after 20 s of looking, whatever it does then)."""
        holding = wait_until(lambda: web_backends(self.postgres, holding_number=True), 20)
        in_flight, sessions = self.finalizer.in_flight, web_backends(self.postgres)
        self.finalizer.web_up.clear()
        pid = self.web.kill_worker()
        # The killed worker's sessions end (their open transactions roll back) ...
        gone = wait_until(lambda: not set(sessions) & set(web_backends(self.postgres)), 60)
        # ... and the master has a new worker answering.
        new_pid = self.web.wait_ready(previous=pid)
        self.finalizer.web_up.set()
        self._log("web_kill", done, pid=pid, new_pid=new_pid, requests_in_flight=in_flight,
                  transactions_holding_a_number=len(holding), sessions_ended=bool(gone),
                  finalized=self.finalizer.finalized)

    def _log(self, what: str, done: float, **details: Any) -> None:
        event = {"what": what, "at_s": round(time.monotonic() - self.started, 1),
                 "booked_share": round(done, 3), **details}
        self.events.append(event)
        print(f"  chaos: {event}", flush=True)


def wait_for_jobs(total: int, chaos: Chaos, deadline: float) -> tuple[dict[str, int], bool]:
    """Poll until every job is booked or failed (PostgreSQL may be down meanwhile: the
    last counts stand), playing beat; (counts, finished in time)."""
    from django.db import DatabaseError

    counts: dict[str, int] = {}
    next_sweep = time.monotonic() + BEAT_S
    while True:
        try:
            counts = sync.job_counts()
        except DatabaseError:
            close_db()
        if counts.get("booked", 0) + counts.get("failed", 0) >= total:
            return counts, True
        if time.monotonic() > deadline:
            return counts, False
        chaos.on_poll(counts)
        if time.monotonic() > next_sweep:
            sync.play_beat()
            next_sweep = time.monotonic() + BEAT_S
        time.sleep(POLL_S)


# --- the run ---------------------------------------------------------------------------------


def chaos_env(sandbox, redis: RedisServer, postgres: PostgresServer,
              tmp: Path) -> dict[str, str]:
    """What the bench, the workers and the web share: the sandbox, our own PostgreSQL and
    Redis, one key for the stored credentials, one secret key for the sessions."""
    from cryptography.fernet import Fernet

    env = sync.process_env(sandbox, Fernet.generate_key().decode(), tmp / "media")
    return {**env, **WORKER_SETTINGS, "DATABASE_URL": postgres.url(DB_NAME),
            "CELERY_BROKER_URL": redis.url(0), "REDIS_URL": redis.url(1),
            "CACHE_KEY_PREFIX": "chaos", "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}


def build(args: argparse.Namespace, sandbox) -> tuple[list[sync.Tenant], dict[int, list[int]]]:
    """Organizations, connections, users with a password, and the drafts, before any fault."""
    started = time.perf_counter()
    tenants = [sync.build_tenant(index, sandbox, args.customers, args.transport)
               for index in range(args.orgs)]
    for tenant in tenants:
        tenant.user.set_password(PASSWORD)
        tenant.user.save(update_fields=["password"])
    drafts: dict[int, list[int]] = {index: [] for index in range(args.orgs)}
    index_of = {id(tenant): index for index, tenant in enumerate(tenants)}
    for tenant, draft in sync.make_drafts(tenants, args.invoices):
        drafts[index_of[id(tenant)]].append(draft.pk)
    print(f"built {args.orgs} organizations ({args.transport.upper()}), {args.invoices} drafts "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    return tenants, drafts


def tally(sandbox, tenants: list[sync.Tenant]) -> dict[str, int]:
    """The oracle: mutations per invoice number in each organization's administration, for
    every invoice the database holds as finalized."""
    from invoicing.models import SalesInvoice

    booked_once = duplicates = missing = finalized = 0
    for tenant in tenants:
        numbers = list(SalesInvoice.objects.filter(organization=tenant.organization)
                       .exclude(number="").values_list("number", flat=True))
        bookings = sandbox.bookings_per_invoice(tenant.guid)
        counts = [bookings[number] for number in numbers]
        finalized += len(numbers)
        booked_once += counts.count(1)
        missing += counts.count(0)
        duplicates += sum(count - 1 for count in bookings.values() if count > 1)
    return {"finalized": finalized, "booked_once": booked_once, "duplicates": duplicates,
            "missing": missing}


def finalize_outcomes() -> dict[str, int]:
    """Every invoice: finalized with its one job, or a clean draft, or half done; and the
    numbers each series skipped (a finalize killed after taking its number must give it
    back: its transaction rolled back)."""
    from invoicing.models import NumberCounter, SalesInvoice

    states = Counter(invoice_state(pk) for pk in SalesInvoice.objects.values_list("pk", flat=True))
    gaps = 0
    series: dict[tuple[int, int], list[int]] = {}
    for org, year, sequence in (SalesInvoice.objects.exclude(number="")
                                .values_list("organization_id", "number_year", "number_sequence")):
        series.setdefault((org, year), []).append(sequence)
    for (org, year), sequences in series.items():
        counter = NumberCounter.objects.get(organization_id=org, series="invoice", year=year)
        gaps += len(set(range(1, counter.next_value)) - set(sequences))
    return {"final_with_job": states["final_with_job"], "draft_clean": states["draft_clean"],
            "half_done": states["half_done"], "number_gaps": gaps}


def run(args: argparse.Namespace, sandbox, chaos: Chaos, tenants: list) -> dict[str, Any]:
    sandbox.reset()
    sandbox.set_faults(**FAULTS)
    chaos.start_workers()
    sync.wait_first_ready(chaos.live, timeout=120)
    started = time.perf_counter()
    chaos.started = time.monotonic()
    chaos.finalizer.start()
    counts, finished = wait_for_jobs(args.invoices, chaos, args.deadline)
    wall_s = time.perf_counter() - started
    chaos.finalizer.join(timeout=args.deadline - time.monotonic())
    sync.wait_drains_finished(timeout=15)
    stats = sandbox.stats()
    result = {"transport": args.transport, "invoices": args.invoices, **tally(sandbox, tenants),
              **finalize_outcomes(), "wall_s": round(wall_s, 3), "finished": finished,
              "jobs": counts, "failed_jobs": counts.get("failed", 0)}
    result.update(figures(chaos, stats))
    result["target_met"] = finished and not chaos.finalizer.failures and target_met(result)
    return result


def figures(chaos: Chaos, stats: dict[str, Any]) -> dict[str, Any]:
    finalizer = chaos.finalizer
    return {
        "orgs": chaos.args.orgs, "workers": chaos.args.workers,
        "worker_kills": chaos.count("worker_kill"), "redis_restarts": chaos.count("redis_restart"),
        "postgres_restarts": chaos.count("postgres_restart"),
        "web_kills": chaos.count("web_kill"),
        "web_kills_inside_a_finalize": sum(1 for e in chaos.events if e["what"] == "web_kill"
                                           and e["transactions_holding_a_number"]),
        "finalize_requests": dict(finalizer.answers),
        "after_failed_request": dict(finalizer.after_failure),
        "finalize_error_samples": finalizer.samples,
        "finalize_failures": [repr(exc)[:300] for exc in finalizer.failures],
        "finalize_s": round(finalizer.seconds, 3),
        "calls": stats["total"], "operations": dict(sorted(stats["operations"].items())),
        "injected": stats.get("faults", {}), "service_errors": stats.get("errors", {}),
        "events": chaos.events, "faults": FAULTS, "settings": WORKER_SETTINGS, "beat_s": BEAT_S,
    }


def target_met(result: dict[str, Any]) -> bool:
    return (result["booked_once"] == result["invoices"] == result["finalized"]
            and result["duplicates"] == 0 and result["missing"] == 0
            and result["half_done"] == 0 and result["number_gaps"] == 0)


def summary(result: dict[str, Any]) -> str:
    injected = result["injected"]
    answers = result["finalize_requests"]
    after = result["after_failed_request"]
    return "\n".join([
        f"chaos over {result['transport'].upper()}: {result['invoices']} invoices, "
        f"{result['finalized']} finalized, {result['booked_once']} booked once, "
        f"{result['duplicates']} duplicates, {result['missing']} missing, "
        f"{result['failed_jobs']} failed jobs, {result['wall_s']:.1f} s",
        f"  finalize: {result['final_with_job']} with their sync job, "
        f"{result['draft_clean']} clean drafts, {result['half_done']} half done, "
        f"{result['number_gaps']} numbers skipped",
        f"  faults: {result['worker_kills']} worker kills, {result['redis_restarts']} Redis "
        f"restart, {result['postgres_restarts']} PostgreSQL restart, {result['web_kills']} web "
        f"kills ({result['web_kills_inside_a_finalize']} inside a finalize transaction); "
        f"sandbox: {injected.get('http500', 0)} HTTP 500, {injected.get('timeout', 0)} hangs, "
        f"{injected.get('drop', 0)} apply-then-drop, {injected.get('session_expired', 0)} "
        f"session expiries in {result['calls']} calls",
        f"  finalize requests: {answers.get('ok', 0)} ok, {answers.get('cut', 0)} cut by a "
        f"kill, {answers.get('http_5xx', 0)} 5xx, {answers.get('refused', 0)} refused; after a "
        f"failed one: {after.get('final_with_job', 0)} final with job, "
        f"{after.get('draft_clean', 0)} clean draft, {after.get('half_done', 0)} half done",
        f"  -> {'OK' if result['target_met'] else 'TARGET MISSED'}",
    ])


def execute(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from ebh_sandbox.testing import SandboxProcess

    redis = RedisServer(free_port(), tmp / "redis.log")
    postgres = PostgresServer.create()
    workers: list[sync.Worker] = []
    web = finalizer = None
    try:
        redis.start()
        postgres.start()
        postgres.create_database(DB_NAME)
        with SandboxProcess() as sandbox:
            env = chaos_env(sandbox, redis, postgres, tmp)
            sync.setup_django(env)
            tenants, drafts = build(args, sandbox)
            web = WebServer(free_port(), env, tmp / "gunicorn.log")
            web.start()
            finalizer = WebFinalizer(web, drafts, tenants, args.deadline)
            chaos = Chaos(args, env, tmp, redis, postgres, web, finalizer, workers)
            return run(args, sandbox, chaos, tenants)
    finally:
        if finalizer is not None:
            finalizer.web_up.set()
        sync.stop_workers(workers)
        if web is not None:
            web.stop()
        redis.kill()
        sync.close_django_connections()
        if args.keep and postgres.log_path.exists():
            shutil.copy(postgres.log_path, tmp / "postgres.log")
        postgres.remove()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, sync.raise_on_sigterm)
    tmp = Path(tempfile.mkdtemp(prefix="bench_chaos_"))
    try:
        result = execute(args, tmp)
    finally:
        if args.keep:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(summary(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
