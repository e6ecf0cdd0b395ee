"""Protocol benchmark: codec throughput, the whole build/parse path, the decoder on hostile input, and
the CN round trip against the simulator.

Prints, as the median of ``RUNS`` runs:
- framing only: frames/s to frame precomputed fields and to decode a stream of frames (target 100,000);
- the whole path: a CN with two rooms, three authorizations, an operator and two print lines built
  from its ``EncodeCard`` and framed (target 120,000/s; BookingExperts' Ruby client does 41,000/s),
  and an LT reply fed to a fresh ``Decoder`` and parsed into a ``CardReadout`` (target 160,000/s; Ruby
  54,000/s);
- the seconds one ``Decoder.feed`` of 1 MB takes for each hostile pattern (target: well under 1 s);
- the median and p95 round trip of a CN (card delay 0) through SaltoClient and through a bare-socket
  script doing the same exchange, and their ratio (target <= 1.5).
"""

from __future__ import annotations

import os
import socket
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from salto_desk.protocol.client import SaltoClient, Timeouts
from salto_desk.protocol.codec import ACK, ENQ, ETX, STX, Decoder, encode_frame
from salto_desk.protocol.messages import EncodeCard, ReadCard, WireOptions
from salto_desk.simulator import Simulator, SimulatorConfig

ZONE = ZoneInfo("Europe/Amsterdam")
OPTIONS = WireOptions(site_zone=ZONE)
START = datetime(2026, 12, 1, 15, 0, tzinfo=ZONE)
REQUEST = EncodeCard("CN", "1", ("101",), START, START + timedelta(days=2), granted=(1, 2), operator="Bench")
WHOLE_CN = EncodeCard(
    "CN",
    "1",
    ("101", "Pool"),
    START,
    START + timedelta(days=2),
    granted=(1, 2, 10),
    operator="Bench",
    texts=("Welcome", "Family Jansen"),
)
LT_REPLY = encode_frame(
    [b"LT", b"1", b"101", b"Pool", b"", b"", b"CI", b"0", b"12a", b"1500011226", b"1500031226", b"Bench"]
)
RUNS = 7
FRAMES = 100_000
ROUND_TRIPS = 300
MEGABYTE = 1 << 20


def rate(work: Callable[[], None], count: int) -> float:
    """Calls of ``work`` per second."""
    started = time.perf_counter()
    for _ in range(count):
        work()
    return count / (time.perf_counter() - started)


def framing_rates() -> tuple[float, float]:
    fields = REQUEST.fields(OPTIONS)
    encode_rate = rate(lambda: encode_frame(fields), FRAMES)
    frame = encode_frame(fields)
    stream = frame * FRAMES
    decoder = Decoder()
    started = time.perf_counter()
    decoded = 0
    for offset in range(0, len(stream), 4096):
        decoded += len(decoder.feed(stream[offset : offset + 4096]))
    decode_rate = FRAMES / (time.perf_counter() - started)
    assert decoded == FRAMES, decoded
    return encode_rate, decode_rate


def whole_path_rates() -> tuple[float, float]:
    def build() -> None:
        encode_frame(WHOLE_CN.fields(OPTIONS), send_lrc=OPTIONS.send_lrc)

    read_card = ReadCard("1")

    def parse() -> None:
        (frame,) = Decoder().feed(LT_REPLY)
        read_card.parse_reply(frame, OPTIONS)

    return rate(build, FRAMES), rate(parse, FRAMES)


def hostile_inputs() -> dict[str, bytes]:
    tiny = encode_frame([b"CN", b"1"])
    return {
        "all STX": bytes((STX,)) * MEGABYTE,
        "STX a pairs": b"\x02a" * (MEGABYTE // 2),
        "random": os.urandom(MEGABYTE),
        "one frame, no ETX": b"\x02\xb3" + b"A" * (MEGABYTE - 2),
        "tiny frames": tiny * (MEGABYTE // len(tiny)),
        "all ACK": bytes((ACK,)) * MEGABYTE,
        "STX ETX pairs": b"\x02\x03" * (MEGABYTE // 2),
    }


def feed_seconds(data: bytes) -> float:
    started = time.perf_counter()
    Decoder().feed(data)
    return time.perf_counter() - started


def client_round_trips(endpoint: str) -> list[float]:
    client = SaltoClient(endpoint, options=OPTIONS, timeouts=Timeouts(reply=10))
    times = []
    for _ in range(ROUND_TRIPS):
        started = time.perf_counter()
        client.request(REQUEST)
        times.append(time.perf_counter() - started)
    return times


def bare_round_trips(endpoint: str) -> list[float]:
    """The same exchange with nothing but a socket: connect, ENQ/ACK, frame/ACK, reply, close."""
    host, port = endpoint.rsplit(":", 1)
    frame = encode_frame(REQUEST.fields(OPTIONS))
    times = []
    for _ in range(ROUND_TRIPS):
        started = time.perf_counter()
        with socket.create_connection((host, int(port))) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(bytes((ENQ,)))
            assert sock.recv(1) == bytes((ACK,))
            sock.sendall(frame)
            received = sock.recv(4096)
            assert received[:1] == bytes((ACK,))
            received = received[1:]
            while not (len(received) >= 2 and received[0] == STX and received[-2] == ETX):
                received += sock.recv(4096)
        times.append(time.perf_counter() - started)
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def show_rate(label: str, rates: list[float], target: float, ruby: float | None = None) -> None:
    median = statistics.median(rates)
    versus_ruby = f", {median / ruby:.2f}x the Ruby client ({ruby:,.0f}/s)" if ruby else ""
    print(
        f"{label}: median {median:,.0f}/s (min {min(rates):,.0f}, max {max(rates):,.0f}) "
        f"target >= {target:,.0f}: ratio {median / target:.2f}{versus_ruby}"
    )


def main() -> None:
    framing = [framing_rates() for _ in range(RUNS)]
    whole = [whole_path_rates() for _ in range(RUNS)]
    print(f"medians of {RUNS} runs")
    show_rate("framing only, encode", [encode for encode, _ in framing], 100_000)
    show_rate("framing only, decode", [decode for _, decode in framing], 100_000)
    show_rate("whole path, build + frame the CN", [build for build, _ in whole], 120_000, ruby=41_000)
    show_rate("whole path, decode + parse the LT", [parse for _, parse in whole], 160_000, ruby=54_000)
    for name, data in hostile_inputs().items():
        seconds = statistics.median(feed_seconds(data) for _ in range(3))
        print(f"Decoder.feed of 1 MB, {name}: {seconds:.3f} s (target well under 1 s)")
    with Simulator(SimulatorConfig(card_delay=0.0)) as simulator:
        client_round_trips(simulator.endpoint)  # warm up both sides
        ours = client_round_trips(simulator.endpoint)
        bare = bare_round_trips(simulator.endpoint)
    ratio = statistics.median(ours) / statistics.median(bare)
    print(f"CN round trip, SaltoClient: median {statistics.median(ours) * 1000:.2f} ms, p95 {p95(ours) * 1000:.2f} ms")
    print(f"CN round trip, bare socket: median {statistics.median(bare) * 1000:.2f} ms, p95 {p95(bare) * 1000:.2f} ms")
    print(f"SaltoClient / bare socket (median): {ratio:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
