"""HTTPS requests of the AWS SDK for Python to the emulator's own names go to the emulator.

A WebSocket function written for AWS builds its callback URL as ``https://{domainName}/{stage}``
and passes it to boto3 as ``endpoint_url``; here domainName is a ``.localhost`` name the
emulator serves over plain http on its own port. So, in a function's worker process, a request
botocore sends over https on the default port to a loopback host, a ``.localhost`` name, the
endpoint's host or an ``amazonaws.com`` name goes to AWS_ENDPOINT_URL over http, keeping the
name it was for in its Host header (as the Node.js runtime does, see nodejs/loopback.mjs).
Requests that name another port, or any other host, are untouched.

Standard library only: the worker loads this module by path, possibly under another Python.
"""

from __future__ import annotations

import importlib.machinery
import re
import sys
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
_LOCAL_OR_AWS = re.compile(r"(\.localhost|\.amazonaws\.com|\.amazonaws\.com\.cn)\.?$", re.I)
_SESSION_MODULE = "botocore.httpsession"


def redirected(url: str, endpoint: SplitResult) -> tuple[str, str] | None:
    """The http URL on the emulator for an https ``url`` meant for it, and the host it named."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or port not in (None, 443):
        return None
    if not (host in _LOOPBACK or host == endpoint.hostname or _LOCAL_OR_AWS.search(host)):
        return None
    return urlunsplit(("http", endpoint.netloc, parts.path, parts.query, "")), parts.netloc


if TYPE_CHECKING:  # no runtime subscript: an older Python may load this module
    Resolver = Callable[[], SplitResult | None]


def _patch(module: ModuleType, endpoint_of: Resolver) -> None:
    session = getattr(module, "URLLib3Session", None)
    if session is None or getattr(session.send, "_loopback", False):
        return
    original: Callable[[Any, Any], Any] = session.send

    def send(self: Any, request: Any) -> Any:
        endpoint = endpoint_of()
        target = redirected(request.url, endpoint) if endpoint is not None else None
        if target is not None:
            request.url, host = target
            request.headers["Host"] = host.split(":")[0]
        return original(self, request)

    send._loopback = True  # type: ignore[attr-defined]
    session.send = send


def _endpoint(url: str | None) -> SplitResult | None:
    endpoint = urlsplit(url or "")
    return endpoint if endpoint.scheme == "http" and endpoint.hostname else None


class _SessionFinder:
    """Patches botocore's HTTP session class as it is first imported."""

    def __init__(self, endpoint_of: Resolver) -> None:
        self.endpoint_of = endpoint_of

    def find_spec(self, name: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if name != _SESSION_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader: Any = spec.loader
        execute = loader.exec_module
        endpoint_of = self.endpoint_of

        def exec_module(module: ModuleType) -> None:
            execute(module)
            _patch(module, endpoint_of)

        loader.exec_module = exec_module
        return spec


def install(endpoint_url: str | None) -> None:
    """Route botocore's https requests for the emulator to ``endpoint_url`` (an http URL)."""
    if _endpoint(endpoint_url) is not None:
        install_for(lambda: endpoint_url)


def install_for(endpoint_url_of: Callable[[], str | None]) -> None:
    """Route them to the endpoint ``endpoint_url_of`` names for the calling thread, if any
    (in-process handlers share the server's botocore: only their threads are routed)."""
    if any(isinstance(finder, _SessionFinder) for finder in sys.meta_path):
        return

    def endpoint_of() -> SplitResult | None:
        return _endpoint(endpoint_url_of())

    loaded = sys.modules.get(_SESSION_MODULE)
    if loaded is not None:
        _patch(loaded, endpoint_of)
        return
    sys.meta_path.insert(0, _SessionFinder(endpoint_of))


__all__ = ["install", "install_for", "redirected"]
