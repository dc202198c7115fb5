"""Bodies too large to hold whole: a request body read as it arrives, and a file range sent
as it is read.

A streaming payload member (S3's object bodies) reaches its provider as a :class:`ByteStream`
instead of ``bytes``; a provider answers one with a :class:`FileRange` (or bytes). Both are
plain Python, so engines and in-process callers can use them without the web server.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from pathlib import Path

# Ranges up to this size are read at once on the event loop: from the page cache that is
# cheaper than a hand-off to a thread.
SMALL_READ = 256 * 1024
CHUNK = 1024 * 1024


class StreamConsumed(RuntimeError):
    """A stream can be read once."""


class ByteStream:
    """A body read once, chunk by chunk, as the client sends it.

    ``length`` is the size the client announced (None when it did not say), and ``trailers``
    the trailing headers of an ``aws-chunked`` body, filled in once the last chunk is read.
    """

    def __init__(self, chunks: AsyncIterable[bytes], length: int | None = None) -> None:
        self._chunks = chunks
        self.length = length
        self.trailers: dict[str, str] = {}
        self._consumed = False
        self.finished = False  # every chunk has been read

    @classmethod
    def of(cls, data: bytes) -> ByteStream:
        """A stream over bytes already held (in-process callers, tests)."""
        return cls(_single(data), len(data))

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self._consumed:
            raise StreamConsumed("the body was already read")
        self._consumed = True
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            if chunk:
                yield chunk
        self.finished = True

    @property
    def started(self) -> bool:
        return self._consumed

    async def drain(self) -> None:
        """Read and drop an unread body, so the connection can carry the next request."""
        async for _chunk in self:
            pass

    async def read(self) -> bytes:
        """The whole body (for small bodies only)."""
        return b"".join([chunk async for chunk in self])


async def _single(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def chunks_of(body: ByteStream | bytes | bytearray | str | None) -> AsyncIterator[bytes]:
    """The chunks of a body given either way (a stream from the wire, bytes from a caller)."""
    if body is None:
        return
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        if body:
            yield bytes(body)
        return
    async for chunk in body:
        yield chunk


async def read_at_most(body: ByteStream | bytes | None, limit: int) -> bytes | None:
    """A body given either way, whole, or None once it goes past ``limit`` bytes (the rest
    is left unread)."""
    if body is None or isinstance(body, (bytes, bytearray)):
        data = bytes(body or b"")
        return data if len(data) <= limit else None
    parts: list[bytes] = []
    size = 0
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


@dataclass(frozen=True)
class FileRange:
    """``length`` bytes of a file from ``start``, sent without being held whole."""

    path: Path
    start: int
    length: int

    def read(self) -> bytes:
        """The bytes at once (small ranges, in-process callers)."""
        with self.path.open("rb") as handle:
            handle.seek(self.start)
            return handle.read(self.length)

    async def chunks(self, size: int = CHUNK) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        handle = await loop.run_in_executor(None, self.path.open, "rb")
        try:
            handle.seek(self.start)
            left = self.length
            while left > 0:
                chunk = await loop.run_in_executor(None, handle.read, min(size, left))
                if not chunk:
                    break
                left -= len(chunk)
                yield chunk
        finally:
            handle.close()


__all__ = ["CHUNK", "SMALL_READ", "ByteStream", "FileRange", "StreamConsumed", "chunks_of",
           "read_at_most"]
