"""The ``aws-chunked`` content encoding of streaming payloads, decoded as it arrives.

SDKs send a streaming body in chunks (``hex-size[;chunk-signature=...]\\r\\n data \\r\\n``)
ending with a zero-size chunk and trailing headers (``x-amz-checksum-crc32:...``) when they
compute a checksum while sending. The decoded size is ``x-amz-decoded-content-length``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping

from emulator.errors import ServiceError
from emulator.streams import ByteStream

MAX_LINE = 4096


def is_chunked(headers: Mapping[str, str]) -> bool:
    encoding = headers.get("content-encoding", "")
    if "aws-chunked" in encoding.lower():
        return True
    return headers.get("x-amz-content-sha256", "").startswith("STREAMING-")


def decoded(stream: ByteStream, headers: Mapping[str, str]) -> ByteStream:
    """The payload as the user sent it: ``stream`` itself, or its aws-chunked content."""
    if not is_chunked(headers):
        return stream
    length_text = headers.get("x-amz-decoded-content-length")
    length = int(length_text) if length_text and length_text.isdigit() else None
    trailers: dict[str, str] = {}
    result = ByteStream(_chunks(stream, trailers), length)
    result.trailers = trailers  # filled in when the last chunk has been read
    return result


def incomplete(message: str) -> ServiceError:
    return ServiceError("IncompleteBody", message, status=400)


async def _chunks(stream: ByteStream, trailers: dict[str, str]) -> AsyncIterator[bytes]:
    buffer = bytearray()
    source = aiter(stream)

    async def fill() -> bool:
        try:
            buffer.extend(await anext(source))
            return True
        except StopAsyncIteration:
            return False

    async def line() -> bytes:
        while True:
            end = buffer.find(b"\r\n")
            if end >= 0:
                text = bytes(buffer[:end])
                del buffer[:end + 2]
                return text
            if len(buffer) > MAX_LINE:
                raise incomplete("An aws-chunked chunk header is too long.")
            if not await fill():
                raise incomplete("The request body ended inside an aws-chunked chunk header.")

    while True:
        header = await line()
        size_text = header.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise incomplete("An aws-chunked chunk size is not hexadecimal.") from None
        if size == 0:
            break
        left = size
        while left > 0:
            if not buffer and not await fill():
                raise incomplete("The request body ended inside an aws-chunked chunk.")
            take = bytes(buffer[:left])
            del buffer[:len(take)]
            left -= len(take)
            yield take
        if await line() != b"":
            raise incomplete("An aws-chunked chunk is longer than its declared size.")
    while True:
        try:
            text = await line()
        except ServiceError:
            break  # some clients end the trailers without the final blank line
        if not text:
            break
        name, _, value = text.decode("latin-1").partition(":")
        trailers[name.strip().lower()] = value.strip()
    async for _rest in source:  # read to the end, so the connection can be reused
        pass


__all__ = ["decoded", "incomplete", "is_chunked"]
