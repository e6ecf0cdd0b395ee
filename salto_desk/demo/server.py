"""A local stand-in for the BEX API v3 on 127.0.0.1, for ``salto-desk --demo``, training and the tests.

``DemoPmsServer`` serves ``DemoPmsApi`` over HTTP/1.1 with kept-alive connections from a background
thread; stopping it ends those connections at once, and a request that arrives once the stop began
gets no answer at all, as from a BEX that is gone. It only ever binds 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from salto_desk.demo.api import API_PREFIX, JSON_API, DemoPmsApi
from salto_desk.demo.faults import DemoFaults
from salto_desk.demo.store import DEFAULT_RESERVATIONS, DemoStore

log = logging.getLogger("salto_desk.demo")

DEMO_API_KEY = "salto-desk-demo-key"
"""The demo's key: not a secret, but the client treats it like one all the same."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client expects
    disable_nagle_algorithm = True  # headers and body go out as two writes: without this each waits ~40 ms
    timeout = 30  # an idle kept-alive connection is dropped after this many seconds
    server: _HttpServer

    def do_GET(self) -> None:
        if self.server.stopping.is_set():  # gone: a request on a kept-alive connection gets no answer at all
            self.close_connection = True
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        response = self.server.api.handle(self.path, headers)
        self.send_response(response.status)
        self.send_header("Content-Type", response.headers.get("Content-Type", JSON_API))
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            if name != "Content-Type":
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("demo PMS: " + format, *args)


_Request = socket.socket | tuple[bytes, socket.socket]


class _HttpServer(ThreadingHTTPServer):
    """Tracks open connections so that stopping also ends kept-alive ones at once."""

    daemon_threads = True

    def __init__(self, port: int, api: DemoPmsApi, stopping: threading.Event) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.api = api
        self.stopping = stopping
        self._connections: set[socket.socket] = set()
        self._guard = threading.Lock()

    def process_request(self, request: _Request, client_address: Any) -> None:
        if isinstance(request, socket.socket):
            with self._guard:
                self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: _Request) -> None:
        if isinstance(request, socket.socket):
            with self._guard:
                self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: _Request, client_address: Any) -> None:
        """A client that hung up (or a stop that cut it off) is routine; anything else is logged as a fault."""
        if isinstance(sys.exc_info()[1], OSError):
            log.debug("demo PMS: connection from %s ended abruptly", client_address)
        else:
            log.exception("demo PMS: request from %s failed", client_address)

    def drop_connections(self) -> None:
        with self._guard:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the other side
                connection.shutdown(socket.SHUT_RDWR)


class DemoPmsServer:
    """The demo PMS on 127.0.0.1 and a free (or given) port, served from a background thread.

    Use it as a context manager; ``store`` changes the data (moves), ``faults`` plans misbehaviour.
    """

    def __init__(
        self,
        *,
        seed: int = 1,
        today: date | None = None,
        reservations: int = DEFAULT_RESERVATIONS,
        api_key: str = DEMO_API_KEY,
        port: int = 0,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        clock = now or (lambda: datetime.now(UTC))
        self.store = DemoStore(seed=seed, today=today, reservations=reservations, now=clock)
        self._stopping = threading.Event()
        self.api = DemoPmsApi(self.store, api_key, lambda: f"http://127.0.0.1:{self.port}", self._stopping, clock)
        self._httpd = _HttpServer(port, self.api, self._stopping)
        self._threads: list[threading.Thread] = []

    def __repr__(self) -> str:
        return f"DemoPmsServer(base_url={self.base_url!r})"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def faults(self) -> DemoFaults:
        return self.api.faults

    def start(self) -> DemoPmsServer:
        self._spawn(lambda: self._httpd.serve_forever(poll_interval=0.05), "demo-pms")
        return self

    def start_activity(self, interval: float, changes: int = 3) -> None:
        """Every ``interval`` seconds apply a few random moves, so a live sync has something to show."""

        def run() -> None:
            while not self._stopping.wait(interval):
                for change in self.store.simulate(changes):
                    log.info("demo PMS: %s %s (%s)", change.event, change.reservation_id, change.detail)

        self._spawn(run, "demo-pms-activity")

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def wait(self) -> None:
        """Block until ``close`` (from another thread) or Ctrl+C; short waits keep Ctrl+C working on Windows."""
        while not self._stopping.wait(0.5):
            pass

    def close(self) -> None:
        self._stopping.set()
        if self._threads:
            self._httpd.shutdown()
        self._httpd.drop_connections()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> DemoPmsServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()
