"""The characters SQS accepts in message bodies and attribute values (XML 1.0's set)."""

from __future__ import annotations

import re

_SURROGATES = re.compile("[\ud800-\udfff]")
_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ALLOWED = "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"


def first_invalid(text: str) -> str | None:
    """The first character outside the allowed set, written as ``#xHH``; None if all fit."""
    found = _INVALID.search(text)
    return None if found is None else f"#x{ord(found.group()):X}"


def printable(text: str) -> str:
    """``text`` safe to quote in an error message: lone surrogates cannot be encoded."""
    return _SURROGATES.sub("\ufffd", text)


__all__ = ["ALLOWED", "first_invalid", "printable"]
