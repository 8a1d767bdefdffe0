"""The simulated users of bench/load.py (run by locust; imports nothing of Django).

Each user logs in with its own session and works like a bookkeeper: mostly browsing lists
and opening invoices, now and then writing an invoice and finalizing it with the email to
the customer. Requests are named by page, so the statistics are per page.

The server runs with the production settings (DJANGO_HTTPS) behind no real TLS proxy: the
users send the proxy's X-Forwarded-Proto and an https Referer, and return the Secure cookies
over loopback, as a browser talking to the proxy would.

Configuration from the environment: BENCH_LOAD_CREDENTIALS (a JSON file of [email, password]
pairs) and BENCH_LOAD_SAMPLES (where the raw figures are written when locust quits)."""

import collections
import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

CREDENTIALS = json.loads(Path(os.environ["BENCH_LOAD_CREDENTIALS"]).read_text())
SAMPLES_PATH = os.environ["BENCH_LOAD_SAMPLES"]
_next_user = itertools.count()
_samples: dict = {"times": collections.defaultdict(list), "failures": collections.Counter(),
                  "status": collections.Counter(), "errors": collections.Counter()}

INVOICE_LINK = re.compile(r'href="/invoices/(\d+)/"')
PARTY_LINK = re.compile(r'href="/customers/(\d+)/"')
ASSET_LINK = re.compile(r'(?:href|src)="(/static/[^"]+)"')
FORM_ERROR = re.compile(
    r'class="(?:error|form-errors|message message-error)"[^>]*>\s*(?:<p>)?([^<]+)')


@events.request.add_listener
def _record(name, response_time, exception, response=None, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    _samples["times"][name].append(response_time)
    _samples["status"][str(status)] += 1
    if exception is not None:
        _samples["failures"][name] += 1
        _samples["errors"][f"{name}: {str(exception)[:120]}"] += 1


@events.test_start.add_listener
def _started(**_kwargs):
    _samples["started"] = time.time()


@events.test_stop.add_listener
def _stopped(**_kwargs):
    _samples["stopped"] = time.time()


@events.quitting.add_listener
def _write(**_kwargs):
    with open(SAMPLES_PATH, "w") as handle:
        json.dump(_samples, handle)


class _BehindTlsProxy(DefaultCookiePolicy):
    """The browser speaks https to the proxy, so it returns the Secure cookies. requests
    copies the jar into one with the default policy for every request, so the cookies are
    unmarked as they are stored rather than let through as they are sent."""

    def set_ok(self, cookie, request):
        cookie.secure = False
        return super().set_ok(cookie, request)


class _Forms(HTMLParser):
    """The fields of every form on a page, with their current values, as a browser would
    submit them untouched; <template> content (the line editor's blank row) is skipped."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.options: dict[str, list[str]] = collections.defaultdict(list)
        self._select = self._textarea = None
        self._in_template = 0

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "template":
            self._in_template += 1
        elif tag == "form":
            self.forms.append({})
        elif self.forms and not self._in_template:
            self._field(tag, attrs)

    def _field(self, tag, attrs):
        fields, name = self.forms[-1], attrs.get("name")
        kind = attrs.get("type", "text")
        if tag == "input" and name and kind not in ("submit", "button", "file"):
            if kind not in ("checkbox", "radio"):
                fields[name] = attrs.get("value", "")
            elif "checked" in attrs:
                fields[name] = attrs.get("value", "on")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self.options[self._select].append(attrs.get("value", ""))
            if "selected" in attrs or self._select not in fields:
                fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, fields[name] = name, ""

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][self._textarea] += data


def form_with(html: str, field: str) -> tuple[dict, dict]:
    """The fields of the first form that has ``field``, and the page's select options."""
    parser = _Forms()
    parser.feed(html)
    for fields in parser.forms:
        if field in fields:
            return dict(fields), parser.options
    raise ValueError(f"no form with {field}")


class Bookkeeper(HttpUser):
    # Think time between actions; 50 users at 1-5 s is a busy office, not a flood.
    wait_time = between(1, 5)

    def on_start(self):
        self.email, self.password = CREDENTIALS[next(_next_user) % len(CREDENTIALS)]
        self.client.cookies.set_policy(_BehindTlsProxy())
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.invoice_ids: list[str] = []
        self.pdf_ids: list[str] = []
        self.customer_ids: list[str] = []
        page = self._login()
        if page is not None:
            self._static_assets(page.text)

    # ------------------------------------------------------------------ helpers

    def _referer(self, path: str) -> dict:
        # Django checks the Referer of every https POST against the host (CSRF).
        return {"Referer": f"https://{urlsplit(self.host).netloc}{path}"}

    def _get(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code} {response.error or ''}")
            return response

    def _post(self, path: str, data: dict, name: str):
        """POST a form; success is the redirect a valid form answers with."""
        with self.client.post(path, data=data, name=name, allow_redirects=False,
                              headers=self._referer(path), catch_response=True) as response:
            if response.status_code != 302:
                found = FORM_ERROR.search(response.text or "")
                why = found.group(1).strip() if found else "no error shown"
                response.failure(f"status {response.status_code}: {why}")
                return None
            return response.headers["Location"]

    def _login(self):
        page = self._get("/login/", "login page")
        fields, _options = form_with(page.text, "password")
        fields.update(username=self.email, password=self.password)
        if self._post("/login/", fields, "login") is None:
            return None
        return self._list_invoices()

    def _static_assets(self, html: str):
        """What a browser loads once after logging in and then keeps in its cache."""
        for path in sorted(set(ASSET_LINK.findall(html))):
            self._get(path, "static file")

    def _list_invoices(self, query: str = ""):
        page = self._get(f"/invoices/{query}", "invoice list")
        self.invoice_ids = INVOICE_LINK.findall(page.text) or self.invoice_ids
        return page

    # ------------------------------------------------------------------ tasks

    @task(10)
    def invoice_list(self):
        page = random.choice(["", "?page=2", "?page=3", "?status=open", "?status=overdue"])
        self._list_invoices(page)

    @task(8)
    def invoice_detail(self):
        if not self.invoice_ids:
            return self._list_invoices()
        invoice = random.choice(self.invoice_ids)
        page = self._get(f"/invoices/{invoice}/", "invoice detail")
        if f"/invoices/{invoice}/pdf/" in page.text and invoice not in self.pdf_ids:
            self.pdf_ids.append(invoice)

    @task(3)
    def invoice_pdf(self):
        if self.pdf_ids:
            self._get(f"/invoices/{random.choice(self.pdf_ids)}/pdf/", "invoice pdf")

    @task(4)
    def customer_list(self):
        query = random.choice(["", "", "?q=klant 1", "?page=2"])
        page = self._get(f"/customers/{query}", "customer list")
        self.customer_ids = PARTY_LINK.findall(page.text) or self.customer_ids

    @task(2)
    def customer_detail(self):
        if self.customer_ids:
            self._get(f"/customers/{random.choice(self.customer_ids)}/", "customer detail")

    @task(3)
    def purchase_list(self):
        self._get("/purchases/", "purchase list")

    @task(1)
    def product_list(self):
        self._get("/products/", "product list")

    @task(2)
    def create_and_send_invoice(self):
        invoice = self._create_invoice()
        if invoice is None:
            return
        self._get(f"/invoices/{invoice}/", "invoice detail")
        page = self._get(f"/invoices/{invoice}/finalize/", "finalize form")
        fields, _options = form_with(page.text, "message")
        if fields.get("send_email") != "on":
            fields["send_email"] = "on"  # every customer has an address: send it
        if self._post(f"/invoices/{invoice}/finalize/", fields, "finalize and send"):
            self._get(f"/invoices/{invoice}/", "invoice detail")
            self.pdf_ids.append(invoice)

    def _create_invoice(self) -> str | None:
        page = self._get("/invoices/new/", "new invoice form")
        fields, options = form_with(page.text, "lines-TOTAL_FORMS")
        fields["customer"] = random.choice([v for v in options["customer"] if v])
        products = [v for v in options["lines-0-product"] if v]
        fields.update(_line(0, "Schilderwerk", "8", "52,50", random.choice(products)))
        fields.update(_line(1, "Materiaal", "2", "89.95", ""))
        fields["lines-TOTAL_FORMS"] = "2"
        location = self._post("/invoices/new/", fields, "create invoice")
        found = re.fullmatch(r"/invoices/(\d+)/", location or "")
        return found.group(1) if found else None


def _line(index: int, description: str, quantity: str, price: str, product: str) -> dict:
    prefix = f"lines-{index}-"
    return {f"{prefix}product": product, f"{prefix}description": description,
            f"{prefix}quantity": quantity, f"{prefix}unit": "uur", f"{prefix}unit_price": price,
            f"{prefix}discount_percent": "", f"{prefix}vat_rate": "21"}
