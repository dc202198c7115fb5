"""How the front door recognises a browser that should see the console, without loading it."""

from __future__ import annotations

from collections.abc import Mapping

CONSOLE_PATH = "/_emulator/console/"
PORTAL_PATH = "/_emulator/portal/"


def wants_console(method: str, path: str, headers: Mapping[str, str], query: str) -> bool:
    """A browser opening the emulator's root: an unsigned GET of ``/`` that accepts HTML."""
    return (method == "GET" and path == "/"
            and "text/html" in headers.get("accept", "")
            and "authorization" not in headers
            and "x-amz-date" not in headers
            and "X-Amz-Signature" not in query and "Signature=" not in query)


__all__ = ["CONSOLE_PATH", "PORTAL_PATH", "wants_console"]
