from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ui.resources import resource, resources_folder


def test_the_resources_are_the_source_trees_top_level_folder() -> None:
    assert resources_folder() == Path(__file__).resolve().parents[2] / "resources"
    assert resource("README.md").is_file()


def test_a_bundle_finds_them_next_to_its_programs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_folder() == tmp_path / "resources"


def test_a_missing_file_is_named() -> None:
    with pytest.raises(FileNotFoundError, match=r"nothing\.svg is missing from this installation"):
        resource("icons", "nothing.svg")
