"""scripts/make_app_icon.py: the Windows icon drawn from the SVG at every size, in one ICO file Qt reads back."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PySide6.QtGui import QImageReader
from PySide6.QtWidgets import QApplication

from salto_desk.exit_codes import ExitCode
from tests.scripts.loading import load_script

script = load_script("make_app_icon.py")


def images(path: Path) -> list[tuple[int, int]]:
    reader = QImageReader(str(path))
    found = []
    for number in range(reader.imageCount()):
        reader.jumpToImage(number)
        image = reader.read()
        assert not image.isNull()
        found.append((image.width(), image.height()))
    return found


def test_every_size_is_drawn_from_the_svg(qapp: QApplication, tmp_path: Path) -> None:
    written = script.make_icon(script.SOURCE, tmp_path / "desk.ico", (16, 32, 256))
    assert images(written) == [(16, 16), (32, 32), (256, 256)]
    data = written.read_bytes()
    assert struct.unpack("<HHH", data[:6]) == (0, 1, 3)
    assert data[6:8] == bytes([16, 16]) and data[6 + 2 * 16 : 8 + 2 * 16] == bytes([0, 0])  # 256 is written as 0


def test_the_icon_in_the_repository_is_made_from_the_drawing(qapp: QApplication) -> None:
    assert [width for width, _height in images(script.TARGET)] == list(script.SIZES)


@pytest.mark.qt_log_ignore("Cannot read file .*broken.svg")  # Qt says so too, before the script refuses it
def test_a_file_that_is_no_svg_is_refused(
    qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.svg"
    broken.write_text("not a drawing", encoding="utf-8")
    target = tmp_path / "out.ico"
    assert script.main(["--source", str(broken), "--output", str(target)]) == ExitCode.FAILURE
    assert "is not an SVG drawing Qt can read" in capsys.readouterr().err
    assert not target.exists()
