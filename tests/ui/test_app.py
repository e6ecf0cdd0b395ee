"""The composition root against the built-in demo: sync, status bar, and the README's screenshots run."""

from __future__ import annotations

import argparse
import functools
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from salto_desk.cli import build_parser, main
from salto_desk.demo import Demo
from salto_desk.secrets import PMS_API_KEY, SERVICE_NAME
from ui import app as app_module
from ui.app import build_context, desk_settings, run_gui
from ui.context import DeskContext
from ui.main_window import MainWindow

WAIT_MS = 30_000
SMALL_DEMO = functools.partial(Demo, reservations=150, card_delay=0.2, activity_interval=None)


@pytest.fixture
def demo() -> Iterator[Demo]:
    with SMALL_DEMO() as running:
        yield running


@pytest.fixture
def window(qtbot: QtBot, demo: Demo) -> Iterator[MainWindow]:
    context = build_context(
        demo.database, desk_settings(demo.data_dir), language="en", secrets=demo.secrets, data_dir=demo.data_dir
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    yield window
    window.close()
    context.shutdown()


def synced(window: MainWindow) -> bool:
    return window.sync_label.text().startswith("PMS: synced at")


def test_the_first_sync_fills_the_reservations_and_the_status_bar(qtbot: QtBot, window: MainWindow) -> None:
    context: DeskContext = window.context
    assert context.sync is not None and context.sync_engine is not None
    assert window.sync_label.text() == "PMS: not synced yet"
    assert context.sync.run()
    assert not context.sync.run()  # one sync at a time
    qtbot.waitUntil(lambda: synced(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.reservations.model.rowCount() > 0 and not window.reservations.searching,
                    timeout=WAIT_MS)  # fmt: skip
    rows = window.reservations.model.rows()
    assert any(row.keys for row in rows)  # the demo's products made key data


def test_an_unreachable_pms_shows_offline_since(qtbot: QtBot, window: MainWindow, demo: Demo) -> None:
    sync = window.context.sync
    assert sync is not None
    sync.run()
    qtbot.waitUntil(lambda: synced(window), timeout=WAIT_MS)
    demo.pms.close()
    sync.run()
    qtbot.waitUntil(lambda: window.sync_label.text().startswith("PMS: offline since"), timeout=WAIT_MS)
    assert "working from the cache" in window.sync_label.text()
    assert window.sync_label.toolTip()


def test_the_demo_uses_the_session_key_not_the_keyring(window: MainWindow, demo: Demo) -> None:
    factory = window.context.pms_factory
    assert factory is not None
    with factory() as client:
        assert client.administrations().records
    assert keyring.get_password(SERVICE_NAME, PMS_API_KEY) is None


def test_a_database_that_cannot_be_opened_is_a_message_and_exit_code_1(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "configure_logging", lambda folder: folder / "desk.log")
    monkeypatch.setattr(app_module, "install_excepthook", lambda *_args: None)
    monkeypatch.setattr(QApplication, "exec", lambda: pytest.fail("the window must not start"))
    monkeypatch.setattr(app_module.QMessageBox, "critical", lambda *_args: None)
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "--database-url", "nosuchdriver://x/y"])
    assert run_gui(args) == 1
    assert "nosuchdriver" in capsys.readouterr().err


@pytest.mark.slow
def test_screenshots_of_the_demo(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``salto-desk --demo --screenshots DIR``, with a smaller demo so that it runs in seconds."""
    monkeypatch.setattr(app_module, "Demo", SMALL_DEMO)
    monkeypatch.setattr(app_module, "configure_logging", lambda folder: folder / "desk.log")
    monkeypatch.setattr(app_module, "install_excepthook", lambda *_args: None)
    shots = tmp_path / "shots"
    args: argparse.Namespace = build_parser().parse_args(
        ["--data-dir", str(tmp_path / "data"), "--demo", "--screenshots", str(shots)]
    )
    assert args.func(args) == 0
    names = sorted(path.stem for path in shots.glob("*.png"))
    assert names == sorted([
        "reservations", "encode-prompt", "reservations-after-print", "read-key", "owners", "settings",
        "settings-key-types", "settings-key-type-dialog", "settings-product-dialog", "settings-encoders",
        "settings-diagnostics",
    ])  # fmt: skip
    assert all(path.stat().st_size > 5_000 for path in shots.glob("*.png"))


def test_screenshots_need_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_code:
        main(["--screenshots", "x"])
    assert exit_code.value.code == 2
    assert "--screenshots needs --demo" in capsys.readouterr().err


def test_no_command_and_gui_both_start_the_window() -> None:
    parser = build_parser()
    assert parser.parse_args([]).func is parser.parse_args(["gui"]).func
