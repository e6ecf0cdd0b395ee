"""Where Salto Desk keeps its files: the platformdirs folders, or one folder given with --data-dir.

One override folder holds everything (database, config, logs) so that a demo, a test or a second
installation on the same desk never touches the real data.

The database holds guests' names and phone numbers, so on POSIX every folder and file Salto Desk
makes is readable by its owner only (folders 0700, files 0600), whatever the umask; on Windows they
live in the user's own profile, which other users cannot read.
"""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import PlatformDirs

from salto_desk.errors import SaltoDeskError, Text

APP_NAME = "salto-desk"
DATABASE_FILE = "salto-desk.sqlite3"
PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600
_POSIX = os.name == "posix"


def _cannot_create(folder: Path, error: OSError) -> SaltoDeskError:
    return SaltoDeskError(
        Text(
            f"The folder {folder} cannot be created: {error.strerror or error}.",
            f"De map {folder} kan niet worden aangemaakt: {error.strerror or error}.",
        ),
        Text(
            "Choose a folder you may write to with --data-dir, or ask your administrator for access.",
            "Kies met --data-dir een map waarin u mag schrijven, of vraag uw beheerder om toegang.",
        ),
    )


def file_error(path: Path, error: OSError, *, writing: bool) -> SaltoDeskError:
    """A file that cannot be read or written, said plainly (exit code 1: the work could not be done)."""
    verb = Text("written", "geschreven") if writing else Text("read", "gelezen")
    reason = error.strerror or str(error)
    return SaltoDeskError(
        Text(
            f"The file {path} cannot be {verb.en}: {reason}.",
            f"Het bestand {path} kan niet worden {verb.nl}: {reason}.",
        ),
        Text("Check the file name and folder.", "Controleer de bestandsnaam en de map."),
    )


def private_folder(folder: Path, *, tighten: bool = True) -> None:
    """Create ``folder`` (and its parents) readable by the owner only; ``tighten`` also narrows the
    permissions of a folder that already exists (not wanted for a folder someone else chose)."""
    existed = folder.is_dir()
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    if _POSIX and (tighten or not existed) and stat.S_IMODE(folder.stat().st_mode) != PRIVATE_FOLDER:
        folder.chmod(PRIVATE_FOLDER)


def private_file(path: Path) -> None:
    """Make ``path`` exist and be readable by the owner only (a file another program then opens)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
    os.close(descriptor)
    if _POSIX and stat.S_IMODE(path.stat().st_mode) != PRIVATE_FILE:
        path.chmod(PRIVATE_FILE)


def open_private(path: Path, *, append: bool = False, newline: str | None = None) -> io.TextIOWrapper:
    """Open a UTF-8 text file for writing that only its owner may read (exports, logs), whatever the umask."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    descriptor = os.open(path, flags, PRIVATE_FILE)
    try:
        if _POSIX:
            os.fchmod(descriptor, PRIVATE_FILE)
        return open(descriptor, "a" if append else "w", encoding="utf-8", newline=newline)
    except BaseException:
        os.close(descriptor)
        raise


@dataclass(frozen=True)
class AppPaths:
    """The folders of one installation."""

    data: Path
    config: Path
    logs: Path
    chosen: bool = field(default=False, compare=False)
    """The data folder was named with --data-dir: created private, but an existing one keeps its permissions."""

    @property
    def database(self) -> Path:
        """The default SQLite database file."""
        return self.data / DATABASE_FILE

    def ensure(self) -> AppPaths:
        """Create the folders, private to this user; a folder that cannot be made is a clear error."""
        for folder in (self.data, self.config, self.logs):
            try:
                private_folder(folder, tighten=not (self.chosen and folder == self.data))
            except OSError as error:
                raise _cannot_create(folder, error) from error
        return self


def app_paths(data_dir: Path | None = None) -> AppPaths:
    """The platform's folders, or ``data_dir`` with ``config`` and ``logs`` inside it."""
    if data_dir is not None:
        root = data_dir.expanduser().resolve()
        return AppPaths(data=root, config=root / "config", logs=root / "logs", chosen=True)
    dirs = PlatformDirs(APP_NAME, appauthor=False)
    return AppPaths(data=dirs.user_data_path, config=dirs.user_config_path, logs=dirs.user_log_path)
