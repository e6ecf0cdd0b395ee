from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from platformdirs import PlatformDirs

from salto_desk.errors import SaltoDeskError
from salto_desk.paths import (
    APP_NAME,
    DATABASE_FILE,
    PRIVATE_FILE,
    PRIVATE_FOLDER,
    AppPaths,
    app_paths,
    open_private,
    private_file,
)


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


posix_only = pytest.mark.skipif(os.name != "posix", reason="on Windows the user's profile keeps the files private")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, as on many Linux desktops: privacy must not depend on it."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@posix_only
def test_the_folders_are_private_whatever_the_umask(tmp_path: Path, open_umask: None) -> None:
    paths = app_paths(tmp_path / "new").ensure()
    assert {_mode(paths.data), _mode(paths.config), _mode(paths.logs)} == {PRIVATE_FOLDER}


@posix_only
def test_folders_of_an_older_version_are_narrowed_but_a_chosen_existing_folder_is_left_as_it_is(
    tmp_path: Path, open_umask: None
) -> None:
    chosen = tmp_path / "chosen"
    (chosen / "logs").mkdir(parents=True, mode=0o755)
    chosen.chmod(0o755)
    paths = app_paths(chosen).ensure()
    assert _mode(paths.data) == 0o755  # somebody chose this folder: its permissions are theirs
    assert _mode(paths.logs) == PRIVATE_FOLDER and _mode(paths.config) == PRIVATE_FOLDER
    platform_like = AppPaths(tmp_path / "data", tmp_path / "config", tmp_path / "logs")
    for folder in (platform_like.data, platform_like.config, platform_like.logs):
        folder.mkdir(mode=0o755)
        folder.chmod(0o755)
    platform_like.ensure()
    assert {_mode(platform_like.data), _mode(platform_like.config), _mode(platform_like.logs)} == {PRIVATE_FOLDER}


@posix_only
def test_private_files_are_created_and_narrowed_for_the_owner_only(tmp_path: Path, open_umask: None) -> None:
    created, older = tmp_path / "new.sqlite3", tmp_path / "older.sqlite3"
    older.write_text("kept", encoding="utf-8")
    older.chmod(0o644)
    private_file(created)
    private_file(older)
    assert _mode(created) == _mode(older) == PRIVATE_FILE
    assert older.read_text(encoding="utf-8") == "kept"
    export = tmp_path / "export.json"
    export.write_text("old content", encoding="utf-8")
    export.chmod(0o644)
    with open_private(export) as stream:
        stream.write("new")
    assert export.read_text(encoding="utf-8") == "new" and _mode(export) == PRIVATE_FILE
    with open_private(export, append=True) as stream:
        stream.write(" and more")
    assert export.read_text(encoding="utf-8") == "new and more"
