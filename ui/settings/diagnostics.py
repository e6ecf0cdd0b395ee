"""Diagnostics for installers: the live SALTO protocol trace (bounded) and where the log files are."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from salto_desk.moments import zone_name
from salto_desk.protocol.client import TraceRecord
from ui.context import DeskContext
from ui.settings.common import Say
from ui.style import list_rows

MAX_TRACE_RECORDS = 2000


class TraceModel(QStandardItemModel):
    """The newest ``limit`` trace records: time, direction, decoded summary, raw bytes in hex.

    The cells live in Qt's item store, made by Qt, so the page repaints without Python while the
    encoders and the sync exchange frames (see ``ui.models.rows``).
    """

    def __init__(self, headers: list[str], limit: int = MAX_TRACE_RECORDS) -> None:
        super().__init__(0, len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.records: deque[TraceRecord] = deque()
        self.limit = limit

    def add(self, record: TraceRecord) -> None:
        if len(self.records) >= self.limit:
            self.records.popleft()
            self.removeRow(0)
        self.records.append(record)
        row = self.rowCount()
        self.insertRow(row)
        cells = (
            f"{record.time.astimezone():%H:%M:%S.%f}"[:-3],  # this computer's clock, named in the header
            "->" if record.direction == "out" else "<-",
            record.summary,
            record.hex,
        )
        for column, text in enumerate(cells):
            self.setData(self.index(row, column), text)

    def clear(self) -> None:
        self.removeRows(0, self.rowCount())
        self.records.clear()

    def text(self) -> str:
        return "\n".join(str(record) for record in self.records)


class DiagnosticsPage(QWidget):
    """The live trace with Pause / Clear / Copy, and the log folder."""

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.say = say = Say(context.language)
        self.paused = False
        self.skipped = 0
        zone = zone_name(None)
        self.model = TraceModel([say(f"Time ({zone})", f"Tijd ({zone})"), "", say("Decoded", "Gedecodeerd"), "Hex"])
        self.view = QTableView()
        self.view.setModel(self.model)
        list_rows(self.view)
        self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.pause_button = QPushButton(say("Pause", "Pauzeren"))
        self.pause_button.setCheckable(True)
        self.clear_button = QPushButton(say("Clear", "Wissen"))
        self.copy_button = QPushButton(say("Copy", "Kopiëren"))
        self.status = QLabel()
        logs = context.paths.logs
        self.log_folder = QLabel(say(f"Log files: {logs}", f"Logbestanden: {logs}"))
        self.log_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_logs = QPushButton(say("Open log folder", "Logmap openen"))
        hint = QLabel(
            say(
                f"Every byte exchanged with SALTO (phone numbers masked); the newest {MAX_TRACE_RECORDS} are kept.",
                f"Elke byte die met SALTO is uitgewisseld (telefoonnummers gemaskeerd); de nieuwste "
                f"{MAX_TRACE_RECORDS} blijven bewaard.",
            )
        )
        buttons = QHBoxLayout()
        for button in (self.pause_button, self.clear_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addWidget(self.status, 1)
        logs_row = QHBoxLayout()
        logs_row.addWidget(self.log_folder, 1)
        logs_row.addWidget(self.open_logs)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addLayout(logs_row)
        self.pause_button.toggled.connect(self.set_paused)
        self.clear_button.clicked.connect(self.clear)
        self.copy_button.clicked.connect(self.copy)
        self.open_logs.clicked.connect(self.open_log_folder)
        context.trace.record.connect(self.add)

    @Slot(object)
    def add(self, record: object) -> None:
        if not isinstance(record, TraceRecord):
            return
        if self.paused:
            self.skipped += 1
            self._show_status()
            return
        at_end = self.view.verticalScrollBar().value() >= self.view.verticalScrollBar().maximum()
        self.model.add(record)
        if at_end:
            self.view.scrollToBottom()

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.pause_button.setChecked(paused)
        self.pause_button.setText(self.say("Resume", "Hervatten") if paused else self.say("Pause", "Pauzeren"))
        if not paused:
            self.skipped = 0
        self._show_status()

    @Slot()
    def clear(self) -> None:
        self.model.clear()
        self.skipped = 0
        self._show_status()

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.model.text())
        count = len(self.model.records)
        self.status.setText(self.say(f"{count} lines copied.", f"{count} regels gekopieerd."))

    @Slot()
    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.context.paths.logs)))

    def _show_status(self) -> None:
        say = self.say
        if self.paused:
            self.status.setText(
                say(f"Paused: {self.skipped} records not shown.", f"Gepauzeerd: {self.skipped} records niet getoond.")
            )
        else:
            self.status.clear()
