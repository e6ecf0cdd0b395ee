from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from salto_desk.cli import main
from salto_desk.exit_codes import ExitCode
from salto_desk.simulator import Simulator, SimulatorConfig

KEY = ["--start", "2026-12-01T15:00", "--end", "2026-12-03T10:00", "--timezone", "Europe/Amsterdam"]


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    config = SimulatorConfig(rooms=("101", "102"), encoders=("1", "2"), card_delay=0.0, phones=("+31612345678",))
    with Simulator(config) as running:
        yield running


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_encode_two_cards_prints_the_success_object(simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(
        capsys,
        "salto",
        "encode",
        "--salto",
        simulator.endpoint,
        "--encoder",
        "1",
        "--room",
        "101",
        *KEY,
        "--grant",
        "1,2",
        "--cards",
        "2",
    )
    assert code == 0
    assert result["ok"] is True
    assert result["command"] == "CN"
    assert result["encoder"] == "1"
    assert result["cards"] == 2
    assert isinstance(result["serials"], list) and len(result["serials"]) == 2


def test_read_shows_the_card_just_encoded(simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "salto",
            "encode",
            "--salto",
            simulator.endpoint,
            "--encoder",
            "2",
            "--room",
            "102",
            *KEY,
            "--grant",
            "3",
            "--operator",
            "Anna",
            "--json",
        ]
    )
    capsys.readouterr()
    code, card = run_json(
        capsys, "salto", "read", "--salto", simulator.endpoint, "--encoder", "2", "--timezone", "Europe/Amsterdam"
    )
    assert code == 0
    assert card == {
        "ok": True,
        "command": "LT",
        "encoder": "2",
        "card_type": "guest",
        "rooms": ["102"],
        "checked_in": True,
        "copy": "0",
        "granted": [3],
        "start": "2026-12-01T15:00",
        "end": "2026-12-03T10:00",
        "operator": "Anna",
    }


def test_checkout_voids_the_card(simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    main(["salto", "encode", "--salto", simulator.endpoint, "--encoder", "1", "--room", "101", *KEY])
    capsys.readouterr()
    code, result = run_json(capsys, "salto", "checkout", "--salto", simulator.endpoint, "--room", "101")
    assert (code, result) == (0, {"ok": True, "command": "CO", "room": "101"})
    _, card = run_json(capsys, "salto", "read", "--salto", simulator.endpoint, "--encoder", "1")
    assert card["checked_in"] is False


def test_copy_of_a_room_without_stay_is_refused_with_ea(
    simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, result = run_json(
        capsys, "salto", "encode", "--salto", simulator.endpoint, "--encoder", "1", "--room", "101", *KEY, "--copy"
    )
    assert code == 3
    assert result["ok"] is False
    assert result["error"] == "EA"
    assert "new cards" in str(result["message"])


def test_unknown_room_exits_3_with_td(simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(
        capsys, "salto", "encode", "--salto", simulator.endpoint, "--encoder", "1", "--room", "999", *KEY
    )
    assert code == 3
    assert result["error"] == "TD"


def test_mobile_key_to_registered_and_unregistered_phone(
    simulator: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, result = run_json(
        capsys, "salto", "mobile", "--salto", simulator.endpoint, "--phone", "+31612345678", "--room", "101", *KEY
    )
    assert code == 0
    assert result == {"ok": True, "command": "CNM", "phone": "+********678"}
    code, result = run_json(
        capsys, "salto", "mobile", "--salto", simulator.endpoint, "--phone", "+31600000000", "--room", "101", *KEY
    )
    assert code == 3
    assert result["error"] == "EG"


def test_bad_phone_is_a_usage_error_before_sending(simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(
        capsys, "salto", "mobile", "--salto", simulator.endpoint, "--phone", "0612345678", "--room", "101", *KEY
    )
    assert code == 2
    assert result["error"] == "usage"
    assert "E.164" in str(result["message"])


def test_dutch_messages(simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(
        capsys,
        "--language",
        "nl",
        "salto",
        "encode",
        "--salto",
        simulator.endpoint,
        "--encoder",
        "9",
        "--room",
        "101",
        *KEY,
    )
    assert code == 3
    assert result["error"] == "NC"
    assert "encoder" in str(result["message"]) and "geen verbinding" in str(result["message"])


def test_link_failure_exits_4(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    code, result = run_json(capsys, "salto", "ping", "--salto", f"127.0.0.1:{port}")
    assert code == 4
    assert result["error"] == "link"


def test_ping_human_output(simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["salto", "ping", "--salto", simulator.endpoint]) == 0
    assert "is ready" in capsys.readouterr().out


def test_argument_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(
            [
                "salto",
                "encode",
                "--salto",
                "127.0.0.1:1",
                "--encoder",
                "1",
                "--room",
                "101",
                "--start",
                "tomorrow",
                "--end",
                "2026-12-03T10:00",
            ]
        )
    assert caught.value.code == 2
    assert "YYYY-MM-DDTHH:MM" in capsys.readouterr().err


def test_simulator_and_encode_as_separate_processes() -> None:
    """The issue's 'done when': simulator in one process, `salto encode --json` in another."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    simulator = subprocess.Popen(
        [sys.executable, "-m", "salto_desk.cli", "simulator", "--port", "0", "--card-delay", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert simulator.stdout is not None
        line = simulator.stdout.readline().strip()
        assert line.startswith("listening on 127.0.0.1:")
        endpoint = line.removeprefix("listening on ")
        encode = subprocess.run(
            [
                sys.executable,
                "-m",
                "salto_desk.cli",
                "salto",
                "encode",
                "--salto",
                endpoint,
                "--encoder",
                "1",
                "--room",
                "101",
                *KEY,
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert encode.returncode == 0, encode.stderr
        result = json.loads(encode.stdout)
        assert result["ok"] is True and result["command"] == "CN" and result["cards"] == 1
    finally:
        if os.name == "posix":
            simulator.send_signal(signal.SIGINT)
            assert simulator.wait(timeout=10) == 0  # Ctrl+C is a clean stop
        else:
            simulator.terminate()
            simulator.wait(timeout=10)


# --- refused before anything is sent: exit 2 -------------------------------------------------------


@pytest.mark.parametrize("timeout", ["-1", "0", "nan", "inf", "-inf", "soon"])
def test_timeout_must_be_a_positive_number_of_seconds(timeout: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["salto", "ping", "--salto", "127.0.0.1:1", f"--timeout={timeout}"])
    assert caught.value.code == ExitCode.USAGE
    assert "is not a number of seconds (more than 0)" in capsys.readouterr().err


def test_the_timeout_also_bounds_the_readiness_check(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts the connection, never answers
        endpoint = f"127.0.0.1:{silent.getsockname()[1]}"
        code, result = run_json(capsys, "salto", "ping", "--salto", endpoint, "--timeout", "0.3")
    assert code == ExitCode.UNREACHABLE
    assert result["error"] == "link" and "within 0.3 s" in str(result["message"])


@pytest.mark.parametrize("cards", ["0", "21", "-1", "two", "²"])
def test_cards_must_be_1_to_the_maximum(cards: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["salto", "encode", "--salto", "127.0.0.1:1", "--encoder", "1", "--room", "101", *KEY, "--cards", cards])
    assert caught.value.code == ExitCode.USAGE
    assert "is not a number of cards from 1 to 20" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["checkout", "--room", "Chalet Duinzicht Noord 12"], "is 25 characters; SALTO takes at most 24"),
        (["checkout", "--room", "1\x020\x031"], "control character U+0002"),
        (["read", "--encoder", "1\U0001f600"], "which the ASCII code page of this site cannot carry"),
        (["encode", "--encoder", "1", "--room", "101 ", *KEY], "starts or ends with a space"),
        (["encode", "--encoder", "1", "--room", "101", *KEY, "--grant", "1,2", "--deny", "2"], "both granted"),
        (["mobile", "--phone", "+31612345678", "--room", "101", *KEY, "--grant", "3", "--deny", "3"], "both granted"),
        (["mobile", "--phone", "+31 (0)6 12345678", "--room", "101", *KEY], "brackets"),
        (
            ["encode", "--encoder", "1", "--room", "101", "--start", "2099-12-31T15:00", "--end", "2100-01-02T10:00"],
            "2000 to 2099",
        ),
        (["encode", "--encoder", "1", "--room", "101", *KEY, "--grant", "63"], "1 to 62"),
    ],
)
def test_values_that_do_not_fit_the_wire_exit_2_and_nothing_is_sent(
    simulator: Simulator, capsys: pytest.CaptureFixture[str], argv: list[str], shown: str
) -> None:
    code, result = run_json(capsys, "salto", argv[0], "--salto", simulator.endpoint, *argv[1:])
    assert code == ExitCode.USAGE
    assert result["ok"] is False and result["error"] == "usage"
    assert shown in str(result["message"])
    assert simulator.state.requests == ()


def test_exit_codes_are_the_shared_ones(simulator: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "salto", "ping", "--salto", simulator.endpoint)[0] == ExitCode.OK
    code, _ = run_json(capsys, "salto", "checkout", "--salto", simulator.endpoint, "--room", "999")
    assert code == ExitCode.REMOTE_ERROR
