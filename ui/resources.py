"""Where the desk's files that are not code live: icons, the stylesheet and the user guide.

They sit in the top-level ``resources/`` folder of the source tree; the installer build copies that
folder next to the programs (``build_installer.spec``), where PyInstaller's ``sys._MEIPASS`` points.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_folder() -> Path:
    """The ``resources/`` folder of this installation (the source tree, or the installer's bundle)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if isinstance(bundle, str):
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def resource(*parts: str) -> Path:
    """A file below ``resources/``; ``FileNotFoundError`` names it when the installation lacks it."""
    path = resources_folder().joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from this installation of Salto Desk")
    return path
