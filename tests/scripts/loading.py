"""Scripts under scripts/ are files, not modules: the tests load them by path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def load_script(file_name: str) -> ModuleType:
    """``scripts/<file_name>`` as a module (registered, so dataclasses and pickling find it)."""
    name = f"{Path(file_name).stem}_script"
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / file_name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
