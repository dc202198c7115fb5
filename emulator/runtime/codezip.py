"""Unpacking deployment packages safely, within Lambda's size limits.

An entry may not escape the code folder (``../`` or an absolute name, "zip-slip"), and a
symbolic link may only point inside it. The whole package is checked before anything is
written, and it is unpacked into a temporary folder that is renamed into place at the end.
"""

from __future__ import annotations

import io
import os
import posixpath
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

ZIPPED_LIMIT = 50 * 1024 * 1024  # a direct upload
UNZIPPED_LIMIT = 250 * 1024 * 1024  # code and layers, unzipped


class ZipRejected(ValueError):
    """The package cannot be used; ``reason`` says why."""

    def __init__(self, reason: str, unzipped_size: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unzipped_size = unzipped_size


def _is_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _inside(name: str) -> str | None:
    """The normalised relative path of an entry, or None when it escapes the folder."""
    cleaned = name.replace("\\", "/")
    if cleaned.startswith("/") or (len(cleaned) > 1 and cleaned[1] == ":"):
        return None
    normal = posixpath.normpath(cleaned)
    if normal == ".." or normal.startswith("../"):
        return None
    return "" if normal == "." else normal


def _verify(archive: zipfile.ZipFile, info: zipfile.ZipInfo, room: int) -> int:
    """Read one entry through: its CRC must match and its real size be the one its headers
    declare (a zip that lies passes a listing, then fails at the first invoke). Returns the
    bytes read; stops reading once ``room`` is used up."""
    read = 0
    with archive.open(info) as source:
        while chunk := source.read(1 << 20):
            read += len(chunk)
            if read > room:
                raise ZipRejected("unzipped size too large", read)
    if read != info.file_size:
        raise ZipRejected(f"entry {info.filename!r} holds {read} bytes, not {info.file_size}")
    return read


def inspect(data: bytes, verify: bool = True) -> int:
    """Check a package without unpacking it; returns its unzipped size. ``verify`` reads every
    entry through (CRC and real sizes), as an upload must; stored packages were verified."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ZipRejected(f"not a zip file: {error}") from None
    with archive:
        total = 0
        for info in archive.infolist():
            relative = _inside(info.filename)
            if relative is None:
                raise ZipRejected(f"entry {info.filename!r} is outside the code folder")
            if _is_link(info):
                target = archive.read(info).decode("utf-8", errors="replace")
                joined = posixpath.join(posixpath.dirname(relative), target)
                if target.startswith("/") or _inside(joined) is None:
                    raise ZipRejected(f"link {info.filename!r} points outside the code folder")
            total += info.file_size
        if total > UNZIPPED_LIMIT:
            raise ZipRejected("unzipped size too large", total)
        if verify:
            real = 0
            try:
                for info in archive.infolist():
                    if not info.is_dir():
                        real += _verify(archive, info, UNZIPPED_LIMIT - real)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
                    RuntimeError, ValueError) as error:
                if isinstance(error, ZipRejected):
                    raise
                raise ZipRejected(f"entry cannot be read: {error}") from None
        return total


def extract(data: bytes, destination: Path) -> None:
    """Unpack a checked package into ``destination`` (created; replaced if present)."""
    inspect(data, verify=False)  # verified when it was uploaded
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=destination.parent))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                relative = _inside(info.filename)
                if not relative:
                    continue
                target = staging / relative
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if _is_link(info):
                    os.symlink(archive.read(info).decode("utf-8"), target)
                    continue
                with archive.open(info) as source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink)
                mode = (info.external_attr >> 16) & 0o777
                if info.create_system == 3 and mode:
                    os.chmod(target, mode | 0o400)
        if destination.exists():
            shutil.rmtree(destination, ignore_errors=True)
        staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


__all__ = ["UNZIPPED_LIMIT", "ZIPPED_LIMIT", "ZipRejected", "extract", "inspect"]
