"""The only device I/O of the protocol: a TCP socket or a serial port behind one small interface.

Reads wait in short slices so that ``cancel()`` from another thread ends a waiting read within a
fraction of a second, on sockets and serial ports alike, on Windows as on Linux.
"""

from __future__ import annotations

import errno
import os
import re
import select
import socket
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from salto_desk.errors import Text, ValidationError
from salto_desk.protocol.errors import Cancelled, ConnectFailed, ConnectionLost, LinkTimeout

POLL_SLICE = 0.1
_WSAEWOULDBLOCK = 10035  # Windows reports a pending non-blocking connect with this code
READ_SIZE = 4096


@dataclass(frozen=True)
class TcpEndpoint:
    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


@dataclass(frozen=True)
class SerialEndpoint:
    """A pyserial port name or URL: ``COM3``, ``/dev/ttyUSB0``, ``rfc2217://host:port``, ``loop://``."""

    port: str

    def __str__(self) -> str:
        return self.port


Endpoint = TcpEndpoint | SerialEndpoint

_TCP = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.\-_]+)):(?P<port>\d+)$")


def parse_endpoint(text: str) -> Endpoint:
    """``host:port`` (or ``[v6]:port``) is TCP; a URL with ``://`` or anything else is a serial port."""
    value = text.strip()
    if not value:
        raise ValidationError(
            "endpoint",
            Text("The SALTO address is empty.", "Het SALTO-adres is leeg."),
            Text(
                "Enter host:port (for example 192.168.1.20:8090) or a serial port (COM3, /dev/ttyUSB0).",
                "Vul host:poort in (bijvoorbeeld 192.168.1.20:8090) of een seriële poort (COM3, /dev/ttyUSB0).",
            ),
        )
    if "://" not in value and (match := _TCP.match(value)):
        port = int(match["port"])
        if not 1 <= port <= 65535:
            raise ValidationError(
                "endpoint",
                Text(f"Port {port} is out of range 1-65535.", f"Poort {port} valt buiten het bereik 1-65535."),
                Text("SALTO usually listens on port 8090.", "SALTO luistert meestal op poort 8090."),
            )
        return TcpEndpoint(match["v6"] or match["host"], port)
    return SerialEndpoint(value)


@dataclass(frozen=True)
class SerialSettings:
    """RS-232 line settings; the public sources do not give SALTO's, so 9600 8N1 is a default to change."""

    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1


class Transport(ABC):
    """A byte pipe to SALTO that can be cancelled from another thread."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def reset_cancel(self) -> None:
        self._cancelled.clear()

    def read(self, timeout: float) -> bytes:
        """Bytes that arrive within ``timeout`` seconds (b"" if none); ConnectionLost on end of stream."""
        deadline = time.monotonic() + timeout
        while True:
            if self._cancelled.is_set():
                raise Cancelled()
            remaining = deadline - time.monotonic()
            data = self._read_slice(max(0.0, min(POLL_SLICE, remaining)))
            if data or remaining <= POLL_SLICE:
                return data

    @abstractmethod
    def open(self, timeout: float) -> None: ...

    @abstractmethod
    def write(self, data: bytes, timeout: float) -> None: ...

    @abstractmethod
    def _read_slice(self, timeout: float) -> bytes: ...

    @abstractmethod
    def close(self) -> None: ...


def _lost(endpoint: Endpoint, reason: str) -> ConnectionLost:
    return ConnectionLost(
        Text(
            f"The connection to SALTO at {endpoint} was lost: {reason}.",
            f"De verbinding met SALTO op {endpoint} is verbroken: {reason}.",
        )
    )


class TcpTransport(Transport):
    def __init__(self, endpoint: TcpEndpoint) -> None:
        super().__init__()
        self.endpoint = endpoint
        self._socket: socket.socket | None = None

    def open(self, timeout: float) -> None:
        """Connect without blocking, in slices, so that ``cancel()`` also ends a slow connect."""
        deadline = time.monotonic() + timeout
        try:
            addresses = socket.getaddrinfo(self.endpoint.host, self.endpoint.port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise self._refused(error) from None
        last_error: OSError = OSError("no address")
        for family, kind, proto, _name, address in addresses:
            sock = socket.socket(family, kind, proto)
            try:
                self._connect(sock, address, deadline, timeout)
            except OSError as error:
                sock.close()
                last_error = error
                continue
            except BaseException:
                sock.close()
                raise
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._socket = sock
            return
        raise self._refused(last_error)

    def _connect(self, sock: socket.socket, address: Any, deadline: float, timeout: float) -> None:
        sock.setblocking(False)
        status = sock.connect_ex(address)
        if status not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY, _WSAEWOULDBLOCK):
            raise OSError(status, os.strerror(status))
        while status != 0:
            if self._cancelled.is_set():
                raise Cancelled()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LinkTimeout(
                    Text(
                        f"SALTO at {self.endpoint} did not accept a connection within {timeout:g} s.",
                        f"SALTO op {self.endpoint} nam binnen {timeout:g} s geen verbinding aan.",
                    ),
                    Text(
                        "Another desk may be connected (SALTO serves one at a time), or a firewall blocks the port.",
                        "Mogelijk is een andere balie verbonden (SALTO bedient er één tegelijk), of een firewall "
                        "blokkeert de poort.",
                    ),
                )
            _, writable, failed = select.select([], [sock], [sock], min(POLL_SLICE, remaining))
            if writable or failed:
                status = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if status != 0:
                    raise OSError(status, os.strerror(status))
                break

    def _refused(self, error: OSError) -> ConnectFailed:
        return ConnectFailed(
            Text(
                f"Could not connect to SALTO at {self.endpoint}: {error.strerror or error}.",
                f"Kan geen verbinding maken met SALTO op {self.endpoint}: {error.strerror or error}.",
            )
        )

    def write(self, data: bytes, timeout: float) -> None:
        sock = self._require()
        sock.settimeout(timeout)
        try:
            sock.sendall(data)
        except TimeoutError:
            raise LinkTimeout(
                Text(
                    f"Sending to SALTO at {self.endpoint} took longer than {timeout:g} s.",
                    f"Verzenden naar SALTO op {self.endpoint} duurde langer dan {timeout:g} s.",
                )
            ) from None
        except OSError as error:
            raise _lost(self.endpoint, str(error.strerror or error)) from None

    def _read_slice(self, timeout: float) -> bytes:
        sock = self._require()
        sock.settimeout(timeout)
        try:
            data = sock.recv(READ_SIZE)
        except TimeoutError:
            return b""
        except OSError as error:
            raise _lost(self.endpoint, str(error.strerror or error)) from None
        if not data:
            raise _lost(self.endpoint, "closed by SALTO")
        return data

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def _require(self) -> socket.socket:
        if self._socket is None:
            raise _lost(self.endpoint, "not connected")
        return self._socket


class SerialTransport(Transport):
    def __init__(self, endpoint: SerialEndpoint, settings: SerialSettings | None = None) -> None:
        super().__init__()
        self.endpoint = endpoint
        self.settings = settings or SerialSettings()
        self._port: Any = None

    def open(self, timeout: float) -> None:
        import serial  # pyserial; imported here so TCP-only desks never load it

        settings = self.settings
        try:
            self._port = serial.serial_for_url(
                self.endpoint.port,
                baudrate=settings.baudrate,
                bytesize=settings.bytesize,
                parity=settings.parity,
                stopbits=settings.stopbits,
                timeout=POLL_SLICE,
                write_timeout=timeout,
            )
        except (serial.SerialException, ValueError, OSError) as error:
            raise ConnectFailed(
                Text(
                    f"Could not open the serial port {self.endpoint}: {error}.",
                    f"Kan de seriële poort {self.endpoint} niet openen: {error}.",
                ),
                Text(
                    "Check the port name (COM3 on Windows, /dev/ttyUSB0 on Linux) and that no other program uses it.",
                    "Controleer de poortnaam (COM3 op Windows, /dev/ttyUSB0 op Linux) en dat geen ander programma "
                    "de poort gebruikt.",
                ),
            ) from None

    def write(self, data: bytes, timeout: float) -> None:
        import serial

        port = self._require()
        port.write_timeout = timeout
        try:
            port.write(data)
            port.flush()
        except serial.SerialTimeoutException:
            raise LinkTimeout(
                Text(
                    f"Writing to {self.endpoint} took longer than {timeout:g} s.",
                    f"Schrijven naar {self.endpoint} duurde langer dan {timeout:g} s.",
                )
            ) from None
        except (serial.SerialException, OSError) as error:
            raise _lost(self.endpoint, str(error)) from None

    def _read_slice(self, timeout: float) -> bytes:
        import serial

        port = self._require()
        port.timeout = timeout
        try:
            first: bytes = port.read(1)
            if not first:
                return b""
            waiting = port.in_waiting
            return first + (port.read(waiting) if waiting else b"")
        except (serial.SerialException, OSError) as error:
            raise _lost(self.endpoint, str(error)) from None

    def close(self) -> None:
        if self._port is not None:
            self._port.close()
            self._port = None

    def _require(self) -> Any:
        if self._port is None:
            raise _lost(self.endpoint, "not open")
        return self._port


def transport_for(endpoint: Endpoint, serial_settings: SerialSettings | None = None) -> Transport:
    if isinstance(endpoint, TcpEndpoint):
        return TcpTransport(endpoint)
    return SerialTransport(endpoint, serial_settings)
