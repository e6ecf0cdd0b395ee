"""The byte pipes the simulator serves: a TCP connection, or the master side of a pseudo-terminal.

Every wait uses ``select`` together with a ``Wakeup`` so that ``Simulator.stop`` ends it at once;
``Wakeup`` is a socket pair because Windows can only ``select`` on sockets.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import sys
from types import TracebackType
from typing import Protocol

from salto_desk.errors import SaltoDeskError, Text

SEND_TIMEOUT = 10.0
READ_CHUNK = 4096


class HasFileno(Protocol):
    def fileno(self) -> int: ...


def readable(*sources: HasFileno, timeout: float | None = None) -> list[HasFileno]:
    """The sources that can be read now, waiting up to ``timeout`` seconds (None: until one can)."""
    return select.select(list(sources), [], [], timeout)[0]


class Link(Protocol):
    @property
    def name(self) -> str: ...

    def fileno(self) -> int: ...

    def receive(self) -> bytes | None:
        """Bytes that arrived (maybe none); None when the client has gone."""

    def send(self, data: bytes) -> None:
        """Send all of ``data``; OSError when the link failed."""

    def hang_up(self) -> bool:
        """Close the link if the medium allows it; True when it is gone."""


class Wakeup:
    """A flag that ``select`` can wait on, settable from any thread."""

    def __init__(self) -> None:
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)

    def fileno(self) -> int:
        return self._reader.fileno()

    def set(self) -> None:
        with contextlib.suppress(OSError):  # buffer full (already set), or closed after its waiter left
            self._writer.send(b"\0")

    def clear(self) -> None:
        try:
            while self._reader.recv(READ_CHUNK):
                pass
        except OSError:
            pass  # drained

    def wait(self, seconds: float) -> bool:
        """True when set within ``seconds``."""
        return bool(readable(self, timeout=seconds))

    def close(self) -> None:
        self._reader.close()
        self._writer.close()

    def __enter__(self) -> Wakeup:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


class SocketLink:
    """One accepted TCP client."""

    def __init__(self, connection: socket.socket, peer: str) -> None:
        connection.settimeout(SEND_TIMEOUT)  # reads only follow select, so this bounds sends
        # The ACK byte and the reply go out back to back; Nagle would hold the reply for the client's ACK.
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket = connection
        self._name = f"tcp {peer}"

    @property
    def name(self) -> str:
        return self._name

    def fileno(self) -> int:
        return self._socket.fileno()

    def receive(self) -> bytes | None:
        try:
            return self._socket.recv(READ_CHUNK) or None
        except BlockingIOError:
            return b""
        except OSError:
            return None

    def send(self, data: bytes) -> None:
        self._socket.sendall(data)

    def hang_up(self) -> bool:
        self.close()
        return True

    def close(self) -> None:
        with contextlib.suppress(OSError):  # the client may have closed its side already
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()


class PtyLink:
    """The master side of a pseudo-terminal; clients open the slave path like a serial port."""

    def __init__(self, master: int, path: str, stop: Wakeup) -> None:
        self._master = master
        self._stop = stop
        self._name = f"serial {path}"

    @property
    def name(self) -> str:
        return self._name

    def fileno(self) -> int:
        return self._master

    def receive(self) -> bytes | None:
        try:
            return os.read(self._master, READ_CHUNK)
        except BlockingIOError:
            return b""
        except OSError:
            return None

    def send(self, data: bytes) -> None:
        """Write everything; a client that stops reading fills the line, which fails after a while."""
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self._master, view) :]
            except BlockingIOError:
                stopping, writable, _ = select.select([self._stop], [self._master], [], SEND_TIMEOUT)
                if stopping or not writable:
                    raise OSError("nobody reads the serial line") from None

    def hang_up(self) -> bool:
        return False  # a serial line cannot be hung up: the client just sees the reply stop


def open_pty() -> tuple[int, int, str]:
    """A raw pseudo-terminal: (master fd, slave fd, slave path). POSIX only."""
    if sys.platform == "win32":
        raise SaltoDeskError(
            Text(
                "The simulator can serve a serial port only on Linux or macOS (a pseudo-terminal).",
                "De simulator kan alleen op Linux of macOS een seriële poort aanbieden (een pseudo-terminal).",
            ),
            Text(
                "On Windows, use the TCP endpoint; for a real serial test use a null-modem pair (com0com).",
                "Gebruik op Windows het TCP-adres; voor een echte seriële test een null-modempaar (com0com).",
            ),
        )
    import tty

    master, slave = os.openpty()
    tty.setraw(slave)  # no echo, no CR/LF translation, no ^C: the protocol's bytes pass untouched
    os.set_blocking(master, False)
    return master, slave, os.ttyname(slave)
