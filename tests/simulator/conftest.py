"""A raw-bytes client for the simulator tests: the codec over a loopback socket, nothing else."""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from salto_desk.protocol.codec import ENQ, Control, Decoder, Event, Frame, encode_frame
from salto_desk.protocol.messages import WireOptions
from salto_desk.simulator import Simulator, SimulatorConfig

ZONE = ZoneInfo("Europe/Amsterdam")
OPTIONS = WireOptions(site_zone=ZONE)
START = datetime(2030, 7, 1, 15, 0, tzinfo=ZONE)
END = START + timedelta(days=3, hours=-4)
WAIT = 10.0  # generous upper bound for "did not hang"


class RawClient:
    """Sends bytes and decodes what comes back; every read is bounded by ``WAIT``."""

    def __init__(self, endpoint: str) -> None:
        host, port = endpoint.rsplit(":", 1)
        self.socket = socket.create_connection((host, int(port)), timeout=WAIT)
        self.decoder = Decoder()
        self.pending: list[Event] = []

    def send(self, data: bytes) -> None:
        self.socket.sendall(data)

    def send_fields(self, fields: Sequence[bytes]) -> None:
        self.send(encode_frame(list(fields)))

    def events(self, count: int) -> list[Event]:
        """The next ``count`` events; fails when they do not arrive within ``WAIT``."""
        deadline = time.monotonic() + WAIT
        while len(self.pending) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"only {self.pending} arrived"
            data = self.socket.recv(4096) if select.select([self.socket], [], [], remaining)[0] else b"?"
            assert data, f"connection closed after {self.pending}"
            if data != b"?":
                self.pending += self.decoder.feed(data)
        taken, self.pending = self.pending[:count], self.pending[count:]
        return taken

    def event(self) -> Event:
        return self.events(1)[0]

    def frame(self) -> Frame:
        event = self.event()
        assert isinstance(event, Frame), event
        return event

    def quiet_for(self, seconds: float) -> bool:
        """True when nothing arrives within ``seconds`` (used only to show that something did NOT happen)."""
        return not self.pending and not select.select([self.socket], [], [], seconds)[0]

    def closed_by_peer(self) -> bool:
        """True when the server closed the connection (EOF within ``WAIT``); bytes before it are decoded."""
        deadline = time.monotonic() + WAIT
        while select.select([self.socket], [], [], max(0.0, deadline - time.monotonic()))[0]:
            try:
                data = self.socket.recv(4096)
            except ConnectionResetError:
                return True
            if not data:
                return True
            self.pending += self.decoder.feed(data)
        return False

    def ready(self) -> None:
        self.send(bytes((ENQ,)))
        assert self.event() is Control.ACK

    def exchange(self, fields: Sequence[bytes]) -> Frame:
        """ENQ/ACK, the frame, its ACK, then the reply frame."""
        self.ready()
        self.send_fields(fields)
        assert self.event() is Control.ACK
        return self.frame()

    def close(self) -> None:
        self.socket.close()


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def simulator_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("salto-sim")]


@pytest.fixture
def make_simulator() -> Iterator[Callable[..., Simulator]]:
    """Start simulators (card_delay 0 unless given) and make sure each one stops without leftovers."""
    started: list[Simulator] = []

    def make(**settings: object) -> Simulator:
        settings.setdefault("card_delay", 0.0)
        settings.setdefault("options", OPTIONS)
        simulator = Simulator(SimulatorConfig(**settings))  # type: ignore[arg-type]
        started.append(simulator.start())
        return simulator

    yield make
    for simulator in started:
        simulator.stop()
    assert simulator_threads() == []


@pytest.fixture
def simulator(make_simulator: Callable[..., Simulator]) -> Simulator:
    return make_simulator(rooms=("101", "102", "103"), out_of_service=("103",))


@pytest.fixture
def client(simulator: Simulator) -> Iterator[RawClient]:
    raw = RawClient(simulator.endpoint)
    yield raw
    raw.close()
