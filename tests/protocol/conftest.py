"""A scripted SALTO peer on loopback for client tests that need exact bytes or misbehaviour."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from salto_desk.protocol.codec import Decoder, Frame

Script = Callable[["Peer"], None]


class Peer:
    """One accepted connection, seen from SALTO's side."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sock.settimeout(5.0)
        self.decoder = Decoder()
        self.pending: list[object] = []

    def expect(self) -> object:
        """The next event the client sent (control byte or frame)."""
        while not self.pending:
            data = self.sock.recv(4096)
            if not data:
                raise ConnectionError("client closed")
            self.pending += self.decoder.feed(data)
        return self.pending.pop(0)

    def expect_frame(self) -> Frame:
        event = self.expect()
        assert isinstance(event, Frame), event
        return event

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)


class ScriptedSalto:
    def __init__(self, scripts: list[Script]) -> None:
        self.scripts = scripts
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(5.0)
        self.endpoint = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.connections = 0
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        for script in self.scripts:
            try:
                sock, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            with sock:
                try:
                    script(Peer(sock))
                except (ConnectionError, TimeoutError):
                    pass
                except BaseException as error:  # surfaced by the fixture
                    self.errors.append(error)

    def close(self) -> None:
        self.server.close()
        self.thread.join(5.0)


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedSalto]]:
    servers: list[ScriptedSalto] = []

    def start(*scripts: Script) -> ScriptedSalto:
        server = ScriptedSalto(list(scripts))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
        assert not server.errors, server.errors
