"""The desk's looks: every icon draws, the stylesheet reads and colours what it names, chips carry their words,
text keeps its contrast, and no colour is left in the window's code outside the one palette."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QImageReader, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.desk import DeskFactory, make_desk
from ui.main_window import MainWindow
from ui.resources import resources_folder
from ui.style import (
    ROW_PADDING,
    Chip,
    Icon,
    StyleError,
    Tone,
    apply_style,
    cell_colours,
    chip_colours,
    icon,
    mark_invalid,
    parse_stylesheet,
    set_chip,
    set_tone,
    stylesheet,
)

__all__ = ["make_desk"]

UI = Path(__file__).resolve().parents[2] / "ui"
PALETTE_MODULE = UI / "style.py"
MINIMUM_CONTRAST = 4.5
LIGHT_BACKGROUND = "#ffffff"


@pytest.fixture
def no_resources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """An installation whose resources folder is missing (as a broken bundle would be)."""
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    stylesheet.cache_clear()
    icon.cache_clear()
    yield
    stylesheet.cache_clear()
    icon.cache_clear()


def palette() -> dict[str, str]:
    sheet = stylesheet()
    assert sheet is not None
    return sheet.palette


def contrast(first: str, second: str) -> float:
    """The WCAG 2 contrast ratio of two colours."""

    def luminance(colour: str) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        qcolor = QColor(colour)
        red, green, blue = (channel(part) for part in (qcolor.redF(), qcolor.greenF(), qcolor.blueF()))
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --- icons ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(Icon))
def test_every_icon_the_code_names_exists_and_draws(qapp: QApplication, name: Icon) -> None:
    assert (resources_folder() / "icons" / f"{name.value}.svg").is_file()
    picture = icon(name)
    assert not picture.isNull()
    image = picture.pixmap(24, 24).toImage()
    assert not image.isNull() and image.width() == 24
    drawn = [image.pixelColor(x, y).alpha() for x in range(24) for y in range(24)]
    assert max(drawn) == 255 and drawn.count(0) > 24  # strokes on a transparent ground, not an empty square


def test_every_icon_file_is_named_in_the_code_and_credited() -> None:
    files = {path.stem for path in (resources_folder() / "icons").glob("*.svg")}
    assert files == {name.value for name in Icon}
    index = (resources_folder() / "README.md").read_text(encoding="utf-8")
    assert all(f"`icons/{name}.svg`" in index for name in files)
    assert "ISC" in (resources_folder() / "icons" / "LICENSE").read_text(encoding="utf-8")


def test_the_windows_icon_holds_every_size_from_16_to_256(qapp: QApplication) -> None:
    reader = QImageReader(str(resources_folder() / "icons" / "salto-desk.ico"))
    sizes = []
    for number in range(reader.imageCount()):
        reader.jumpToImage(number)
        image = reader.read()
        assert not image.isNull()
        sizes.append(image.width())
    assert sizes[0] == 16 and sizes[-1] == 256 and {24, 32, 48} <= set(sizes)


def test_a_missing_icon_is_logged_and_the_desk_goes_on_without_it(
    qapp: QApplication, no_resources: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ui.style"):
        assert icon(Icon.PRINT).isNull()
    assert "print.svg is missing from this installation" in caplog.text


# --- the stylesheet ------------------------------------------------------------------------------------


def test_the_stylesheet_reads_and_every_colour_it_uses_is_in_its_palette() -> None:
    sheet = stylesheet()
    assert sheet is not None
    assert "@" not in sheet.text  # every name replaced by its colour
    assert re.search(r"color: #b00020;", sheet.text)


def test_a_colour_name_the_palette_lacks_is_refused_with_its_name() -> None:
    with pytest.raises(StyleError, match="does not define: warning"):
        parse_stylesheet("/*\n@error: #b00020;\n*/\nQLabel { color: @warning; }")


def test_without_the_stylesheet_the_desk_starts_in_the_plain_look(
    qapp: QApplication, no_resources: None, caplog: pytest.LogCaptureFixture
) -> None:
    previous = qapp.styleSheet()
    with caplog.at_level(logging.WARNING, logger="ui.style"):
        assert apply_style(qapp) is False
        assert chip_colours(Chip.ISSUED) == {}
    assert qapp.styleSheet() == previous
    assert "desk.qss is missing from this installation" in caplog.text


def test_the_window_under_the_stylesheet_shows_without_a_qt_warning(
    qapp: QApplication, qtbot: QtBot, make_desk: DeskFactory
) -> None:
    """pytest-qt fails the test on any Qt warning: a rule Qt cannot parse or apply would show here."""
    assert apply_style(qapp)
    window = MainWindow(make_desk().context)
    qtbot.addWidget(window)
    window.show()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        assert not window.grab().isNull()


def test_tones_chips_and_refused_fields_take_the_palettes_colours(qapp: QApplication, qtbot: QtBot) -> None:
    assert apply_style(qapp)
    colours = palette()
    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    message, chip, field = QLabel("A name is needed."), QLabel("Issued"), QLineEdit()
    for widget in (message, chip, field):
        layout.addWidget(widget)
    box.show()
    qtbot.waitExposed(box)
    plain_width = chip.sizeHint().width()
    set_tone(message, Tone.ERROR)
    set_chip(chip, Chip.ISSUED)  # after it showed as a plain label: it takes the chip's padding all the same
    mark_invalid(field, True)
    assert chip.contentsMargins().left() > 0 and chip.sizeHint().width() > plain_width
    assert message.palette().color(QPalette.ColorRole.WindowText).name() == colours["error"]
    image = chip.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() - 2).name() == colours["chip-issued-background"]
    set_tone(message, Tone.OK)
    assert message.palette().color(QPalette.ColorRole.WindowText).name() == colours["ok"]
    outline = field.grab().toImage().pixelColor(field.width() // 2, 0).name()
    assert outline == colours["error"]
    mark_invalid(field, False)
    assert field.grab().toImage().pixelColor(field.width() // 2, 0).name() != colours["error"]


# --- the palette ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("chip", list(Chip))
def test_every_chip_has_readable_colours(qapp: QApplication, chip: Chip) -> None:
    colours = palette()
    background, text = colours[f"chip-{chip.value}-background"], colours[f"chip-{chip.value}-text"]
    assert contrast(background, text) >= MINIMUM_CONTRAST
    roles = chip_colours(chip)
    brushes = roles[Qt.ItemDataRole.BackgroundRole], roles[Qt.ItemDataRole.ForegroundRole]
    assert all(isinstance(brush, QBrush) for brush in brushes)
    assert [brush.color().name() for brush in brushes if isinstance(brush, QBrush)] == [background, text]


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("row-needs-reencode-background", "row-needs-reencode-text"),
        ("banner-background", "banner-text"),
        (LIGHT_BACKGROUND, "error"),
        (LIGHT_BACKGROUND, "ok"),
        (LIGHT_BACKGROUND, "caution"),
    ],
)
def test_text_keeps_its_contrast_on_its_background(background: str, text: str) -> None:
    colours = {**palette(), LIGHT_BACKGROUND: LIGHT_BACKGROUND}
    assert contrast(colours[background], colours[text]) >= MINIMUM_CONTRAST


def test_a_palette_name_the_stylesheet_lacks_gives_plain_cells(qapp: QApplication) -> None:
    assert cell_colours("chip-nothing-background", "chip-nothing-text") == {}


# --- no colour in the code -----------------------------------------------------------------------------

COLOUR_IN_CODE = re.compile(
    r"QColor\(|QBrush\(|GlobalColor|QPalette\(|setPalette\(|#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|rgba?\("
    r"|setStyleSheet\([^)]*(color|background|border|#)",
    re.IGNORECASE,
)


def test_no_colour_is_left_in_the_windows_code_outside_the_palette_module() -> None:
    found = [
        f"{path.relative_to(UI.parent)}:{number}: {line.strip()}"
        for path in sorted(UI.rglob("*.py"))
        if path != PALETTE_MODULE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if COLOUR_IN_CODE.search(line)
    ]
    assert found == []


def test_the_scan_finds_a_colour_where_there_is_one() -> None:
    for line in ('label.setStyleSheet("color: red;")', "ERROR = QColor(176, 0, 32)", 'STYLE = "border: #b00020"'):
        assert COLOUR_IN_CODE.search(line), line
    assert not COLOUR_IN_CODE.search("self.setStyleSheet(sheet.text)")


def test_every_list_has_the_same_row_height(qtbot: QtBot, make_desk: DeskFactory) -> None:
    window = MainWindow(make_desk().context)
    qtbot.addWidget(window)
    lists = [window.reservations.table, window.owners.table, window.reservations.key_panel.history_table]
    heights = {table.verticalHeader().defaultSectionSize() for table in lists}
    assert heights == {lists[0].fontMetrics().height() + ROW_PADDING}  # the owners' rows were taller
    assert not any(table.verticalHeader().isVisibleTo(table) for table in lists)
