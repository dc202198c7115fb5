"""Which Lambda runtimes run here, and on which interpreter.

``python3.X`` runs on an installed ``python3.X`` when one answers (on ``PATH``, or in pyenv's
or uv's folders), else on the emulator's own Python. ``nodejsNN.x`` runs on the machine's
``node`` (whatever its version) through the runtime client in ``runtime/nodejs/``.
``provided``, ``provided.al2`` and ``provided.al2023`` run the function's ``bootstrap``.
Lookups that start a process are made once and remembered; the health route uses only the
cheap ones (files on disk), so it never waits for a process.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Family = Literal["python", "nodejs", "provided"]

PYTHON = re.compile(r"^python3\.(\d+)$")
NODEJS = re.compile(r"^nodejs(\d+)\.x$")
PROVIDED = re.compile(r"^provided(\.al2|\.al2023)?$")
# The runtimes AWS offers today in each family, for the health route's list.
PYTHON_VERSIONS = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
NODEJS_VERSIONS = ("18", "20", "22", "24")
PROVIDED_RUNTIMES = ("provided", "provided.al2", "provided.al2023")
NODE_CLIENT = Path(__file__).with_name("nodejs") / "index.mjs"

_lock = threading.Lock()
_pythons: dict[str, str | None] = {}
_node: tuple[str, str] | Literal[False] | None = False  # False: not looked up yet


def family(runtime: str | None) -> Family | None:
    """The family a runtime identifier belongs to, or None when it does not run here."""
    if not runtime:
        return None
    if PYTHON.match(runtime):
        return "python"
    if NODEJS.match(runtime):
        return "nodejs"
    if PROVIDED.match(runtime):
        return "provided"
    return None


def _python_candidates(version: str) -> list[str]:
    """Where an installed ``python3.X`` may be, best first; pyenv's shims are skipped (they
    answer for the selected version only)."""
    name = f"python{version}"
    found = []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if not folder or "shims" in Path(folder).parts:
            continue
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK):
            found.append(candidate)
    roots = [os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")]
    for root in roots:
        found.extend(sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin",
                                                   name)), reverse=True))
    uv = os.environ.get("UV_PYTHON_INSTALL_DIR") or os.path.expanduser("~/.local/share/uv/python")
    found.extend(sorted(glob.glob(os.path.join(uv, f"cpython-{version}.*", "bin", name)),
                        reverse=True))
    return found


def python_for(runtime: str) -> str | None:
    """An installed interpreter of the runtime's version that runs, or None."""
    version = runtime.removeprefix("python")
    if version == f"{sys.version_info.major}.{sys.version_info.minor}":
        return sys.executable
    with _lock:
        if version in _pythons:
            return _pythons[version]
    found = None
    for candidate in _python_candidates(version):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True, text=True, timeout=10, check=False)
            if done.returncode == 0 and done.stdout.strip() == version:
                found = candidate
                break
    with _lock:
        _pythons[version] = found
    return found


def node() -> tuple[str, str] | None:
    """The machine's ``node`` and its version (``v20.11.1``), or None without one."""
    global _node
    with _lock:
        if _node is not False:
            return _node
    found: tuple[str, str] | None = None
    path = shutil.which("node")
    if path is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run([path, "--version"], capture_output=True, text=True,
                                  timeout=10, check=False)
            if done.returncode == 0:
                found = (path, done.stdout.strip())
    with _lock:
        _node = found
    return found


def node_major(version: str) -> int:
    match = re.match(r"v?(\d+)", version)
    return int(match.group(1)) if match else 0


def forget() -> None:
    """Look interpreters up again next time (a test installs or hides one)."""
    global _node, _available
    with _lock:
        _pythons.clear()
        _node = False
        _available = None


@dataclass(frozen=True)
class Availability:
    runtime: str
    runs_on: str  # what runs it, for people


_AVAILABLE_SECONDS = 10.0
_available: tuple[float, list[Availability]] | None = None


def available() -> list[Availability]:
    """Every runtime that can run here and what runs it, from files on disk only (looked at
    again after ten seconds)."""
    global _available
    now = time.monotonic()
    if _available is not None and now - _available[0] < _AVAILABLE_SECONDS:
        return _available[1]
    listed = _look()
    _available = (now, listed)
    return listed


def _look() -> list[Availability]:
    emulator_python = f"Python {sys.version.split()[0]} (the emulator's)"
    listed = []
    for version in PYTHON_VERSIONS:
        runtime = f"python{version}"
        own = version == f"{sys.version_info.major}.{sys.version_info.minor}"
        installed = None if own else next(iter(_python_candidates(version)), None)
        listed.append(Availability(runtime, installed or emulator_python))
    node_path = shutil.which("node")
    if node_path is not None:
        known = _node if _node else None
        shown = f"{node_path} ({known[1]})" if known else node_path
        listed.extend(Availability(f"nodejs{major}.x", shown) for major in NODEJS_VERSIONS)
    listed.extend(Availability(runtime, "the function's bootstrap")
                  for runtime in PROVIDED_RUNTIMES)
    return listed


__all__ = [
    "NODEJS",
    "NODE_CLIENT",
    "PROVIDED",
    "PYTHON",
    "Availability",
    "Family",
    "available",
    "family",
    "forget",
    "node",
    "node_major",
    "python_for",
]
