"""CloudWatch Logs filter patterns: terms, quoted phrases, ``?`` alternatives, ``-`` exclusions,
and JSON patterns such as ``{ $.level = "ERROR" && $.ms > 100 }``."""

from __future__ import annotations

import fnmatch
import re
import shlex
from collections.abc import Callable
from typing import Any

from emulator import inbound

Matcher = Callable[[str], bool]

_COMPARISON = re.compile(
    r"^\s*\$\.(?P<path>[A-Za-z0-9_.\[\]]+)\s*(?P<op>=|!=|>=|<=|>|<)\s*(?P<value>.+?)\s*$"
)


class PatternError(ValueError):
    pass


def _lookup(document: Any, path: str) -> Any:
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(document, list) or index >= len(document):
                return None
            document = document[index]
        elif isinstance(document, dict):
            document = document.get(part)
        else:
            return None
    return document


def _comparison(text: str) -> Callable[[Any], bool]:
    match = _COMPARISON.match(text)
    if match is None:
        raise PatternError(f"Invalid filter pattern: {text}")
    path, op, raw = match["path"], match["op"], match["value"]
    if raw.startswith('"') and raw.endswith('"'):
        expected: Any = raw[1:-1]
    else:
        try:
            expected = float(raw)
        except ValueError:
            expected = raw

    def test(document: Any) -> bool:
        value = _lookup(document, path)
        if isinstance(expected, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return op == "!="
            return {"=": value == expected, "!=": value != expected, ">": value > expected,
                    "<": value < expected, ">=": value >= expected,
                    "<=": value <= expected}[op]
        if op not in ("=", "!="):
            raise PatternError(f"Invalid filter pattern: {text}")
        found = value is not None and fnmatch.fnmatchcase(str(value), str(expected))
        return found if op == "=" else not found

    return test


def _json_pattern(body: str) -> Matcher:
    alternatives = [part.split("&&") for part in body.split("||")]
    tests = [[_comparison(term) for term in group] for group in alternatives]

    def match(message: str) -> bool:
        try:
            document = inbound.loads(message)
        except ValueError:
            return False
        return any(all(test(document) for test in group) for group in tests)

    return match


def compile_pattern(pattern: str | None) -> Matcher:
    """A predicate on event messages for ``pattern``; raises PatternError."""
    text = (pattern or "").strip()
    if not text:
        return lambda message: True
    if text.startswith("{") and text.endswith("}"):
        return _json_pattern(text[1:-1])
    if text.startswith("["):
        raise PatternError("Space-delimited filter patterns are not supported by this emulator.")
    try:
        terms = shlex.split(text)
    except ValueError as error:
        raise PatternError(f"Invalid filter pattern: {error}") from None
    optional = [t[1:] for t in terms if t.startswith("?") and len(t) > 1]
    excluded = [t[1:] for t in terms if t.startswith("-") and len(t) > 1]
    required = [t for t in terms if not t.startswith(("?", "-"))]

    def match(message: str) -> bool:
        if any(term in message for term in excluded):
            return False
        if optional:
            return any(term in message for term in optional)
        return all(term in message for term in required)

    return match


__all__ = ["Matcher", "PatternError", "compile_pattern"]
