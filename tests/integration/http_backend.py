"""A small HTTP server for the HTTP API tests, on 127.0.0.1 in a thread: it echoes what it
receives (for HTTP_PROXY integrations) and serves an issuer's OpenID discovery document and
JWKS (for JWT authorizers)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


class Backend:
    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        self.jwks: dict[str, Any] = {"keys": []}
        self.requests: list[dict[str, Any]] = []

    @property
    def issuer(self) -> str:
        return f"{self.url}/issuer"


def _handler(backend_ref: list[Backend]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

        def _answer(self) -> None:
            backend = backend_ref[0]
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            if parts.path == "/issuer/.well-known/openid-configuration":
                return self._json(200, {"issuer": backend.issuer,
                                        "jwks_uri": f"{backend.issuer}/keys"})
            if parts.path == "/issuer/keys":
                return self._json(200, backend.jwks)
            seen = {"method": self.command, "path": parts.path,
                    "query": parse_qsl(parts.query, keep_blank_values=True),
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace")}
            backend.requests.append(seen)
            status = int(dict(seen["query"]).get("status", "200"))
            extra = {"X-Backend": "yes", "Access-Control-Allow-Origin": "https://evil.test"}
            return self._json(status, seen, extra)

        def _json(self, status: int, document: Any, headers: dict[str, str] | None = None
                  ) -> None:
            data = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

    return Handler


@contextmanager
def running_backend() -> Iterator[Backend]:
    holder: list[Backend] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder))
    backend = Backend(server)
    holder.append(backend)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield backend
    finally:
        server.shutdown()
        server.server_close()


__all__ = ["Backend", "running_backend"]
