"""Protocol benchmark: codec throughput and the CN round trip against the simulator.

Prints frames/s for encoding and decoding, the median and p95 round trip of a CN (card delay 0)
through SaltoClient and through a bare-socket script doing the same exchange, and their ratio.
Targets: >= 100,000 frames/s each way; SaltoClient within 1.5x of the bare socket.
"""

from __future__ import annotations

import socket
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from salto_desk.protocol.client import SaltoClient, Timeouts
from salto_desk.protocol.codec import ACK, ENQ, ETX, STX, Decoder, encode_frame
from salto_desk.protocol.messages import EncodeCard, WireOptions
from salto_desk.simulator import Simulator, SimulatorConfig

ZONE = ZoneInfo("Europe/Amsterdam")
OPTIONS = WireOptions(site_zone=ZONE)
START = datetime(2026, 12, 1, 15, 0, tzinfo=ZONE)
REQUEST = EncodeCard("CN", "1", ("101",), START, START + timedelta(days=2), granted=(1, 2), operator="Bench")
FRAMES = 200_000
ROUND_TRIPS = 300


def codec_rates() -> tuple[float, float]:
    fields = REQUEST.fields(OPTIONS)
    started = time.perf_counter()
    for _ in range(FRAMES):
        frame = encode_frame(fields)
    encode_rate = FRAMES / (time.perf_counter() - started)
    stream = frame * FRAMES
    decoder = Decoder()
    started = time.perf_counter()
    decoded = 0
    for offset in range(0, len(stream), 4096):
        decoded += len(decoder.feed(stream[offset : offset + 4096]))
    decode_rate = FRAMES / (time.perf_counter() - started)
    assert decoded == FRAMES, decoded
    return encode_rate, decode_rate


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


def main() -> None:
    encode_rate, decode_rate = codec_rates()
    print(f"encode: {encode_rate:,.0f} frames/s (target >= 100,000) ratio {encode_rate / 100_000:.2f}")
    print(f"decode: {decode_rate:,.0f} frames/s (target >= 100,000) ratio {decode_rate / 100_000:.2f}")
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
