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
from typing import Any
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


def _patch(module: ModuleType, endpoint: SplitResult) -> None:
    session = getattr(module, "URLLib3Session", None)
    if session is None:
        return
    original: Callable[[Any, Any], Any] = session.send

    def send(self: Any, request: Any) -> Any:
        target = redirected(request.url, endpoint)
        if target is not None:
            request.url, host = target
            request.headers["Host"] = host.split(":")[0]
        return original(self, request)

    session.send = send


class _SessionFinder:
    """Patches botocore's HTTP session class as it is first imported."""

    def __init__(self, endpoint: SplitResult) -> None:
        self.endpoint = endpoint

    def find_spec(self, name: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        if name != _SESSION_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader: Any = spec.loader
        execute = loader.exec_module
        endpoint = self.endpoint

        def exec_module(module: ModuleType) -> None:
            execute(module)
            _patch(module, endpoint)

        loader.exec_module = exec_module
        return spec


def install(endpoint_url: str | None) -> None:
    """Route botocore's https requests for the emulator to ``endpoint_url`` (an http URL)."""
    endpoint = urlsplit(endpoint_url or "")
    if endpoint.scheme != "http" or not endpoint.hostname:
        return
    if any(isinstance(finder, _SessionFinder) for finder in sys.meta_path):
        return
    loaded = sys.modules.get(_SESSION_MODULE)
    if loaded is not None:
        _patch(loaded, endpoint)
        return
    sys.meta_path.insert(0, _SessionFinder(endpoint))


__all__ = ["install", "redirected"]
