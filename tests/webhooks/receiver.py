"""A real HTTP receiver on 127.0.0.1 (a thread of this process) that records what it gets
and answers as the test tells it."""

import contextlib
import hashlib
import hmac
import http.server
import threading
from dataclasses import dataclass, field


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


@contextlib.contextmanager
def running_receiver():
    box = Receiver(url="")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(box))
    box.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/facturen?source=test"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


def signature_valid(received: Received, secret: str) -> bool:
    """What a receiver does: recompute the HMAC-SHA256 of "<t>.<body>" and compare."""
    parts = dict(item.split("=", 1) for item in
                 received.headers["X-Facturen-Signature"].split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + received.body,
                        hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])
