"""The simulator itself: a TCP listener (one client at a time, like ProAccess Space) and an optional pty.

Each channel runs on its own background thread; ``stop`` wakes every wait through one ``Wakeup``,
joins every thread and closes every socket and file descriptor it opened.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from enum import Enum, auto
from types import TracebackType

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.simulator.cards import SimCard
from salto_desk.simulator.config import SimulatorConfig
from salto_desk.simulator.conversation import Conversation
from salto_desk.simulator.engine import Engine
from salto_desk.simulator.faults import Faults
from salto_desk.simulator.links import Link, PtyLink, SocketLink, Wakeup, open_pty, readable
from salto_desk.simulator.state import SiteState

LISTEN_BACKLOG = 8  # waiting clients are queued by the OS, not served, until the current one leaves
THREAD_JOIN_SECONDS = 5.0
SERIAL_RESTART_PAUSE = 0.2

logger = logging.getLogger("salto_desk.simulator")


class _Stage(Enum):
    NEW = auto()
    RUNNING = auto()
    STOPPED = auto()


class Simulator:
    """A ProAccess Space stand-in; use as a context manager, or ``start()``/``stop()``.

    ``state`` (the site) and ``faults`` can be used before ``start`` to seed a scenario.
    """

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.state = SiteState(self.config)
        self.faults = Faults()
        self._engine = Engine(self.state, self.config.options)
        self._stage = _Stage.NEW
        self._stop: Wakeup | None = None
        self._listener: socket.socket | None = None
        self._pty: tuple[int, int, str] | None = None
        self._threads: list[threading.Thread] = []
        self._client_threads: list[threading.Thread] = []  # only with ``concurrent_clients``

    def start(self) -> Simulator:
        if self._stage is not _Stage.NEW:
            raise SaltoDeskError(
                Text("This simulator was already started.", "Deze simulator is al gestart."),
                Text("Create a new Simulator for each run.", "Maak voor elke run een nieuwe Simulator."),
            )
        self._stage = _Stage.RUNNING
        self._stop = Wakeup()
        try:
            self._listener = _listen(self.config.host, self.config.port)
            if self.config.serial:
                self._pty = open_pty()
        except BaseException:
            self.stop()
            raise
        self._run_thread("salto-sim-tcp", self._serve_tcp)
        if self._pty is not None:
            self._run_thread("salto-sim-serial", self._serve_serial)
        return self

    def stop(self) -> None:
        """Stop serving, end running encoder jobs and release every thread, socket and descriptor."""
        if self._stage is not _Stage.RUNNING:
            return
        self._stage = _Stage.STOPPED
        assert self._stop is not None
        self._stop.set()
        for thread in self._threads:  # the TCP thread first: after it, no client thread is added
            thread.join(THREAD_JOIN_SECONDS)
        for thread in self._client_threads:
            thread.join(THREAD_JOIN_SECONDS)
        self._engine.close()  # after the connections ended, so no new job can start
        if self._listener is not None:
            self._listener.close()
        if self._pty is not None:
            os.close(self._pty[0])
            os.close(self._pty[1])
        self._stop.close()

    @property
    def endpoint(self) -> str:
        """``host:port`` the TCP listener is bound to (the real port when the config said 0)."""
        if self._listener is None or self._stage is not _Stage.RUNNING:
            raise SaltoDeskError(
                Text("The simulator is not running.", "De simulator draait niet."),
                Text("Start it first.", "Start hem eerst."),
            )
        host, port = self._listener.getsockname()[:2]
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    @property
    def serial_path(self) -> str | None:
        """The pty path clients open as a serial port (e.g. /dev/pts/3), or None without ``serial``."""
        return None if self._pty is None else self._pty[2]

    def place_card(self, encoder: str, card: SimCard) -> None:
        self.state.place_card(encoder, card)

    def card_on(self, encoder: str) -> SimCard | None:
        return self.state.card_on(encoder)

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def _run_thread(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _converse(self, link: Link) -> None:
        assert self._stop is not None
        try:
            Conversation(link, self._engine, self.faults, self.config.options, self._stop).run()
        except Exception:
            logger.exception("%s: the simulator failed on this connection", link.name)

    def _serve_tcp(self) -> None:
        """Accept one client, serve it until it leaves, then accept the next (or each on its own thread)."""
        listener, stop = self._listener, self._stop
        assert listener is not None and stop is not None
        while stop not in readable(listener, stop):
            try:
                connection, address = listener.accept()
            except OSError:
                continue  # the client gave up before it was accepted
            link = SocketLink(connection, f"{address[0]}:{address[1]}")
            logger.info("%s: connected", link.name)
            if self.config.concurrent_clients:
                self._client_threads = [thread for thread in self._client_threads if thread.is_alive()]
                client = threading.Thread(
                    target=self._serve_client, args=(link,), name=f"salto-sim-{link.name}", daemon=True
                )
                self._client_threads.append(client)
                client.start()
            else:
                self._serve_client(link)

    def _serve_client(self, link: SocketLink) -> None:
        try:
            self._converse(link)
        finally:
            link.close()

    def _serve_serial(self) -> None:
        """Serve the pty for as long as the simulator runs; a failed write starts a fresh conversation."""
        assert self._pty is not None and self._stop is not None
        link = PtyLink(self._pty[0], self._pty[2], self._stop)
        while True:
            self._converse(link)
            if self._stop.wait(SERIAL_RESTART_PAUSE):
                return


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        listener = socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG)
    except OSError as error:
        raise SaltoDeskError(
            Text(
                f"The simulator cannot listen on {host}:{port}: {error.strerror or error}.",
                f"De simulator kan niet luisteren op {host}:{port}: {error.strerror or error}.",
            ),
            Text(
                "Choose another port (--port), or stop the program that uses this one.",
                "Kies een andere poort (--port), of stop het programma dat deze gebruikt.",
            ),
        ) from error
    listener.setblocking(False)  # accept() after select must not hang when the client already left
    return listener
