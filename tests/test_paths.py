from __future__ import annotations

from pathlib import Path

import pytest
from platformdirs import PlatformDirs

from salto_desk.errors import SaltoDeskError
from salto_desk.paths import APP_NAME, DATABASE_FILE, app_paths


def test_override_keeps_everything_in_one_folder(tmp_path: Path) -> None:
    paths = app_paths(tmp_path / "desk")
    assert paths.data == (tmp_path / "desk").resolve()
    assert paths.config == paths.data / "config"
    assert paths.logs == paths.data / "logs"
    assert paths.database == paths.data / DATABASE_FILE


def test_default_uses_the_platform_folders() -> None:
    dirs = PlatformDirs(APP_NAME, appauthor=False)
    paths = app_paths()
    assert (paths.data, paths.config, paths.logs) == (dirs.user_data_path, dirs.user_config_path, dirs.user_log_path)


def test_ensure_creates_the_folders(tmp_path: Path) -> None:
    paths = app_paths(tmp_path / "new").ensure()
    assert paths.data.is_dir() and paths.config.is_dir() and paths.logs.is_dir()


def test_a_folder_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(SaltoDeskError) as caught:
        app_paths(blocker).ensure()
    assert str(blocker.resolve()) in caught.value.message.en
    assert "kan niet worden aangemaakt" in caught.value.message.nl
    assert caught.value.action is not None and "--data-dir" in caught.value.action.en
