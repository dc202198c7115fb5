"""Checks on what enters the emulator from a client, made once where it enters.

A JSON document deeper than :data:`MAX_DEPTH` is refused before any recursive code (the
decoder, shape parsing, JSONPath, templates) sees it, and a lone UTF-16 surrogate (``"\\ud800"``
with no partner) is refused before it reaches an encoder or the store, where it would fail
late. Both raise :class:`DocumentRejected`, a ``json.JSONDecodeError``, so every caller that
already answers malformed JSON with its service's error answers these the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

# Deep enough for any request AWS accepts (DynamoDB's 32 levels of nested attributes take
# about 70 levels of JSON), far below where recursion could hurt.
MAX_DEPTH = 128

_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Brackets become +1 and -1 (as signed bytes); every other byte is dropped.
_OPEN, _CLOSE = b"[{", b"]}"
_STEPS = bytes(1 if byte in _OPEN else 255 if byte in _CLOSE else 0 for byte in range(256))
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in _OPEN + _CLOSE)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class DocumentRejected(json.JSONDecodeError):
    """A document refused for its shape, not its syntax; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, "", 0)
        self.reason = reason


def _as_bytes(data: str | bytes | bytearray) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8", errors="surrogatepass")
    return bytes(data)


def check_depth(data: str | bytes | bytearray, limit: int = MAX_DEPTH) -> None:
    """Refuse a JSON text nested deeper than ``limit`` (brackets inside strings don't count)."""
    raw = _as_bytes(data)
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return  # cannot be that deep: the usual case costs two counts
    steps = _STRINGS.sub(b"", raw).translate(_STEPS, _NOT_BRACKETS)
    if max(accumulate(memoryview(steps).cast("b")), default=0) > limit:
        raise DocumentRejected(f"JSON nested deeper than {limit} levels")


def lone_surrogate(value: Any) -> bool:
    """Whether any string in ``value`` (keys included) holds an unpaired surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _has_lone_surrogate(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_text(text: str) -> None:
    """Refuse text that cannot be stored or sent as UTF-8 (a lone surrogate)."""
    if _has_lone_surrogate(text):
        raise DocumentRejected("text holds a lone UTF-16 surrogate")


def loads(data: str | bytes | bytearray, limit: int = MAX_DEPTH) -> Any:
    """``json.loads`` for what a client sent: within the depth limit, valid UTF-8, and with no
    lone surrogate escaped into a string."""
    check_depth(data, limit)
    try:
        value = json.loads(data)
    except RecursionError:  # only when the interpreter's limit is below ours
        raise DocumentRejected(f"JSON nested deeper than {limit} levels") from None
    # Escapes are the only way a surrogate gets in; a pair is fine, so look only then.
    if _SURROGATE_ESCAPE.search(_as_bytes(data)) and lone_surrogate(value):
        raise DocumentRejected("a string holds a lone UTF-16 surrogate escape")
    return value


def json_object(data: str | bytes | bytearray) -> dict[str, Any] | None:
    """The JSON object a client sent (checked as :func:`loads` checks it), or None when the
    text is not JSON or holds another kind of value, for the many fields that must hold one."""
    try:
        value = loads(data)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def quoted_flags(text: str) -> Iterator[tuple[str, bool]]:
    """Each character of a JSON text, with whether it belongs to a string literal (its quotes
    included)."""
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            yield char, True
        else:
            in_string = char == '"'
            yield char, in_string


def load_yaml(text: str, loader: Any = None) -> Any:
    """``yaml.load`` (safe by default) for what a client sent, with the same checks: flow
    nesting within the limit (block nesting needs a line per level, so it stays small) and no
    lone surrogate escaped into a string."""
    import yaml  # type: ignore[import-untyped]  # loaded with the first YAML document

    check_depth(text)
    value = yaml.load(text, Loader=loader or yaml.SafeLoader)
    if "\\u" in text and lone_surrogate(value):
        raise DocumentRejected("a string holds a lone UTF-16 surrogate escape")
    return value


__all__ = ["MAX_DEPTH", "DocumentRejected", "check_depth", "check_text", "json_object",
           "load_yaml", "loads", "lone_surrogate", "quoted_flags"]
