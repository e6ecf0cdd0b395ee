"""`salto-desk pms check` and `salto-desk pms demo-server`, through their registered parsers."""

from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from salto_desk.cli.pms import register
from salto_desk.demo.server import DEMO_API_KEY, DemoPmsServer
from salto_desk.exit_codes import ExitCode
from salto_desk.secrets import PMS_API_KEY, SecretStore
from salto_desk.storage.database import open_database
from salto_desk.storage.settings_repository import PMS_BASE_URL, SettingsRepository

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="salto-desk")
    parser.add_argument("--language", default="en")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--database-url")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_check_with_the_key_from_an_environment_variable(
    demo: DemoPmsServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEMO_BEX_KEY", DEMO_API_KEY)
    assert run("pms", "check", "--base-url", demo.base_url, "--api-key-env", "DEMO_BEX_KEY") == ExitCode.OK
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"BEX address: {demo.base_url} (given with --base-url)",
        "BEX answered: 2 administration(s).",
        "  1  Vakantiepark De Wielewaal  (UTC+01:00)",
        "  2  Stadshotel De Gouden Leeuw  (UTC+01:00)",
    ]


def test_check_with_the_key_from_the_keyring_in_dutch(demo: DemoPmsServer, capsys: pytest.CaptureFixture[str]) -> None:
    SecretStore().set(PMS_API_KEY, DEMO_API_KEY)
    assert run("--language", "nl", "pms", "check", "--base-url", demo.base_url) == ExitCode.OK
    assert capsys.readouterr().out.startswith(
        f"BEX-adres: {demo.base_url} (opgegeven met --base-url)\nBEX antwoordde: 2 administratie(s)."
    )


def test_check_uses_the_address_stored_in_the_settings(
    demo: DemoPmsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = open_database(data_dir=tmp_path)
    with database.unit_of_work() as session:
        SettingsRepository(session).set(PMS_BASE_URL, demo.base_url)
    database.dispose()
    SecretStore().set(PMS_API_KEY, DEMO_API_KEY)
    assert run("--data-dir", str(tmp_path), "pms", "check") == ExitCode.OK
    assert capsys.readouterr().out.startswith(
        f"BEX address: {demo.base_url} (from the settings)\nBEX answered: 2 administration(s)."
    )


def test_set_url_stores_the_address_every_desk_uses(
    demo: DemoPmsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    SecretStore().set(PMS_API_KEY, DEMO_API_KEY)
    assert run("--data-dir", str(tmp_path), "pms", "check", "--base-url", "http://[::1") == ExitCode.USAGE
    assert "BEX address: http://[::1 (given with --base-url)" in capsys.readouterr().out
    assert run("--data-dir", str(tmp_path), "pms", "set-url", demo.base_url) == ExitCode.OK
    assert capsys.readouterr().out == f"The BEX address is now {demo.base_url}.\n"
    database = open_database(data_dir=tmp_path)
    with database.unit_of_work() as session:
        assert SettingsRepository(session).get(PMS_BASE_URL) == demo.base_url
    database.dispose()
    assert run("--data-dir", str(tmp_path), "pms", "check") == ExitCode.OK
    assert f"BEX address: {demo.base_url} (from the settings)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://api.bookingexperts.nl/v3", "not encrypted"),
        ("api.bookingexperts.nl/v3", "not a web address"),
        ("ftp://api.bookingexperts.nl/v3", "not a web address"),
    ],
)
def test_set_url_refuses_what_the_window_refuses_and_keeps_the_old_address(
    url: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--data-dir", str(tmp_path), "pms", "set-url", "https://bex.example/v3") == ExitCode.OK
    assert run("--data-dir", str(tmp_path), "pms", "set-url", url) == ExitCode.USAGE
    assert words in capsys.readouterr().err
    database = open_database(data_dir=tmp_path)
    with database.unit_of_work() as session:
        assert SettingsRepository(session).get(PMS_BASE_URL) == "https://bex.example/v3"
    database.dispose()


def test_an_unusable_database_is_a_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'no-folder' / 'db.sqlite3'}"
    assert run("--database-url", url, "pms", "set-url", "https://bex.example/v3") == ExitCode.FAILURE
    assert run("--database-url", url, "pms", "check") == ExitCode.FAILURE
    assert capsys.readouterr().err


def test_set_key_stores_the_key_read_from_a_pipe(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("  secret-key-123\n"))
    assert run("pms", "set-key") == ExitCode.OK
    assert SecretStore().get(PMS_API_KEY) == "secret-key-123"
    assert "secret-key-123" not in capsys.readouterr().out


def test_set_key_refuses_an_empty_key(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert run("pms", "set-key") == ExitCode.USAGE
    assert "empty" in capsys.readouterr().err
    assert SecretStore().get(PMS_API_KEY) is None


def test_check_without_a_key_is_a_usage_error(demo: DemoPmsServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("pms", "check", "--base-url", demo.base_url) == ExitCode.USAGE
    assert "No BEX API key was found" in capsys.readouterr().err
    assert run("pms", "check", "--base-url", demo.base_url, "--api-key-env", "SURELY_UNSET_VARIABLE") == ExitCode.USAGE
    assert "SURELY_UNSET_VARIABLE is not set" in capsys.readouterr().err


def test_check_refuses_plain_http_to_another_computer(capsys: pytest.CaptureFixture[str]) -> None:
    SecretStore().set(PMS_API_KEY, DEMO_API_KEY)
    assert run("pms", "check", "--base-url", "http://api.bookingexperts.nl/v3") == ExitCode.USAGE
    assert "not encrypted" in capsys.readouterr().err


def test_check_with_a_rejected_key(demo: DemoPmsServer, capsys: pytest.CaptureFixture[str]) -> None:
    SecretStore().set(PMS_API_KEY, "not-the-demo-key")
    assert run("pms", "check", "--base-url", demo.base_url) == ExitCode.REMOTE_ERROR
    err = capsys.readouterr().err
    assert "BEX rejected the API key." in err
    assert "not-the-demo-key" not in err


def test_check_when_bex_cannot_be_reached(capsys: pytest.CaptureFixture[str]) -> None:
    SecretStore().set(PMS_API_KEY, DEMO_API_KEY)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert run("pms", "check", "--base-url", f"http://127.0.0.1:{port}/v3") == ExitCode.UNREACHABLE
    assert "BEX cannot be reached" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ("--port", "70000"),
        ("--port", "-1"),
        ("--reservations", "-5"),
        ("--reservations", "many"),
        ("--reservations", "100000000"),
        ("--activity", "x"),
    ],
)
def test_demo_server_arguments_are_checked(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        run("pms", "demo-server", *argv)
    assert raised.value.code == ExitCode.USAGE
    if argv == ("--reservations", "100000000"):
        assert "use at most 100,000" in capsys.readouterr().err


def test_the_demo_server_command_serves_until_stopped() -> None:
    runner = (
        "import argparse, sys; from salto_desk.cli.pms import register; p = argparse.ArgumentParser(); "
        "register(p.add_subparsers()); a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))"
    )
    with subprocess.Popen(
        [sys.executable, "-c", runner, "pms", "demo-server", "--port", "0", "--reservations", "60", "--seed", "3"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            listening = process.stdout.readline().strip()
            base_url = process.stdout.readline().strip()
            key_line = process.stdout.readline().strip()
            assert listening.startswith("listening on http://127.0.0.1:")
            port = int(listening.rsplit(":", 1)[1])
            assert base_url == f"base URL: http://127.0.0.1:{port}/v3"
            assert key_line == f"API key: {DEMO_API_KEY}"
            response = httpx.get(
                f"http://127.0.0.1:{port}/v3/administrations/1/reservations",
                headers={"x-api-key": DEMO_API_KEY},
                timeout=10,
            )
            assert response.status_code == 200
            assert response.json()["meta"]["pagination"]["total_records"] > 0
        finally:
            process.terminate()
            process.wait(timeout=10)
