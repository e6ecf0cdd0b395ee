"""`salto-desk simulator`: run the simulator in the foreground until Ctrl+C."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from salto_desk.cli.arguments import count, port, seconds
from salto_desk.errors import SaltoDeskError, ValidationError
from salto_desk.exit_codes import ExitCode
from salto_desk.protocol.errors import LocalProtocolError
from salto_desk.protocol.text import normalize_phone
from salto_desk.simulator.config import DEFAULT_ENCODERS, DEFAULT_ROOMS, SimulatorConfig
from salto_desk.simulator.server import Simulator

DEFAULT_PORT = 8090
DEFAULT_CARD_DELAY = 2.0
DEFAULT_CARD_TIMEOUT = 30.0


def _names(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if not names:
        raise argparse.ArgumentTypeError("give at least one name, separated by commas")
    return names


def _phones(value: str) -> tuple[str, ...]:
    try:
        return tuple(normalize_phone(phone) for phone in _names(value))
    except LocalProtocolError as error:
        raise argparse.ArgumentTypeError(error.user_message()) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=port, default=DEFAULT_PORT, help="TCP port (default 8090, 0 = free)")
    parser.add_argument("--serial", action="store_true", help="also serve a serial pseudo-terminal (not on Windows)")
    parser.add_argument(
        "--card-delay",
        type=seconds,
        default=DEFAULT_CARD_DELAY,
        metavar="S",
        help="seconds until a card is presented to an encoder (default 2)",
    )
    parser.add_argument(
        "--card-timeout",
        type=seconds,
        default=DEFAULT_CARD_TIMEOUT,
        metavar="S",
        help="seconds an encoder waits with --no-card before answering ED (default 30)",
    )
    parser.add_argument("--no-card", action="store_true", help="never present a card: encoders time out with ED")
    parser.add_argument(
        "--rooms", type=_names, default=DEFAULT_ROOMS, metavar="101,102,...", help="known rooms (default 101-120)"
    )
    parser.add_argument(
        "--encoders", type=_names, default=DEFAULT_ENCODERS, metavar="1,2,...", help="known encoders (default 1,2)"
    )
    parser.add_argument(
        "--phones",
        type=_phones,
        default=None,
        metavar="+31612345678,...",
        help="phones registered in JustIN Mobile (default: every E.164 number)",
    )
    faults = parser.add_argument_group("fault injection")
    faults.add_argument("--nak", type=count, default=0, metavar="N", help="NAK the next N frames")
    faults.add_argument("--corrupt-lrc", type=count, default=0, metavar="N", help="wrong LRC on the next N replies")
    faults.add_argument(
        "--garbage-ack", type=count, default=0, metavar="N", help="garbage instead of ACK for the next N frames"
    )
    faults.add_argument(
        "--drop-mid-reply", type=count, default=0, metavar="N", help="close the connection mid-reply, next N replies"
    )
    faults.add_argument("--ack-delay", type=seconds, default=0.0, metavar="S", help="wait S seconds before each ACK")


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; prints ``listening on HOST:PORT`` (and ``serial on PATH``) when ready."""
    try:
        config = SimulatorConfig(
            host=args.host,
            port=args.port,
            rooms=args.rooms,
            encoders=args.encoders,
            card_delay=args.card_delay,
            card_timeout=args.card_timeout,
            no_card=args.no_card,
            phones=args.phones,
            serial=args.serial,
        )
    except ValidationError as error:
        print(error.user_message(), file=sys.stderr)
        return ExitCode.USAGE
    simulator = Simulator(config)
    simulator.faults.nak_next(args.nak)
    simulator.faults.corrupt_lrc_next(args.corrupt_lrc)
    simulator.faults.garbage_ack_next(args.garbage_ack)
    simulator.faults.drop_mid_reply_next(args.drop_mid_reply)
    simulator.faults.ack_delay = args.ack_delay
    logger = logging.getLogger("salto_desk.simulator")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        simulator.start()
        print(f"listening on {simulator.endpoint}", flush=True)
        if simulator.serial_path is not None:
            print(f"serial on {simulator.serial_path}", flush=True)
        while True:
            time.sleep(3600)  # Ctrl+C interrupts the sleep on every platform
    except KeyboardInterrupt:
        return ExitCode.OK
    except SaltoDeskError as error:
        print(error.user_message(), file=sys.stderr)
        return ExitCode.FAILURE
    finally:
        simulator.stop()
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
