"""The floor for S3: canned rest-xml answers to what boto3 sends, bodies streamed to disk.

It does only what any correct endpoint must: read each body as it arrives and write it to a
file, answer a PUT with the body's MD5 as the ETag (boto3 keeps it), and stream a stored file
back for a GET with its length and ETag.
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from bench.bare_app import health, serve_command_line

FOLDER = Path(tempfile.mkdtemp(prefix="bench-s3-floor-"))
CHUNK = 1024 * 1024
ETAGS: dict[str, str] = {}


def _file(path: str) -> Path:
    return FOLDER / hashlib.sha1(path.encode()).hexdigest()


async def put(request: Request) -> Response:
    path = request.url.path
    if path.count("/") < 2:  # CreateBucket
        return Response(b"", headers={"Location": path, "x-amz-request-id": str(uuid.uuid4())})
    digest = hashlib.md5(usedforsecurity=False)
    with _file(path).open("wb") as handle:
        async for chunk in request.stream():
            digest.update(chunk)
            handle.write(chunk)
    ETAGS[path] = f'"{digest.hexdigest()}"'
    return Response(b"", headers={"ETag": ETAGS[path], "x-amz-request-id": str(uuid.uuid4())})


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


async def get(request: Request) -> Response:
    path = request.url.path
    stored = _file(path)
    if path not in ETAGS or not stored.exists():
        body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
                b"<Message>The specified key does not exist.</Message></Error>")
        return Response(body, status_code=404, media_type="application/xml")
    headers = {"ETag": ETAGS[path], "Content-Length": str(stored.stat().st_size),
               "Content-Type": "binary/octet-stream", "x-amz-request-id": str(uuid.uuid4())}
    return StreamingResponse(_chunks(stored), headers=headers)


app = Starlette(
    routes=[
        Route("/_emulator/health", health, methods=["GET", "HEAD"]),
        Route("/{path:path}", put, methods=["PUT"]),
        Route("/{path:path}", get, methods=["GET"]),
    ]
)


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
