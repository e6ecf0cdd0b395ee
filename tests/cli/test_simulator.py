"""`salto-desk simulator`: arguments, the ready line, request logging, faults from flags, Ctrl+C."""

from __future__ import annotations

import argparse
import os
import select
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from salto_desk.cli import simulator as cli
from salto_desk.protocol.codec import Control, encode_frame
from tests.simulator.conftest import WAIT, RawClient

ROOT = Path(__file__).resolve().parents[2]
RUN_CLI = (
    "import argparse, sys\n"
    "from salto_desk.cli import simulator as cli\n"
    "parser = argparse.ArgumentParser()\n"
    "cli.add_arguments(parser)\n"
    "sys.exit(cli.run(parser.parse_args(sys.argv[1:])))\n"
)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(argv)


def test_defaults() -> None:
    args = parse()
    assert (args.host, args.port, args.serial, args.card_delay, args.card_timeout, args.no_card) == (
        "127.0.0.1",
        8090,
        False,
        2.0,
        30.0,
        False,
    )
    assert args.rooms[0] == "101" and args.rooms[-1] == "120" and args.encoders == ("1", "2")
    assert args.phones is None
    assert (args.nak, args.corrupt_lrc, args.garbage_ack, args.drop_mid_reply, args.ack_delay) == (0, 0, 0, 0, 0.0)


def test_lists_and_numbers_are_parsed() -> None:
    args = parse(
        "--rooms",
        "201, 202,Suite A",
        "--encoders",
        "Online Encoder 1",
        "--phones",
        "0031612345678,+4915112345678",
        "--card-delay",
        "0.5",
        "--nak",
        "2",
        "--ack-delay",
        "1.5",
        "--port",
        "0",
        "--no-card",
        "--serial",
    )
    assert args.rooms == ("201", "202", "Suite A") and args.encoders == ("Online Encoder 1",)
    assert args.phones == ("+31612345678", "+4915112345678")
    assert (args.card_delay, args.nak, args.ack_delay, args.port, args.no_card, args.serial) == (
        0.5,
        2,
        1.5,
        0,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("--nak", "-1"), "not a count"),
        (("--card-delay", "soon"), "not a number of seconds"),
        (("--card-delay", "inf"), "not a number of seconds"),
        (("--card-timeout", "nan"), "not a number of seconds"),
        (("--nak", "²"), "not a count"),
        (("--ack-delay", "-2"), "not a number of seconds"),
        (("--port", "99999"), "not a port"),
        (("--rooms", " , "), "at least one name"),
        (("--phones", "0612345678"), "E.164"),
    ],
)
def test_bad_arguments_are_usage_errors(argv: tuple[str, ...], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as usage:
        parse(*argv)
    assert usage.value.code == 2
    assert words in capsys.readouterr().err


def test_an_impossible_site_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(parse("--rooms", "101,101", "--port", "0")) == 2
    assert "101 more than once" in capsys.readouterr().err


def test_a_port_in_use_fails_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert cli.run(parse("--port", str(port))) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and f"127.0.0.1:{port}" in captured.err


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT and serves a pty")
def test_runs_until_ctrl_c_logging_each_request() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_CLI, "--port", "0", "--serial", "--card-delay", "0", "--nak", "1"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        assert select.select([process.stdout], [], [], WAIT)[0], "no ready line"
        listening = process.stdout.readline()
        serial_line = process.stdout.readline()
        assert listening.startswith("listening on 127.0.0.1:") and serial_line.startswith("serial on /dev/")
        client = RawClient(listening.split()[-1])
        try:
            client.send(encode_frame([b"CO", b"0", b"101"]))
            assert client.event() is Control.NAK  # --nak 1
            assert client.exchange([b"CNM", b"+31612345678", b"101"]).fields[0] == b"ES"
        finally:
            client.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(WAIT) == 0
        log = process.stderr.read()
        assert "> CO|0|101" in log and "NAK instead of ACK" in log and "< ES" in log
        assert "+31612345678" not in log and "+********678" in log
        assert process.stdout.read() == ""  # exactly the ready lines on stdout
    finally:
        process.kill()
        process.wait(WAIT)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
