"""Where Salto Desk keeps its files: the platformdirs folders, or one folder given with --data-dir.

One override folder holds everything (database, config, logs) so that a demo, a test or a second
installation on the same desk never touches the real data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

from salto_desk.errors import SaltoDeskError, Text

APP_NAME = "salto-desk"
DATABASE_FILE = "salto-desk.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    """The folders of one installation."""

    data: Path
    config: Path
    logs: Path

    @property
    def database(self) -> Path:
        """The default SQLite database file."""
        return self.data / DATABASE_FILE

    def ensure(self) -> AppPaths:
        """Create the folders; a folder that cannot be made is a clear error, not a traceback."""
        for folder in (self.data, self.config, self.logs):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise SaltoDeskError(
                    Text(
                        f"The folder {folder} cannot be created: {error.strerror or error}.",
                        f"De map {folder} kan niet worden aangemaakt: {error.strerror or error}.",
                    ),
                    Text(
                        "Choose a folder you may write to with --data-dir, or ask your administrator for access.",
                        "Kies met --data-dir een map waarin u mag schrijven, of vraag uw beheerder om toegang.",
                    ),
                ) from error
        return self


def app_paths(data_dir: Path | None = None) -> AppPaths:
    """The platform's folders, or ``data_dir`` with ``config`` and ``logs`` inside it."""
    if data_dir is not None:
        root = data_dir.expanduser().resolve()
        return AppPaths(data=root, config=root / "config", logs=root / "logs")
    dirs = PlatformDirs(APP_NAME, appauthor=False)
    return AppPaths(data=dirs.user_data_path, config=dirs.user_config_path, logs=dirs.user_log_path)
