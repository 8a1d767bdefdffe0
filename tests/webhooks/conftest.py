"""A real HTTP receiver on 127.0.0.1 (a thread of this process) that records what it gets
and answers as the test tells it; webhooks configured as in development (loopback allowed)."""

import http.server
import threading
from dataclasses import dataclass, field

import pytest

from webhooks import services
from webhooks.models import Event


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list = field(default_factory=list)
    # Answers to give, in order: (status, body, extra headers); then 200 "ok" for ever.
    answers: list = field(default_factory=list)

    def next_answer(self) -> tuple[int, bytes, dict]:
        return self.answers.pop(0) if self.answers else (200, b"ok", {})


def _handler(receiver: Receiver):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the name http.server calls)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            status, answer, headers = receiver.next_answer()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    box = Receiver(url="")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(box))
    box.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/facturen?source=test"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _development_webhooks(settings, credential_keys):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_REQUIRE_HTTPS = False


def make_endpoint(organization, url, events=None, user=None, **fields):
    data = services.EndpointData(url=url, description=fields.pop("description", ""),
                                 events=events or list(Event.values), **fields)
    return services.endpoint_create(organization=organization, data=data, user=user)
