"""Temporary entries carry their owner's process id; the sweep removes those whose owner is
gone and nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from emulator import leftovers


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_sweep_removes_only_what_dead_processes_left(tmp_path: Path) -> None:
    gone, alive = dead_pid(), os.getpid()
    dead_folder = tmp_path / f"emulator-lambda-{gone}-abc123"
    (dead_folder / "code").mkdir(parents=True)
    (dead_folder / "code" / "app.py").write_text("x")
    dead_file = tmp_path / f"emulator-clock-{gone}-xyz"
    dead_file.write_bytes(b"\0" * 8)
    dead_sdk = tmp_path / f"emulator-lambda-sdk-{gone}-q1"
    dead_sdk.mkdir()
    kept = [tmp_path / f"emulator-s3-{alive}-def456",  # a running server's
            tmp_path / "emulator-lambda-k2j4h5g6",  # no owner recorded: never guessed at
            tmp_path / f"other-{gone}-abc"]  # not ours
    for path in kept:
        path.mkdir()
    removed = leftovers.sweep(tmp_path)
    assert sorted(removed) == sorted([dead_folder, dead_file, dead_sdk])
    assert sorted(tmp_path.iterdir()) == sorted(kept)


def test_folders_and_files_are_named_after_their_owner() -> None:
    folder = leftovers.folder("s3")
    handle, name = leftovers.file("clock")
    try:
        assert folder.name.startswith(f"emulator-s3-{os.getpid()}-")
        assert Path(name).name.startswith(f"emulator-clock-{os.getpid()}-")
        assert leftovers.sweep(folder.parent).count(folder) == 0
        assert folder.exists()
    finally:
        os.close(handle)
        os.unlink(name)
        folder.rmdir()
