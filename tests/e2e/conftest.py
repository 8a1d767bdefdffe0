"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server,
with a real Celery worker process (sharing the test database) on a queue of its own in a
Redis database of its own, the e-Boekhouden sandbox over HTTP and a small SMTP server for the
invoice emails."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection as db_connection
from django.test.utils import override_settings
from kombu import Connection as BrokerConnection

from tests.celery_broker import publishing_to
from tests.e2e.mailbox import Mailbox

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-gpu",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AUDIT_LOG = SCREENSHOTS / "audit.txt"
BROKER_DB = 13
# Several people may run the suite at once on one Redis: each session has its own queue, so
# a worker never takes another session's task (whose ids belong to another test database).
QUEUE = f"e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            # Under pytest-xdist the browser scenarios share one worker (and so one stack of
            # Celery worker, sandbox and mail server) while the other runs the rest.
            item.add_marker(pytest.mark.xdist_group("e2e"))


def _broker_url() -> str:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    return f"{base}/{BROKER_DB}"


def _purge_queue() -> None:
    with BrokerConnection(_broker_url()) as broker:
        broker.default_channel.queue_purge(QUEUE)


def _database_url() -> str:
    db = db_connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Stack:
    """What the session starts once: the mailbox, the worker, and the settings they share."""

    def __init__(self, mailbox: Mailbox, settings: dict):
        self.mailbox = mailbox
        self.settings = settings

    def wait_for(self, recipient: str, timeout: float = 20):
        return self.mailbox.wait_for(recipient, timeout)


@pytest.fixture(scope="session")
def e2e_stack(django_db_setup, sandbox):
    """Session-wide: a mailbox and one Celery worker on the test database."""
    keys = [Fernet.generate_key().decode()]
    media = tempfile.mkdtemp(prefix="e2e_media_")
    SCREENSHOTS.mkdir(exist_ok=True)
    AUDIT_LOG.write_text("")
    with Mailbox() as mailbox:
        settings = {
            "EBH_WSDL_URL": sandbox.wsdl_url, "EBH_ENDPOINT_URL": sandbox.endpoint,
            "EBH_REST_URL": sandbox.rest_url,
            "EBH_CREDENTIAL_KEYS": keys,
            "EBH_CLIENT_CLASS": "connections.clients.ConfiguredSoapClient",
            "EBH_CONNECT_TIMEOUT": 5, "EBH_READ_TIMEOUT": 10,
            "EBH_SYNC_BACKOFF_BASE_SECONDS": 0, "MEDIA_ROOT": media,
        }
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": _broker_url(),
            "EBH_WSDL_URL": sandbox.wsdl_url,
            "EBH_ENDPOINT_URL": sandbox.endpoint,
            "EBH_REST_URL": sandbox.rest_url,
            "EBH_CREDENTIAL_KEYS": ",".join(keys),
            "EBH_SYNC_BACKOFF_BASE_SECONDS": "0",
            "EBH_SYNC_LEASE_SECONDS": "10",
            "MEDIA_ROOT": media,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(mailbox.port),
        }
        log = open(SCREENSHOTS / "worker.log", "wb")  # noqa: SIM115 - closed below
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
             "--loglevel", "WARNING", "-n", f"{QUEUE}@%h", "-Q", QUEUE, "--without-heartbeat",
             "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            yield Stack(mailbox, settings)
        finally:
            worker.terminate()
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(10)
            log.close()
            shutil.rmtree(media, ignore_errors=True)
            _purge_queue()


@pytest.fixture
def stack(e2e_stack, live_server, sandbox):
    """Per test: the app (live server and test code) points at the sandbox and publishes its
    tasks to the worker's broker; the sandbox has no faults or leftovers."""
    sandbox.reset()
    sandbox.set_settings(closed_until="")
    with override_settings(**e2e_stack.settings), publishing_to(_broker_url(), QUEUE):
        yield e2e_stack


# --- the browser --------------------------------------------------------------------------


@contextlib.contextmanager
def _orm_beside_playwright():
    """Playwright's sync API keeps an event loop running in this thread while it is open; the
    tests' ORM calls are plain synchronous code all the same. Only for as long as it is open:
    the variable must not leak into other tests or the processes they start."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# One Chromium per test module, closed before the next module starts: an open sync Playwright
# would break the browser tests of the other apps that run later in the same session.
@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium. `make test` "
            "installs it (scripts/system_deps.py installs it when run as root).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with _orm_beside_playwright(), sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, stack, live_server):
    context = browser.new_context(
        viewport=DESKTOP, base_url=live_server.url, locale="nl-NL", accept_downloads=True
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    yield page
    assert not errors, f"JavaScript errors in the browser: {errors}"


@pytest.fixture
def shot(request):
    """``shot(page, "invoice")`` saves <test>-invoice-desktop.png and -mobile.png and checks
    what a reviewer would flag (unlabelled inputs, a page wider than the phone, clipped or
    protruding text); the test fails at its end if any page had such a problem."""
    test = re.sub(r"^test_", "", request.node.name)
    problems: list[str] = []

    def take(page, name: str, *, audit: bool = True) -> None:
        for size, viewport in (("desktop", DESKTOP), ("mobile", MOBILE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=SCREENSHOTS / f"{test}-{name}-{size}.png", full_page=True)
            if audit:
                problems.extend(_audit(page, f"{test}-{name}-{size}"))
        page.set_viewport_size(DESKTOP)

    yield take
    assert not problems, "layout problems:\n" + "\n".join(problems)


AUDIT_JS = """() => {
  const problems = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== 'hidden';
  const describe = (el) => el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : '')
    + (el.id ? `#${el.id}` : '');
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    const labelled = [...(el.labels || [])].some(l => l.textContent.trim())
      || (el.getAttribute('aria-label') || '').trim() || el.getAttribute('aria-labelledby')
      || (el.getAttribute('title') || '').trim();
    if (!labelled) problems.push(`input without a label: ${describe(el)}`);
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1)
    problems.push(`page wider than the viewport: ${doc.scrollWidth}px > ${doc.clientWidth}px`);
  for (const el of document.querySelectorAll('h1, h2, h3, .btn, .badge, label, td, th, dd, p')) {
    if (!visible(el)) continue;
    const style = getComputedStyle(el);
    if ((style.overflowX === 'hidden' || style.textOverflow === 'ellipsis')
        && el.scrollWidth > el.clientWidth + 1)
      problems.push(`clipped text in ${describe(el)}: "${el.textContent.trim().slice(0, 40)}"`);
    const box = el.getBoundingClientRect();
    if (box.right > doc.clientWidth + 1 && !el.closest('.table-wrap'))
      problems.push(`sticks out of the page: ${describe(el)} "${el.textContent.trim()}"`);
  }
  return problems;
}"""


def _audit(page, name: str) -> list[str]:
    """The page's layout problems, also written to audit.txt beside the screenshots."""
    found = [f"{name} {page.url}: {problem}" for problem in dict.fromkeys(page.evaluate(AUDIT_JS))]
    if found:
        with AUDIT_LOG.open("a") as log:
            log.writelines(f"{line}\n" for line in found)
    return found
