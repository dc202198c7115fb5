"""Temporary files and folders named after the process that made them, and the sweep that
removes those of servers that died without cleaning up (``kill -9``, a crash, a lost machine).

A server removes its own on a clean stop; one that could not is cleaned on the next start of
any server on the machine. Only entries whose owner process is gone are touched, so servers
running side by side (other users, parallel test runs) keep theirs.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "emulator-"
# emulator-<kind>-<pid>-<random>: kind is lowercase letters and dashes.
_OWNED = re.compile(r"^emulator-[a-z-]+?-(?P<pid>\d+)-")


def folder(kind: str) -> Path:
    """A new temporary folder for ``kind`` (``lambda``, ``s3`` ...) owned by this process."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))


def file(kind: str) -> tuple[int, str]:
    """A new temporary file, as ``tempfile.mkstemp`` returns it, owned by this process."""
    return tempfile.mkstemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's, and running
        return True
    return True


def sweep(where: Path | None = None) -> list[Path]:
    """Remove the entries in ``where`` (the temporary directory) left by processes that are
    gone; returns what was removed."""
    root = Path(where or tempfile.gettempdir())
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for entry in root.iterdir():
            found = _OWNED.match(entry.name)
            if found is None or _alive(int(found["pid"])):
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed.append(entry)
    return removed


__all__ = ["file", "folder", "sweep"]
