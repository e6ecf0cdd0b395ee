"""Runs the desk's PMS sync in a child process: this same program's ``sync --once --progress-json``.

Parsing thousands of BEX records and writing them to the database would hold Python's interpreter
lock for seconds; in a process of its own it cannot stall the window. The child reads the same
database, gets the BEX API key for this one run in ``SALTO_DESK_PMS_API_KEY`` (the demo's key never
touches the keyring) and reports in JSON lines that ``salto_desk.cli.sync.read_progress_line`` reads.
Cancelling terminates the child: every page it stores and every key-data change is one transaction,
so a sync stopped at any point leaves the database whole and the next one starts where it must.

The child leads the sync in the window's name (``SALTO_DESK_OWNER_PID``): when another desk leads,
it syncs nothing and says which desk that is, and ``skipped`` carries that desk's holding.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

import salto_desk
from salto_desk.cli.sync import API_KEY_VARIABLE, DATABASE_URL_VARIABLE, OWNER_PID_VARIABLE, read_progress_line
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.exit_codes import ExitCode
from salto_desk.paths import AppPaths, app_paths
from salto_desk.protocol.client import TraceRecord
from salto_desk.storage.database import Database
from salto_desk.storage.leases import LeaseHolder
from salto_desk.sync import SyncProgress, SyncSummary

KILL_AFTER_MS = 3000
"""A child that does not stop within this time of being asked (Windows ignores the polite way) is killed."""
STDERR_LINES = 20
"""The last lines of the child's standard error kept to explain a crash."""
CONSOLE_PROGRAM = "salto-desk-cli"
"""The console build next to the windowed desk program (build_installer.spec): its output can be read."""


def frozen_program() -> str:
    """The program a frozen build starts for the sync: the console sibling when it is there.

    The windowed desk program may have no usable standard output for a child on Windows, so the
    console ``salto-desk-cli(.exe)`` in the same folder is preferred; without it, the program itself.
    """
    executable = Path(sys.executable)
    console = executable.with_name(CONSOLE_PROGRAM + executable.suffix)
    return str(console) if console.is_file() else sys.executable


@dataclass(frozen=True)
class SyncCommand:
    """How to start the sync process: the program, its arguments and extra environment variables."""

    program: str
    arguments: tuple[str, ...]
    environment: dict[str, str] = field(default_factory=dict, repr=False)  # holds the API key: never shown


def sync_command(database: Database, paths: AppPaths, language: str, api_key: str | None) -> SyncCommand:
    """``salto-desk [--data-dir D] --database-url URL --language L sync --once --progress-json --background``.

    From source the program is ``python -m salto_desk.cli`` (with this checkout on ``PYTHONPATH``); a frozen
    build (PyInstaller) runs its console program (``frozen_program``). A database URL with a password and the
    API key travel in environment variables, never on the command line where other users could read them;
    this process's id travels too, so that the child leads the sync in this desk window's name.
    """
    environment: dict[str, str] = {OWNER_PID_VARIABLE: str(os.getpid())}
    if getattr(sys, "frozen", False):
        program, arguments = frozen_program(), []
    else:
        program, arguments = sys.executable, ["-m", "salto_desk.cli"]
        source = str(Path(salto_desk.__file__).resolve().parents[1])
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, (source, os.environ.get("PYTHONPATH"))))
    if paths != app_paths():
        arguments += ["--data-dir", str(paths.data)]
    url = database.url
    if url.password:
        environment[DATABASE_URL_VARIABLE] = url.render_as_string(hide_password=False)
    else:
        arguments += ["--database-url", url.render_as_string(hide_password=False)]
    if api_key:
        environment[API_KEY_VARIABLE] = api_key
    arguments += ["--language", language, "sync", "--once", "--progress-json", "--background"]
    return SyncCommand(program, tuple(arguments), environment)


class SyncProcessFailed(SaltoDeskError):
    """The sync process stopped without a summary (it crashed or could not start)."""


class SyncProcess(QObject):
    """One sync process at a time; its JSON lines become signals on the GUI thread."""

    progress = Signal(object)  # SyncProgress
    trace = Signal(object)  # TraceRecord: the sync's SALTO traffic, for the diagnostics
    finished = Signal(object)  # SyncSummary
    failed = Signal(object)  # SaltoDeskError
    skipped = Signal(object)  # LeaseHolder: another desk leads the sync, this run did nothing

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: QProcess | None = None
        self._summary: SyncSummary | None = None
        self._leader: LeaseHolder | None = None
        self._error: SaltoDeskError | None = None
        self._cancelled = False
        self._stderr: deque[str] = deque(maxlen=STDERR_LINES)

    @property
    def running(self) -> bool:
        return self._process is not None

    def start(self, command: SyncCommand) -> bool:
        """Start the child; False when one is still running."""
        if self._process is not None:
            return False
        self._summary, self._leader, self._error, self._cancelled = None, None, None, False
        self._stderr.clear()
        process = QProcess(self)
        environment = QProcessEnvironment.systemEnvironment()
        for name, value in command.environment.items():
            environment.insert(name, value)
        process.setProcessEnvironment(environment)
        process.readyReadStandardOutput.connect(self._read_output)
        process.readyReadStandardError.connect(self._read_errors)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process = process
        process.start(command.program, list(command.arguments))
        return True

    def cancel(self) -> None:
        """Stop the child now; ``failed`` reports the cancellation once it has gone."""
        process = self._process
        if process is None:
            return
        self._cancelled = True
        process.terminate()
        QTimer.singleShot(KILL_AFTER_MS, process, process.kill)

    def wait(self, timeout_ms: int) -> bool:
        """Block until the child has stopped (for shutting down); True when it has."""
        process = self._process
        return process is None or process.waitForFinished(timeout_ms)

    def _read_output(self) -> None:
        process = self._process
        if process is None:
            return
        while process.canReadLine():
            line = bytes(process.readLine().data()).decode("utf-8", "replace").strip()
            event = read_progress_line(line)
            if isinstance(event, SyncProgress):
                self.progress.emit(event)
            elif isinstance(event, SyncSummary):
                self._summary = event
            elif isinstance(event, LeaseHolder):
                self._leader = event
            elif isinstance(event, SaltoDeskError):
                self._error = event
            elif isinstance(event, TraceRecord):
                self.trace.emit(event)

    def _read_errors(self) -> None:
        process = self._process
        if process is None:
            return
        text = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
        self._stderr.extend(line for line in text.splitlines() if line.strip())

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error is QProcess.ProcessError.FailedToStart and self._process is not None:
            self._done(
                SyncProcessFailed(
                    Text(
                        f"The sync could not be started ({self._process.program()}).",
                        f"De synchronisatie kon niet worden gestart ({self._process.program()}).",
                    ),
                    Text(
                        "Reinstall Salto Desk; if it stays, send the log to your supplier.",
                        "Installeer Salto Desk opnieuw; blijft het, stuur dan het logboek naar uw leverancier.",
                    ),
                )
            )

    def _on_finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        self._read_output()
        self._read_errors()
        if self._summary is not None and code in (ExitCode.OK, ExitCode.FAILURE):
            self._done(self._summary)
        elif self._leader is not None and code == ExitCode.OK:
            self._done(self._leader)
        elif self._error is not None:
            self._done(self._error)
        elif self._cancelled:
            self._done(SyncProcessFailed(Text("The sync was stopped.", "De synchronisatie is gestopt.")))
        else:
            detail = self._stderr[-1] if self._stderr else f"exit code {code}"
            self._done(
                SyncProcessFailed(
                    Text(
                        f"The sync stopped unexpectedly ({detail}).",
                        f"De synchronisatie stopte onverwacht ({detail}).",
                    ),
                    Text(
                        "It is tried again at the next sync; if it keeps failing, send the log to your supplier.",
                        "Bij de volgende synchronisatie wordt het opnieuw geprobeerd; blijft het mislukken, stuur "
                        "dan het logboek naar uw leverancier.",
                    ),
                )
            )

    def _done(self, outcome: SyncSummary | LeaseHolder | SaltoDeskError) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.deleteLater()
        if isinstance(outcome, SyncSummary):
            self.finished.emit(outcome)
        elif isinstance(outcome, LeaseHolder):
            self.skipped.emit(outcome)
        else:
            self.failed.emit(outcome)
