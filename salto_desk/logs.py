"""Log files of the desk: rotating files in the log folder, with secrets and phone numbers masked.

Every record that reaches the log file passes ``MaskingFilter`` first: the secret values known to
``salto_desk.secrets`` (the PMS API key), anything written as ``api_key=...`` or ``x-api-key: ...``
and all but the last three digits of '+'-prefixed phone numbers are replaced before the record is
formatted, including the traceback text of exceptions. The SALTO protocol trace goes to the same
file at debug level when the installer switches it on.
"""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Callable, Iterable
from logging.handlers import RotatingFileHandler
from pathlib import Path

from salto_desk.errors import SaltoDeskError, Text
from salto_desk.paths import open_private, private_folder
from salto_desk.protocol.text import mask_phone_numbers
from salto_desk.secrets import known_secret_values

LOG_FILE = "salto-desk.log"
MAX_BYTES = 2_000_000
BACKUP_COUNT = 5
TRACE_LOGGER = "salto_desk.protocol.trace"
MASK = "********"
FORMAT = "%(asctime)s %(levelname)-7s [%(threadName)s] %(name)s: %(message)s"

# A value written after a name that says it is a key, token or password.
_NAMED_SECRET = re.compile(
    r"(?P<name>(?:x-)?api[-_ ]?key|token|password|passwd|secret)"
    r"(?P<sep>['\"]?\s*[:=]\s*['\"]?)"
    r"(?P<value>[^\s'\",;&]+)",
    re.IGNORECASE,
)
SecretSource = Callable[[], Iterable[str]]


def mask_secrets(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the given secret values, named secrets and full phone numbers masked."""
    for secret in sorted((value for value in secrets if value), key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _NAMED_SECRET.sub(lambda match: f"{match['name']}{match['sep']}{MASK}", text)
    return mask_phone_numbers(text.encode("utf-8", "surrogatepass")).decode("utf-8", "surrogatepass")


def mask_known_secrets(text: str) -> str:
    """``mask_secrets`` with the secret values this process has read from or stored in the keyring."""
    return mask_secrets(text, known_secret_values())


class MaskingFilter(logging.Filter):
    """Rewrites each record's message, traceback and stack text with secrets masked; drops nothing."""

    def __init__(self, secrets: SecretSource = known_secret_values) -> None:
        super().__init__()
        self._secrets = secrets
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = tuple(self._secrets())
        record.msg = mask_secrets(record.getMessage(), secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = mask_secrets(record.stack_info, secrets)
        return True


class DeskLogHandler(RotatingFileHandler):
    """The rotating log file of this installation; ``configure_logging`` installs exactly one.

    Its files are readable by their owner only. The window, its sync process and command-line commands
    may write the same file at once: when another process holds the file open during a rotation (which
    Windows refuses), this one keeps writing to the current file instead of reporting a logging error.
    """

    def _open(self) -> io.TextIOWrapper:
        return open_private(Path(self.baseFilename), append=True)

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:
            if self.stream is None or self.stream.closed:
                self.stream = self._open()


def configure_logging(log_dir: Path, *, level: int = logging.INFO, debug_protocol: bool = False) -> Path:
    """Send the application's log records to a rotating file in ``log_dir``; returns the file's path.

    Calling it again (another log folder, the trace switched on or off) replaces the earlier
    configuration. With ``debug_protocol`` every byte exchanged with SALTO is logged at debug level
    (phone numbers masked); otherwise the trace stays off, whatever ``level`` is.
    """
    try:
        private_folder(log_dir)
        log_file = log_dir / LOG_FILE
        handler = DeskLogHandler(log_file, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    except OSError as error:
        raise SaltoDeskError(
            Text(
                f"The log file in {log_dir} cannot be opened: {error.strerror or error}.",
                f"Het logbestand in {log_dir} kan niet worden geopend: {error.strerror or error}.",
            ),
            Text(
                "Choose a folder you may write to with --data-dir, or ask your administrator for access.",
                "Kies met --data-dir een map waarin u mag schrijven, of vraag uw beheerder om toegang.",
            ),
        ) from error
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(MaskingFilter())
    handler.setLevel(logging.DEBUG if debug_protocol else level)

    root = logging.getLogger()
    for previous in [each for each in root.handlers if isinstance(each, DeskLogHandler)]:
        root.removeHandler(previous)
        previous.close()
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger(TRACE_LOGGER).setLevel(logging.DEBUG if debug_protocol else max(level, logging.INFO))
    logging.captureWarnings(True)
    logging.getLogger(__name__).info(
        "Salto Desk logging to %s (level %s, protocol trace %s, Python %s)",
        log_file,
        logging.getLevelName(level),
        "on" if debug_protocol else "off",
        sys.version.split()[0],
    )
    return log_file


def log_tail(log_file: Path, lines: int = 200) -> str:
    """The last ``lines`` lines of the log file, secrets masked; '' when there is no file yet."""
    try:
        with log_file.open("rb") as stream:
            stream.seek(0, 2)
            size = stream.tell()
            start = max(0, size - lines * 400)
            stream.seek(start)
            data = stream.read()
    except OSError:
        return ""
    text = data.decode("utf-8", "replace").splitlines()
    tail = (text[1:] if start else text)[-lines:]  # from a seek into the file, the first line is cut
    return mask_known_secrets("\n".join(tail))
