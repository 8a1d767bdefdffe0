"""Chaos run: every invoice booked exactly once while service, workers and broker misbehave.

    python -m bench.chaos --json var/bench-chaos.json

Three organizations finalize 1,000 invoices (in batches, through the invoicing service)
while four Celery workers drain them into an ebh_sandbox that answers 10 % of the calls with
HTTP 500, lets 5 % hang past the client's read timeout (then applies them), applies 5 % and
drops the connection, and expires the session every 50th data call. Meanwhile a worker is
killed with SIGKILL three times (a replacement starts each time) and the Redis server that is
both broker and cache is killed and started again once. The bench plays beat (the sweeper)
every few seconds, as production's beat does every 30.

Everything is started here and removed at the end: the sandbox, a Redis server of its own on a
free loopback port (the machine's shared Redis is never touched), the workers and the
PostgreSQL database ``facturen_bench_chaos`` on DATABASE_URL's server (kept with --keep-db).

The oracle is the sandbox: the mutations carrying each invoice number. The target is
invoices == booked_once, duplicates == 0, missing == 0; the exit status is 1 otherwise."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import sync

DB_NAME = "facturen_bench_chaos"
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
BEAT_S = 5.0
FINALIZE_TRIES = 20


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.chaos", description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=3)
    parser.add_argument("--invoices", type=int, default=1000, help="in total, spread evenly")
    parser.add_argument("--customers", type=int, default=25, help="per organization")
    parser.add_argument("--workers", type=int, default=4, help="Celery worker processes")
    parser.add_argument("--concurrency", type=int, default=2, help="threads per worker")
    parser.add_argument("--batch", type=int, default=50, help="invoices finalized per batch")
    parser.add_argument("--batch-pause-s", type=float, default=0.5)
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="hard limit in seconds for the whole run")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--keep-db", action="store_true", help=f"keep database {DB_NAME}")
    args = parser.parse_args(argv)
    args.pool = "threads"  # one process per worker: SIGKILL takes all its tasks down at once
    args.deadline = time.monotonic() + args.timeout
    if args.orgs < 1 or args.invoices < args.orgs or args.workers < 1:
        parser.error("need a worker, an organization and an invoice per organization")
    return args


# --- Redis of our own ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    """A throw-away redis-server without persistence: a restart loses every message."""

    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - a fixed argument list
                ["redis-server", "--save", "", "--appendonly", "no", "--port", str(self.port),
                 "--bind", "127.0.0.1"], stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 10.0) -> None:
        import redis

        deadline = time.monotonic() + timeout
        while True:
            try:
                redis.Redis(port=self.port, socket_timeout=1).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"no redis-server, see {self.log_path}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=10)


# --- finalizing while everything else happens ------------------------------------------------


@dataclass
class Finalizer:
    """Finalizes the drafts in batches on a thread of its own."""

    drafts: list
    batch: int
    pause_s: float
    errors: list[str] = field(default_factory=list)
    failure: BaseException | None = None
    seconds: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="finalizer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from django.db import connections

        started = time.perf_counter()
        try:
            for n, (tenant, draft) in enumerate(self.drafts, start=1):
                if self.stop.is_set():
                    return
                tenant.numbers.append(self._finalize(tenant, draft))
                if n % self.batch == 0:
                    print(f"  finalized {n}/{len(self.drafts)}", flush=True)
                    time.sleep(self.pause_s)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            self.failure = exc
        finally:
            self.seconds = time.perf_counter() - started
            connections.close_all()

    def _finalize(self, tenant, draft) -> str:
        from invoicing.models import SalesInvoice
        from invoicing.services import invoice_finalize

        for _try in range(FINALIZE_TRIES):
            try:
                return invoice_finalize(invoice=draft, send_email=False, user=tenant.user).number
            except Exception as exc:  # noqa: BLE001 - Redis down; see below
                self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            # The wake-up on commit raises while Redis is down, after the commit: the
            # invoice may be final already (its job is in the outbox; the sweeper wakes it).
            draft = SalesInvoice.objects.get(pk=draft.pk)
            if not draft.is_draft:
                return draft.number
            time.sleep(0.5)
        raise RuntimeError(f"could not finalize draft {draft.pk}")

    def halt(self) -> None:
        """Stop after the invoice at hand (a timeout or Ctrl-C), before the database goes."""
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=30)


# --- the chaos -------------------------------------------------------------------------------


RECEIVED = re.compile(r"drain_connection_task\[([^\]]+)\] received")
ENDED = re.compile(r"drain_connection_task\[([^\]]+)\] (?:succeeded|raised|retry)")


def busy_tasks(worker: sync.Worker) -> int:
    """Drain tasks the worker received and has not finished (waiting ETA tasks included)."""
    text = worker.log_text()
    return len(set(RECEIVED.findall(text)) - set(ENDED.findall(text)))


@dataclass
class Chaos:
    """Fires the worker kills and the Redis restart as the bookings progress."""

    args: argparse.Namespace
    env: dict[str, str]
    log_dir: Path
    redis: RedisServer
    finalizer: Finalizer
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

    def on_poll(self, counts: dict[str, int]) -> None:
        if self.finalizer.failure is not None:
            raise RuntimeError("finalizing failed") from self.finalizer.failure
        done = (counts.get("booked", 0) + counts.get("failed", 0)) / self.args.invoices
        kills = sum(1 for event in self.events if event["what"] == "kill")
        if kills < len(KILL_AT) and done >= KILL_AT[kills]:
            self.kill_worker(done)
        if done >= REDIS_RESTART_AT and not any(e["what"] == "redis" for e in self.events):
            self.restart_redis(done)

    def kill_worker(self, done: float) -> None:
        # A worker in the middle of a drain, where SIGKILL leaves a job in doubt.
        slot = max(range(len(self.live)), key=lambda index: busy_tasks(self.live[index]))
        victim = self.live[slot]
        busy = busy_tasks(victim)
        os.kill(victim.process.pid, signal.SIGKILL)
        victim.process.wait(timeout=10)
        self._log("kill", done, slot=slot, pid=victim.process.pid, busy_tasks=busy)
        self._start_worker(slot)

    def restart_redis(self, done: float) -> None:
        self.redis.kill()
        time.sleep(REDIS_DOWN_S)
        self.redis.start()
        self._log("redis", done, down_s=REDIS_DOWN_S)

    def _log(self, what: str, done: float, **details: Any) -> None:
        event = {"what": what, "at_s": round(time.monotonic() - self.started, 1),
                 "done_share": round(done, 3), **details}
        self.events.append(event)
        print(f"  chaos: {event}", flush=True)


# --- the run ---------------------------------------------------------------------------------


def chaos_env(sandbox, redis: RedisServer, tmp: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = sync.process_env(sandbox, Fernet.generate_key().decode(), tmp / "media")
    return {**env, **WORKER_SETTINGS, "DATABASE_URL": sync.database_url(DB_NAME),
            "CELERY_BROKER_URL": redis.url(0), "REDIS_URL": redis.url(1),
            "CACHE_KEY_PREFIX": "chaos"}


def build(args: argparse.Namespace, sandbox) -> tuple[list[sync.Tenant], list]:
    """Organizations, connections and drafts, before any fault is switched on."""
    started = time.perf_counter()
    tenants = [sync.build_tenant(index, sandbox, args.customers) for index in range(args.orgs)]
    drafts = sync.make_drafts(tenants, args.invoices)
    print(f"built {args.orgs} organizations, {args.invoices} drafts in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return tenants, drafts


def tally(sandbox, tenants: list[sync.Tenant]) -> dict[str, int]:
    """The oracle: mutations per invoice number in each organization's administration."""
    booked_once = duplicates = missing = 0
    for tenant in tenants:
        bookings = sandbox.bookings_per_invoice(tenant.guid)
        counts = [bookings[number] for number in tenant.numbers]
        booked_once += counts.count(1)
        missing += counts.count(0)
        duplicates += sum(count - 1 for count in bookings.values() if count > 1)
    return {"booked_once": booked_once, "duplicates": duplicates, "missing": missing}


def run(args: argparse.Namespace, sandbox, chaos: Chaos, tenants: list) -> dict[str, Any]:
    sandbox.reset()
    sandbox.set_faults(**FAULTS)
    chaos.start_workers()
    sync.wait_first_ready(chaos.live, timeout=60)
    started = time.perf_counter()
    chaos.started = time.monotonic()
    chaos.finalizer.start()
    remaining = args.deadline - time.monotonic()
    counts, finished = sync.wait_for_jobs(args.invoices, remaining, beat_s=BEAT_S,
                                          on_poll=chaos.on_poll)
    wall_s = time.perf_counter() - started
    chaos.finalizer.halt()
    sync.wait_drains_finished(timeout=15)
    stats = sandbox.stats()
    result = {"invoices": args.invoices, **tally(sandbox, tenants), "wall_s": round(wall_s, 3),
              "finished": finished, "jobs": counts, "failed_jobs": counts.get("failed", 0)}
    result.update(figures(chaos, stats))
    result["target_met"] = finished and target_met(result)
    return result


def figures(chaos: Chaos, stats: dict[str, Any]) -> dict[str, Any]:
    finalizer = chaos.finalizer
    return {
        "orgs": chaos.args.orgs, "workers": chaos.args.workers,
        "worker_kills": sum(1 for e in chaos.events if e["what"] == "kill"),
        "redis_restarts": sum(1 for e in chaos.events if e["what"] == "redis"),
        "events": chaos.events,
        "finalize_s": round(finalizer.seconds, 3),
        "finalize_errors": len(finalizer.errors), "finalize_error_samples": finalizer.errors[:3],
        "soap_calls": stats["total"], "operations": dict(sorted(stats["operations"].items())),
        "injected": stats.get("faults", {}), "service_errors": stats.get("errors", {}),
        "faults": FAULTS, "settings": WORKER_SETTINGS, "beat_s": BEAT_S,
    }


def target_met(result: dict[str, Any]) -> bool:
    return (result["booked_once"] == result["invoices"] and result["duplicates"] == 0
            and result["missing"] == 0)


def summary(result: dict[str, Any]) -> str:
    return (f"chaos: {result['booked_once']}/{result['invoices']} booked once, "
            f"{result['duplicates']} duplicates, {result['missing']} missing, "
            f"{result['failed_jobs']} failed jobs; {result['worker_kills']} worker kills, "
            f"{result['redis_restarts']} Redis restart, {result['soap_calls']} SOAP calls, "
            f"{result['wall_s']:.1f} s -> {'OK' if target_met(result) else 'TARGET MISSED'}")


def execute(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from ebh_sandbox.testing import SandboxProcess

    redis = RedisServer(free_port(), tmp / "redis.log")
    workers: list[sync.Worker] = []
    finalizer = None
    try:
        redis.start()
        with SandboxProcess() as sandbox:
            env = chaos_env(sandbox, redis, tmp)
            sync.recreate_database(DB_NAME)
            sync.setup_django(env)
            tenants, drafts = build(args, sandbox)
            finalizer = Finalizer(drafts, args.batch, args.batch_pause_s)
            chaos = Chaos(args, env, tmp, redis, finalizer, workers)
            return run(args, sandbox, chaos, tenants)
    finally:
        if finalizer is not None:
            finalizer.halt()
        sync.stop_workers(workers)
        redis.kill()
        sync.close_django_connections()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, sync.raise_on_sigterm)
    tmp = Path(tempfile.mkdtemp(prefix="bench_chaos_"))
    try:
        result = execute(args, tmp)
    finally:
        try:
            if not args.keep_db:
                sync.drop_database(DB_NAME)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(summary(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
