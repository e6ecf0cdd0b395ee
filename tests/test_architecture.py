"""The core must stay free of Qt so that the CLI, the simulator and the tests run without a GUI."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "salto_desk"
QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "shiboken2")


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [f"{path.name}:{node.lineno} {name}" for name in names if name.split(".")[0] in QT_MODULES]
    return found


def test_core_never_imports_qt() -> None:
    sources = sorted(CORE.rglob("*.py"))
    assert sources, "the core package has no sources"
    offenders = [hit for source in sources for hit in qt_imports(source)]
    assert offenders == []


def test_the_check_itself_sees_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport os\n", encoding="utf-8")
    assert qt_imports(sample) == ["sample.py:1 PySide6.QtCore"]
