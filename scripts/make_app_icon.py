"""Make the Windows icon file of Salto Desk from its SVG drawing.

    python scripts/make_app_icon.py        writes resources/icons/salto-desk.ico

The installer build (``build_installer.spec``) gives the programs that icon. Qt draws the SVG at each size
Windows asks for (16 to 256 px), so small sizes are drawn sharp instead of shrunk from a large picture; Qt's
own ICO writer keeps one size per file, so the file is put together here: an ICONDIR header, one entry per
size, and each size as a PNG (the form Windows has read since Vista). Run it again after changing the SVG
and commit both files.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from salto_desk.exit_codes import ExitCode

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "salto-desk.svg"
TARGET = SOURCE.with_suffix(".ico")
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
ICONDIR = struct.Struct("<HHH")  # reserved 0, type 1 (icon), number of images
ICONDIRENTRY = struct.Struct("<BBBBHHII")  # width, height (0 = 256), colours, reserved, planes, bits, size, offset


def render(renderer: QSvgRenderer, size: int) -> bytes:
    """The drawing at ``size`` x ``size`` pixels, as PNG bytes with an alpha channel."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"Qt could not encode the {size} px image as PNG")
    return data.data()


def ico_file(images: Sequence[tuple[int, bytes]]) -> bytes:
    """An ICO file holding ``(size, png)`` images, smallest first."""
    offset = ICONDIR.size + ICONDIRENTRY.size * len(images)
    entries, payload = [], []
    for size, png in images:
        side = 0 if size >= 256 else size
        entries.append(ICONDIRENTRY.pack(side, side, 0, 0, 1, 32, len(png), offset))
        payload.append(png)
        offset += len(png)
    return ICONDIR.pack(0, 1, len(images)) + b"".join(entries) + b"".join(payload)


def make_icon(source: Path, target: Path, sizes: Sequence[int] = SIZES) -> Path:
    """Draw ``source`` at each of ``sizes`` and write them to ``target`` as one ICO file."""
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise ValueError(f"{source} is not an SVG drawing Qt can read")
    target.write_bytes(ico_file([(size, render(renderer, size)) for size in sorted(sizes)]))
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="the SVG drawing (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=TARGET, help="the ICO file to write (default: %(default)s)")
    args = parser.parse_args(argv)
    if QGuiApplication.instance() is None:
        QGuiApplication(sys.argv[:1])  # Qt draws only within an application
    try:
        written = make_icon(args.source, args.output)
    except (OSError, ValueError, RuntimeError) as error:
        print(f"make_app_icon: {error}", file=sys.stderr)
        return ExitCode.FAILURE
    print(f"wrote {written} ({', '.join(str(size) for size in SIZES)} px)")
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
