"""The About dialog: versions of everything the desk runs on, and how it talks to SALTO.

``component_versions`` is shared with the crash report, so support sees the same list either way.
"""

from __future__ import annotations

import platform

import PySide6
import serial
import sqlalchemy
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from salto_desk import __version__
from salto_desk.errors import SaltoDeskError, Text
from salto_desk.keys.model import Administration
from salto_desk.logs import LOG_FILE as LOG_FILE_NAME
from salto_desk.protocol.transport import SerialEndpoint, parse_endpoint
from ui.context import DeskContext
from ui.models.rows import fill_table
from ui.wording import TRAILING_FIELD_WORDS

TITLE = Text("About Salto Desk", "Over Salto Desk")
TAGLINE = Text(
    "Front-desk key cards and mobile keys for BEX PMS and SALTO ProAccess Space.",
    "Sleutelkaarten en mobiele sleutels aan de balie voor BEX PMS en SALTO ProAccess Space.",
)
VERSIONS = Text("Versions", "Versies")
PROTOCOL = Text("SALTO protocol", "SALTO-protocol")
PROTOCOL_SUMMARY = Text(
    "PMS Industry Standard over TCP/IP and RS-232: frames STX ... ETX with an LRC checksum, ENQ/ACK readiness "
    "check, ACK/NAK per frame with up to 3 attempts, one request at a time per SALTO server. Text is sent as "
    "single bytes, never UTF-8.",
    "PMS Industry Standard via TCP/IP en RS-232: frames STX ... ETX met een LRC-controlegetal, ENQ/ACK-"
    "gereedheidscontrole, ACK/NAK per frame met hoogstens 3 pogingen, één verzoek tegelijk per SALTO-server. "
    "Tekst gaat als losse bytes, nooit als UTF-8.",
)
COMMAND = Text("Command", "Opdracht")
USE = Text("Used for", "Gebruikt voor")
SITES = Text("Administrations", "Administraties")
NO_SITES = Text("No administration is set up yet.", "Er is nog geen administratie ingesteld.")
LOADING = Text("Reading the administrations...", "De administraties worden gelezen...")
NOT_LOADED = Text(
    "The administrations could not be read: {reason}", "De administraties konden niet worden gelezen: {reason}"
)
LOG_FILE = Text("Log file", "Logbestand")
SERIAL = Text("serial", "serieel")
NO_LRC = Text("0x0D (no LRC)", "0x0D (geen LRC)")
REPLIES_ACKNOWLEDGED = Text("replies acknowledged", "antwoorden met ACK bevestigd")
REPLIES_NOT_ACKNOWLEDGED = Text("replies not acknowledged", "antwoorden niet bevestigd")
REPLY_WITHIN = Text("reply within {seconds} s", "antwoord binnen {seconds} s")
LICENSE_PLATE = Text("license plate on text line {line}", "kenteken op tekstregel {line}")

# The SALTO requests the desk sends (salto_desk.operations and the connection test).
COMMANDS: tuple[tuple[str, Text], ...] = (
    ("ENQ", Text("readiness check (Test, status bar)", "gereedheidscontrole (Testen, statusbalk)")),
    (
        "CN",
        Text("new guest card: starts a stay, older cards stop", "nieuwe gastkaart: nieuw verblijf, oude vervallen"),
    ),
    ("CC", Text("copy of a guest card", "kopie van een gastkaart")),
    (
        "CNM",
        Text("JustIN Mobile key to a phone: starts a stay", "JustIN Mobile-sleutel naar telefoon: nieuw verblijf"),
    ),
    ("CCM", Text("JustIN Mobile key for another phone", "JustIN Mobile-sleutel voor nog een telefoon")),
    (
        "CO",
        Text("check-out: voids every guest card of a room", "uitchecken: alle gastkaarten van een kamer vervallen"),
    ),
    ("LT", Text("read the card on an encoder", "de kaart op een encoder lezen")),
)


def component_versions() -> list[tuple[str, str]]:
    """(component, version) of the application and what it runs on."""
    return [
        ("Salto Desk", __version__),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("SQLAlchemy", sqlalchemy.__version__),
        ("pyserial", serial.__version__),
        (platform.system() or "OS", platform.release() or platform.platform()),
    ]


def administration_features(administration: Administration, language: str = "en") -> str:
    """One line saying how the desk talks to this administration's SALTO server."""
    endpoint = parse_endpoint(administration.salto_endpoint)
    if isinstance(endpoint, SerialEndpoint):
        link = (
            f"{SERIAL(language)} {endpoint} {administration.serial_baudrate} "
            f"{administration.serial_bytesize}{administration.serial_parity}{administration.serial_stopbits:g}"
        )
    else:
        link = f"TCP {endpoint}"
    parts = [
        link,
        f"SALTO {administration.salto_version}",
        administration.text_encoding.upper(),
        TRAILING_FIELD_WORDS[administration.trailing_fields](language),
        "LRC" if administration.send_lrc else NO_LRC(language),
        (REPLIES_ACKNOWLEDGED if administration.acknowledge_replies else REPLIES_NOT_ACKNOWLEDGED)(language),
        REPLY_WITHIN(language).format(seconds=administration.reply_timeout),
    ]
    if administration.carries_license_plate:
        parts.append(LICENSE_PLATE(language).format(line=administration.license_plate_line))
    return f"{administration.name}: " + ", ".join(parts)


class AboutDialog(QDialog):
    """Versions, the SALTO requests in use and each administration's wire settings.

    The administrations are read through the application layer; the dialog shows them when they arrive.
    """

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        language = self._language = context.language
        self.setWindowTitle(TITLE(language))
        layout = QVBoxLayout(self)

        heading = QLabel(f"<b>Salto Desk {__version__}</b><br>{TAGLINE(language)}")
        heading.setWordWrap(True)
        layout.addWidget(heading)

        versions = QGroupBox(VERSIONS(language))
        form = QFormLayout(versions)
        self.versions = component_versions()
        for name, version in self.versions:
            value = QLabel(version)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(name, value)
        layout.addWidget(versions)

        protocol = QGroupBox(PROTOCOL(language))
        protocol_layout = QVBoxLayout(protocol)
        summary = QLabel(PROTOCOL_SUMMARY(language))
        summary.setWordWrap(True)
        protocol_layout.addWidget(summary)
        self.commands = QTableWidget(len(COMMANDS), 2)
        self.commands.setHorizontalHeaderLabels([COMMAND(language), USE(language)])
        self.commands.setAccessibleName(PROTOCOL(language))
        self.commands.verticalHeader().setVisible(False)
        self.commands.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        fill_table(self.commands, [(code, use(language)) for code, use in COMMANDS])
        self.commands.resizeColumnsToContents()
        self.commands.horizontalHeader().setStretchLastSection(True)
        protocol_layout.addWidget(self.commands)
        protocol_layout.addWidget(QLabel(f"<b>{SITES(language)}</b>"))
        self.sites = QLabel(LOADING(language))
        self.sites.setWordWrap(True)
        self.sites.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sites.setAccessibleName(SITES(language))
        protocol_layout.addWidget(self.sites)
        layout.addWidget(protocol)

        log_label = QLabel(f"{LOG_FILE(language)}: {context.paths.logs / LOG_FILE_NAME}")
        log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        log_label.setWordWrap(True)
        layout.addWidget(log_label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 560)

        context.calls.run(self, context.services.front_desk.administrations, self._loaded, self._not_loaded)

    def _loaded(self, administrations: list[Administration]) -> None:
        lines = [administration_features(each, self._language) for each in administrations]
        self.sites.setText("\n".join(lines) or NO_SITES(self._language))

    def _not_loaded(self, error: Exception) -> None:
        reason = error.user_message(self._language) if isinstance(error, SaltoDeskError) else str(error)
        self.sites.setText(NOT_LOADED(self._language).format(reason=reason))
