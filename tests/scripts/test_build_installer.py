"""The smoke-test logic of scripts/build_installer.py, against the source program and fake programs.

No PyInstaller build here: ``Bundle`` takes any command line, so the checks run against
``python -m salto_desk.cli`` (the real simulator and client) and small scripts that misbehave.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tests.scripts.loading import load_script

script = load_script("build_installer.py")
SOURCE_CLI = [sys.executable, "-m", "salto_desk.cli"]


def fake_program(tmp_path: Path, name: str, body: str) -> list[str]:
    path = tmp_path / f"{name}.py"
    path.write_text("import sys, time\nargs = sys.argv[1:]\n" + textwrap.dedent(body), encoding="utf-8")
    return [sys.executable, str(path)]


def screenshot_writer(tmp_path: Path, png: bool = True) -> list[str]:
    """A stand-in for the windowed program: writes a PNG into the --screenshots folder."""
    return fake_program(
        tmp_path,
        "gui",
        f"""
        from pathlib import Path
        folder = Path(args[args.index("--screenshots") + 1])
        if {png!r}:
            (folder / "en-1366x768").mkdir(parents=True, exist_ok=True)
            (folder / "en-1366x768" / "reservations.png").write_bytes(b"\\x89PNG\\r\\n\\x1a\\n")
        """,
    )


def broken_cli(tmp_path: Path) -> list[str]:
    """Wrong version, a simulator that claims a port nobody listens on, no --demo in its help."""
    return fake_program(
        tmp_path,
        "cli",
        """
        if args == ["--version"]:
            print("salto-desk 0.0.0-wrong")
        elif args == ["--help"]:
            print("usage: salto-desk [--version]")
        elif args[0] == "simulator":
            print("listening on 127.0.0.1:1", flush=True)
            time.sleep(60)
        elif args[:2] == ["salto", "ping"]:
            print('{"ok": false, "error": "link", "message": "refused"}')
            sys.exit(4)
        """,
    )


def test_the_package_version_is_read_from_the_source() -> None:
    from salto_desk import __version__

    assert script.package_version() == __version__


@pytest.mark.slow
def test_every_check_passes_against_the_source_program(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = script.Bundle(cli=SOURCE_CLI, gui=screenshot_writer(tmp_path))
    results = script.smoke_test(bundle, script.package_version())
    version, ping, demo = results
    assert version.ok is True
    assert ping.ok is True and '"ok": true' in ping.detail
    assert demo.ok in (True, None)  # None while the source program's command line has no --demo
    if demo.ok:
        assert "en-1366x768/reservations.png" in demo.detail
    printed = capsys.readouterr().out
    assert "[ok  ] --version" in printed and "[ok  ] salto ping" in printed


def test_a_wrong_version_and_a_failing_ping_are_reported(tmp_path: Path) -> None:
    bundle = script.Bundle(cli=broken_cli(tmp_path), gui=screenshot_writer(tmp_path))
    version = script.check_version(bundle, "0.1.0")
    assert version.ok is False and "0.0.0-wrong" in version.detail
    ping = script.check_ping(bundle, start_timeout=20)
    assert ping.ok is False and "127.0.0.1:1" in ping.detail and "exit 4" in ping.detail


def test_a_simulator_that_never_listens_fails_in_bounded_time(tmp_path: Path) -> None:
    silent = fake_program(tmp_path, "silent", "time.sleep(60)\n")
    ping = script.check_ping(script.Bundle(cli=silent, gui=silent), start_timeout=1)
    assert ping.ok is False and "did not report 'listening on'" in ping.detail


def test_the_demo_check_is_skipped_without_demo_and_fails_without_pictures(tmp_path: Path) -> None:
    skipped = script.check_demo(script.Bundle(cli=broken_cli(tmp_path), gui=screenshot_writer(tmp_path)))
    assert skipped.ok is None and "--demo" in skipped.detail
    with_demo = fake_program(tmp_path, "demo_cli", 'print("usage: salto-desk [--demo] [--screenshots DIR]")\n')
    no_pictures = script.check_demo(script.Bundle(cli=with_demo, gui=screenshot_writer(tmp_path, png=False)))
    assert no_pictures.ok is False and "PNG files []" in no_pictures.detail
    pictures = script.check_demo(script.Bundle(cli=with_demo, gui=screenshot_writer(tmp_path)))
    assert pictures.ok is True


def test_main_refuses_a_missing_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert script.main(["--skip-build", "--dist", str(tmp_path)]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_the_bundle_layout_names_both_programs(tmp_path: Path) -> None:
    bundle = script.Bundle.in_folder(tmp_path)
    suffix = ".exe" if sys.platform == "win32" else ""
    assert bundle.cli == [str(tmp_path / f"salto-desk-cli{suffix}")]
    assert bundle.gui == [str(tmp_path / f"salto-desk{suffix}")]
