"""Make sure PostgreSQL and Redis answer before the test suite runs.

A server that is down is started where the machine has it installed; otherwise this stops
with one clear line saying what to start."""

import os
import shutil
import socket
import subprocess
import sys
import time
from glob import glob
from urllib.parse import urlparse

REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _wait(host: str, port: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _answers(host, port):
            return True
        time.sleep(0.3)
    return False


def _start_postgres() -> None:
    versions = [os.path.basename(p) for p in glob("/etc/postgresql/*")]
    if not versions or not shutil.which("pg_ctlcluster"):
        return
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main", "start"],
        check=False, capture_output=True,
    )


def _start_redis() -> None:
    if shutil.which("redis-server"):
        subprocess.run(REDIS_START, check=False, capture_output=True)


def ensure(name: str, url: str, default_port: int, start, hint: str) -> None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    if _answers(host, port):
        return
    if host in ("127.0.0.1", "localhost"):
        start()
        if _wait(host, port):
            print(f"started {name} on {host}:{port}")
            return
    sys.exit(f"{name} is not reachable at {host}:{port}: start it ({hint}) or set the URL.")


def main() -> None:
    ensure(
        "PostgreSQL", os.environ["DATABASE_URL"], 5432, _start_postgres,
        "pg_ctlcluster --skip-systemctl-redirect <version> main start",
    )
    ensure(
        "Redis", os.environ["REDIS_URL"], 6379, _start_redis,
        "redis-server --daemonize yes --port 6379",
    )


if __name__ == "__main__":
    main()
