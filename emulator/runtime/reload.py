"""Hot reload: code read from a host folder, fresh environments whenever a file changes.

Before each invocation of a hot-reload function the folder's fingerprint (every file's path,
size and modification time) is taken; when it differs from the one the warm environments were
started with, they are retired and the next invocation starts cold with the edited code.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

# Folders no handler imports from; skipping them keeps the walk cheap.
SKIPPED = frozenset({"__pycache__", ".git", ".hg", ".venv", "venv", "node_modules", ".mypy_cache",
                     ".pytest_cache", ".ruff_cache"})


# File times are coarse on some file systems: a file changed this recently is also hashed,
# so two edits within one tick that keep the size are still told apart.
RECENT_NS = 2_000_000_000


def fingerprint(folders: list[Path]) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    now = time.time_ns()
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED)
            for name in sorted(files):
                path = os.path.join(root, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
                if now - info.st_mtime_ns < RECENT_NS:
                    try:
                        digest.update(Path(path).read_bytes())
                    except OSError:
                        continue
    return digest.hexdigest()


__all__ = ["SKIPPED", "fingerprint"]
