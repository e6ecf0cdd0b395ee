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


WINDOW = Path(__file__).resolve().parents[1] / "ui"
SESSION_ATTRIBUTES = ("unit_of_work", "engine")
"""A window module that reads these opens a session or a connection of its own."""


def database_access(path: Path) -> list[str]:
    """Where a module opens a database session or builds a repository instead of calling the application layer."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in SESSION_ATTRIBUTES:
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name.endswith("Repository") or alias.name in ("Session", "sessionmaker"):
                    found.append(f"{path.name}:{node.lineno} {alias.name}")
    return found


def test_the_window_reaches_the_database_only_through_the_application_layer() -> None:
    sources = sorted(WINDOW.rglob("*.py"))
    assert sources, "the window package has no sources"
    offenders = [hit for source in sources for hit in database_access(source)]
    assert offenders == []


def test_the_database_check_itself_sees_a_session_and_a_repository(tmp_path: Path) -> None:
    sample = tmp_path / "page.py"
    sample.write_text(
        "from salto_desk.storage import ConfigRepository\n"
        "def load(context):\n"
        "    with context.database.unit_of_work() as session:\n"
        "        return ConfigRepository(session).administrations()\n",
        encoding="utf-8",
    )
    assert database_access(sample) == ["page.py:1 ConfigRepository", "page.py:3 .unit_of_work"]


def imported_modules(path: Path, package_root: Path) -> set[str]:
    """The project modules ``path`` imports: ``from pkg import module`` counts as the module, not the package."""
    known = {_module_name(each, package_root) for each in package_root.rglob("*.py")}
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module in known:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & known
            found |= submodules or {node.module}
    return found - {_module_name(path, package_root)}


def _module_name(path: Path, package_root: Path) -> str:
    parts = path.relative_to(package_root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def dependency_graph(package_root: Path, depth: int) -> dict[str, set[str]]:
    """Which units import which, a unit being a module name cut to ``depth`` parts (2: the core's packages)."""
    graph: dict[str, set[str]] = {}
    for source in package_root.rglob("*.py"):
        unit = ".".join(_module_name(source, package_root).split(".")[:depth])
        targets = {".".join(target.split(".")[:depth]) for target in imported_modules(source, package_root)}
        graph.setdefault(unit, set()).update(targets - {unit})
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of units that import each other, directly or through others (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(unit: str) -> None:
        index[unit] = low[unit] = len(index)
        stack.append(unit)
        for target in sorted(graph.get(unit, ())):
            if target not in index:
                visit(target)
                low[unit] = min(low[unit], low[target])
            elif target in stack:
                low[unit] = min(low[unit], index[target])
        if low[unit] == index[unit]:
            group = [stack.pop()]
            while group[-1] != unit:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for unit in sorted(graph):
        if unit not in index:
            visit(unit)
    return found


def test_the_core_has_no_import_cycles_between_packages_or_modules() -> None:
    packages = dependency_graph(CORE, 2)
    assert "salto_desk.storage" in packages["salto_desk.operations"]  # the graph sees real imports
    assert cycles(packages) == []
    assert cycles(dependency_graph(CORE, 99)) == []


def test_the_cycle_check_itself_sees_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
