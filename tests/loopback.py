"""A loopback HTTP server for tests of web clients: scripted faults first, then a handler.

`faults` is a queue consumed one per request: an HTTP status (429 comes with `Retry-After: 0`),
"timeout" (the request is held until the server stops, so the client's timeout fires), or
"garbage" (200 with a body no API would send). After the queue, `handler(method, path, query,
body)` answers with (status, content_type, body bytes). Every request is recorded.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Handler = Callable[[str, str, dict[str, list[str]], bytes], tuple[int, str, bytes]]


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Loopback:
    handler: Handler
    faults: list[Any] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._release = threading.Event()
        self._lock = threading.Lock()
        owner = self

        class _Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                with owner._lock:
                    owner.requests.append(
                        Recorded(self.command, parts.path, parse_qs(parts.query), body)
                    )
                    fault = owner.faults.pop(0) if owner.faults else None
                if fault == "timeout":
                    owner._release.wait(10)
                    return
                if fault == "garbage":
                    self._answer(200, "application/json", b"{not json")
                    return
                if isinstance(fault, int):
                    self._answer(fault, "text/plain", b"fault", retry=fault == 429)
                    return
                status, kind, data = owner.handler(
                    self.command, parts.path, parse_qs(parts.query), body
                )
                self._answer(status, kind, data)

            def _answer(self, status: int, kind: str, data: bytes, retry: bool = False) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                if retry:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(data)

            do_GET = _serve
            do_POST = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Loopback:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
