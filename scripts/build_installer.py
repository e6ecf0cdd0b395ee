"""Build the Salto Desk installer folder with PyInstaller and smoke-test the programs in it.

    python scripts/build_installer.py                 build dist/salto-desk-<version>/, then test it
    python scripts/build_installer.py --skip-build    test an existing build

Checks, each run from the bundle (not from the source tree):
  1. ``salto-desk-cli --version`` prints ``salto-desk <version>``;
  2. ``salto-desk-cli simulator --port 0`` starts the bundle's own simulator on a free loopback port,
     and ``salto-desk-cli salto ping --json`` gets an answer from it;
  3. ``salto-desk --demo --screenshots DIR`` (the windowed program, offscreen) writes PNG files (one
     folder per language and screen size) and exits, when the bundle's command line offers ``--demo``.
Prints what was checked, the build time and the bundle's size; exits 1 when a check failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build_installer.spec"
NAME = "salto-desk"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
LISTENING = re.compile(r"listening on (?P<endpoint>\S+)")
COMMAND_TIMEOUT = 60.0
SIMULATOR_START_TIMEOUT = 30.0
DEMO_TIMEOUT = 300.0


def package_version() -> str:
    """``salto_desk.__version__``, read from the source without importing the package."""
    text = (ROOT / "salto_desk" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    if found is None:
        raise SystemExit("salto_desk/__init__.py defines no __version__")
    return found[1]


@dataclass(frozen=True)
class Bundle:
    """How to start the two programs of a build: the console one and the windowed one."""

    cli: Sequence[str]
    gui: Sequence[str]

    @classmethod
    def in_folder(cls, folder: Path) -> Bundle:
        return cls(cli=[str(folder / f"{NAME}-cli{EXE_SUFFIX}")], gui=[str(folder / f"{NAME}{EXE_SUFFIX}")])


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool | None  # None: skipped
    detail: str

    def line(self) -> str:
        mark = {True: "ok  ", False: "FAIL", None: "skip"}[self.ok]
        return f"[{mark}] {self.name}: {self.detail}"


def _run(command: Sequence[str], timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL
    )


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return (result.stdout + result.stderr).strip()


def check_version(bundle: Bundle, version: str) -> Check:
    name = "--version"
    try:
        result = _run([*bundle.cli, "--version"], COMMAND_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Check(name, False, f"could not run: {error}")
    expected = f"{NAME} {version}"
    if result.returncode == 0 and result.stdout.strip() == expected:
        return Check(name, True, expected)
    return Check(name, False, f"expected {expected!r}, got exit {result.returncode}: {_output(result)!r}")


class _Lines:
    """The lines a running program writes, read on a thread so waiting for one is bounded in time."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None, "started with stdout=PIPE"
        threading.Thread(target=self._pump, args=(process.stdout,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str] | None:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                return None
            if line is None:
                return None
            self.seen.append(line)
            if found := pattern.search(line):
                return found
        return None


def check_ping(bundle: Bundle, start_timeout: float = SIMULATOR_START_TIMEOUT) -> Check:
    """Start the bundle's simulator on a free loopback port and ping it with the bundle's client."""
    name = "salto ping against the bundle's simulator"
    try:
        simulator = subprocess.Popen(
            [*bundle.cli, "simulator", "--host", "127.0.0.1", "--port", "0", "--card-delay", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
    except OSError as error:
        return Check(name, False, f"could not start the simulator: {error}")
    try:
        lines = _Lines(simulator)
        listening = lines.wait_for(LISTENING, start_timeout)
        if listening is None:
            return Check(
                name, False, f"the simulator did not report 'listening on' within {start_timeout:g} s: {lines.seen!r}"
            )
        endpoint = listening["endpoint"]
        try:
            result = _run([*bundle.cli, "salto", "ping", "--salto", endpoint, "--timeout", "10", "--json"], 30)
        except (OSError, subprocess.TimeoutExpired) as error:
            return Check(name, False, f"could not run the ping: {error}")
        try:
            reply = json.loads(result.stdout)
        except json.JSONDecodeError:
            reply = None
        if result.returncode == 0 and isinstance(reply, dict) and reply.get("ok") is True:
            return Check(name, True, f"SALTO simulator at {endpoint} answered: {result.stdout.strip()}")
        return Check(name, False, f"ping of {endpoint} gave exit {result.returncode}: {_output(result)!r}")
    finally:
        simulator.terminate()
        try:
            simulator.wait(10)
        except subprocess.TimeoutExpired:
            simulator.kill()
            simulator.wait(10)


def supports_demo(bundle: Bundle) -> bool:
    """Whether the bundle's command line offers ``--demo`` (the GUI's demo may not be built yet)."""
    try:
        result = _run([*bundle.cli, "--help"], COMMAND_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and "--demo" in result.stdout


def check_demo(bundle: Bundle, timeout: float = DEMO_TIMEOUT) -> Check:
    """The windowed program renders the demo's screenshots offscreen and exits."""
    name = "--demo --screenshots (offscreen)"
    if not supports_demo(bundle):
        return Check(name, None, "the bundle's command line has no --demo yet")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory(prefix="salto-desk-screenshots-") as folder:
        try:
            result = _run([*bundle.gui, "--demo", "--screenshots", folder], timeout, env)
        except (OSError, subprocess.TimeoutExpired) as error:
            return Check(name, False, f"did not finish: {error}")
        pictures = sorted(  # one folder per language and screen size: en-1366x768/reservations.png
            path.relative_to(folder).as_posix() for path in Path(folder).rglob("*.png") if path.stat().st_size > 0
        )
        if result.returncode == 0 and pictures:
            return Check(name, True, f"{len(pictures)} PNG files: {', '.join(pictures[:6])}...")
        return Check(name, False, f"exit {result.returncode}, PNG files {pictures}: {_output(result)[-2000:]!r}")


def smoke_test(bundle: Bundle, version: str) -> list[Check]:
    """Every check, in order; a failed check does not stop the later ones."""
    checks: list[Callable[[], Check]] = [
        lambda: check_version(bundle, version),
        lambda: check_ping(bundle),
        lambda: check_demo(bundle),
    ]
    results = []
    for check in checks:
        result = check()
        print(result.line(), flush=True)
        results.append(result)
    return results


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def build(dist: Path, work: Path) -> float:
    """Run PyInstaller on the spec; returns the seconds it took."""
    started = time.monotonic()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(dist), "--workpath", str(work)]
    subprocess.run([*command, str(SPEC)], cwd=ROOT, check=True)
    return time.monotonic() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Salto Desk installer folder and smoke-test it.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the built folder goes (default dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder (default build/)")
    parser.add_argument("--skip-build", action="store_true", help="only test an existing build")
    args = parser.parse_args(argv)

    version = package_version()
    folder = args.dist / f"{NAME}-{version}"
    if not args.skip_build:
        if importlib.util.find_spec("PyInstaller") is None:
            print('PyInstaller is not installed here: pip install -e ".[build]"', file=sys.stderr)
            return 1
        try:
            seconds = build(args.dist, args.work)
        except subprocess.CalledProcessError as error:
            print(f"PyInstaller failed with exit {error.returncode}; see its output above.", file=sys.stderr)
            return 1
        print(f"built {folder} in {seconds:.0f} s", flush=True)
    if not folder.is_dir():
        print(f"{folder} does not exist: build it first (run without --skip-build).", file=sys.stderr)
        return 1
    print(f"bundle size: {folder_size(folder) / 1e6:.0f} MB", flush=True)
    results = smoke_test(Bundle.in_folder(folder), version)
    failed = [result for result in results if result.ok is False]
    skipped = [result for result in results if result.ok is None]
    print(f"{len(results) - len(failed) - len(skipped)} passed, {len(failed)} failed, {len(skipped)} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
