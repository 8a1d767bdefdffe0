"""A minimal SMTP server for the e2e tests: the Celery worker (a separate process) sends the
invoice emails to it over real SMTP, and the tests read what arrived."""

from __future__ import annotations

import email
import socketserver
import threading
import time
from email.message import Message


class _Handler(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._say("220 e2e-mailbox ESMTP")
        sender, recipients = "", []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 e2e-mailbox")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(" <>"), []
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                self.server.mailbox.store(sender, recipients, self._read_data())
                self._say("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self._say("250 OK")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:
                self._say("502 Command not implemented")

    def _read_data(self) -> bytes:
        chunks = []
        while True:
            line = self.rfile.readline()
            if line in (b".\r\n", b".\n", b""):
                return b"".join(chunks)
            chunks.append(line[1:] if line.startswith(b"..") else line)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Mailbox:
    """``with Mailbox() as mailbox:`` listens on a free loopback port (``mailbox.port``)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.mailbox = self
        self.port = self._server.server_address[1]

    def store(self, sender: str, recipients: list[str], data: bytes) -> None:
        message = email.message_from_bytes(data)
        message["X-Envelope-To"] = ", ".join(recipients)
        with self._lock:
            self.messages.append(message)

    def wait_for(self, recipient: str, timeout: float = 20) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for message in self.messages:
                    if recipient in message["X-Envelope-To"]:
                        return message
            time.sleep(0.1)
        raise AssertionError(f"no email to {recipient} arrived within {timeout}s")

    def __enter__(self) -> Mailbox:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
