"""Object and part bodies as files, written as they arrive and never held whole.

In memory mode the files live in a temporary folder removed at shutdown; with a state
directory they live under it. A body is written to a staging name and renamed once complete,
before its record is stored, so an acknowledged object survives ``kill -9`` (the kernel keeps
what was written when the process dies).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from emulator import leftovers
from emulator.services.s3 import checksums
from emulator.streams import FileRange

# Chunks at least this large are hashed and written on a worker thread, so a big upload
# leaves the event loop free; small ones are cheaper inline.
THREAD_CHUNK = 256 * 1024


class TooLarge(Exception):
    """The body went past the size it was allowed."""


@dataclass
class Written:
    name: str
    size: int
    md5_hex: str
    checksums: dict[str, str] = field(default_factory=dict)  # algorithm -> base64


class _Sink:
    def __init__(self, path: Path, algorithms: Iterable[str], limit: int | None) -> None:
        self.handle = path.open("wb")
        self.md5 = checksums.new("MD5")
        self.digests = {name: checksums.new(name) for name in algorithms}
        self.size = 0
        self.limit = limit

    def take(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            raise TooLarge()
        self.handle.write(chunk)
        self.md5.update(chunk)
        for digest in self.digests.values():
            digest.update(chunk)


class BlobStore:
    def __init__(self, root: Path | None) -> None:
        self._temporary = root is None
        self.root = root if root is not None else leftovers.folder("s3")
        self.folder = self.root / "blobs"
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        return self.folder / name

    def range(self, name: str, start: int, length: int) -> FileRange:
        return FileRange(self.path(name), start, length)

    async def write(self, chunks: AsyncIterable[bytes], algorithms: Iterable[str] = (),
                    limit: int | None = None) -> Written:
        """Store a body, computing its MD5 and the checksums named; raises TooLarge past
        ``limit`` bytes (nothing is kept then)."""
        name = secrets.token_hex(16)
        staging = self.folder / f"{name}.part"
        sink = _Sink(staging, algorithms, limit)
        loop = asyncio.get_running_loop()
        try:
            async for chunk in chunks:
                if len(chunk) >= THREAD_CHUNK:
                    await loop.run_in_executor(None, sink.take, chunk)
                else:
                    sink.take(chunk)
            sink.handle.close()
            staging.replace(self.path(name))
        except BaseException:
            sink.handle.close()
            staging.unlink(missing_ok=True)
            raise
        return Written(name, sink.size, sink.md5.digest().hex(),
                       {algorithm: checksums.encoded(digest)
                        for algorithm, digest in sink.digests.items()})

    async def join(self, names: list[str], algorithms: Iterable[str] = ()) -> Written:
        """One body made of others in order (a completed multipart upload)."""

        async def pieces() -> AsyncIterable[bytes]:
            for name in names:
                size = self.path(name).stat().st_size
                async for chunk in self.range(name, 0, size).chunks():
                    yield chunk

        return await self.write(pieces(), algorithms)

    async def copy(self, name: str, start: int = 0, length: int | None = None,
                   algorithms: Iterable[str] = ()) -> Written:
        size = self.path(name).stat().st_size if length is None else length
        return await self.write(self.range(name, start, size).chunks(), algorithms)

    def delete(self, name: str) -> None:
        if name:
            self.path(name).unlink(missing_ok=True)

    def sweep(self, keep: set[str]) -> None:
        """Remove files no record names (left by a crash between a write and its record)."""
        for entry in os.scandir(self.folder):
            stem = entry.name.removesuffix(".part")
            if stem not in keep or entry.name.endswith(".part"):
                Path(entry.path).unlink(missing_ok=True)

    def close(self) -> None:
        if self._temporary:
            shutil.rmtree(self.root, ignore_errors=True)


__all__ = ["BlobStore", "TooLarge", "Written"]
