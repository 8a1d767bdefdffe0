"""The servers bench.chaos owns and breaks: Redis, PostgreSQL and the web app (gunicorn).

Each listens on a free loopback port of its own and is removed at the end, so the machine's
shared PostgreSQL and Redis are never restarted or touched. PostgreSQL is a throw-away
cluster (``initdb`` into a temporary directory, run as the ``postgres`` user when the bench
runs as root, as PostgreSQL refuses root); its binaries are found in ``BENCH_PG_BIN`` or
``pg_config --bindir`` or /usr/lib/postgresql/15/bin."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
WEB_APP_NAME = "chaos-web"  # the web's PostgreSQL application_name (libpq reads PGAPPNAME)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- Redis -----------------------------------------------------------------------------------


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


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_bin() -> Path:
    if configured := os.environ.get("BENCH_PG_BIN"):
        return Path(configured)
    if pg_config := shutil.which("pg_config"):
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,  # noqa: S603
                               check=False).stdout.strip()
        if found and (Path(found) / "initdb").exists():
            return Path(found)
    return Path("/usr/lib/postgresql/15/bin")


@dataclass
class PostgresServer:
    """A PostgreSQL cluster of the bench's own on a free loopback port; trust authentication
    for the ``postgres`` role, on 127.0.0.1 only."""

    port: int
    directory: Path  # holds the cluster, its socket and its log; removed by remove()
    bin_dir: Path

    @classmethod
    def create(cls) -> PostgresServer:
        directory = Path(tempfile.mkdtemp(prefix="bench_chaos_pg_"))
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        server = cls(free_port(), directory, postgres_bin())
        server._run("initdb", "-D", str(server.data), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--locale=C", "--no-sync")
        return server

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log_path(self) -> Path:
        return self.directory / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False,  # noqa: S603
                              cwd=self.directory, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stdout}{done.stderr}\n"
                               f"{tail(self.log_path)}")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
                   "-c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-o", options,
                  "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast``: every session is ended and open transactions roll back, as a server
        restart in production does."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def create_database(self, name: str) -> None:
        import psycopg2

        connection = psycopg2.connect(self.url("postgres"))
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

    def remove(self) -> None:
        try:
            if self.is_running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


# --- the web app -----------------------------------------------------------------------------


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class WebServer:
    """gunicorn serving config.wsgi, as docker-compose.yml runs it, with one worker process
    (threads for the requests in flight) so a SIGKILL takes every request of it down; the
    master starts a new worker then, as in production."""

    port: int
    env: dict[str, str]
    log_path: Path
    threads: int = 4
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, **self.env, "PGAPPNAME": WEB_APP_NAME}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and project
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
                 f"127.0.0.1:{self.port}", "--workers", "1", "--worker-class", "gthread",
                 "--threads", str(self.threads), "--timeout", "120"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready(previous=None)

    def worker_pids(self) -> list[int]:
        """The master's children (the worker; none while the master starts a new one)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def wait_ready(self, previous: int | None, timeout: float = 120.0) -> int:
        """Until a worker other than ``previous`` answers the login page; its pid."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{tail(self.log_path)}")
            workers = [pid for pid in self.worker_pids() if pid != previous]
            if workers and self._answers():
                return workers[0]
            time.sleep(0.2)
        raise RuntimeError(f"no web worker answered in {timeout:.0f} s:\n{tail(self.log_path)}")

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/login/", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def kill_worker(self) -> int:
        """SIGKILL the worker in the middle of whatever it does; its pid."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def web_login(web: WebServer, email: str, password: str) -> requests.Session:
    """A browser session logged in through the login form (CSRF token and all)."""
    http = requests.Session()
    page = http.get(f"{web.url}/login/", timeout=30)
    token = CSRF_FIELD.search(page.text)
    if page.status_code != 200 or token is None:
        raise RuntimeError(f"login page: HTTP {page.status_code}")
    answer = http.post(f"{web.url}/login/", timeout=60, allow_redirects=False, data={
        "csrfmiddlewaretoken": token.group(1), "username": email, "password": password})
    if answer.status_code != 302:
        raise RuntimeError(f"login refused: HTTP {answer.status_code}")
    return http
