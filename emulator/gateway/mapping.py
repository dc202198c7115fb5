"""Mapping templates (Velocity) as API Gateway evaluates them, on the ``airspeed`` engine.

The template sees ``$input`` (body, json(), path(), params()), ``$context``, ``$stageVariables``
and ``$util``. Velocity's Java methods that templates written for AWS call on strings and maps
(``size()``, ``containsKey()``, ``toLowerCase()``...) are added to the engine's table once.
"""

from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, unquote_plus

import airspeed  # type: ignore[import-untyped]
from airspeed import operators
from jsonpath_ng import JSONPath
from jsonpath_ng.ext.parser import parse as parse_jsonpath

from emulator import inbound


class MappingError(Exception):
    """A template that cannot be parsed or evaluated."""


_STRING_METHODS: dict[str, Any] = {
    "toLowerCase": lambda s: s.lower(),
    "toUpperCase": lambda s: s.upper(),
    "trim": lambda s: s.strip(),
    "equals": lambda s, other: s == other,
    "equalsIgnoreCase": lambda s, other: str(other).lower() == s.lower(),
    "endsWith": lambda s, suffix: s.endswith(suffix),
    "isEmpty": lambda s: not s,
    "split": lambda s, pattern: re.split(pattern, s),
    "replace": lambda s, old, new: s.replace(old, new),
    "lastIndexOf": lambda s, ch: s.rfind(ch),
    "charAt": lambda s, index: s[index],
    "toString": lambda s: s,
}
_MAP_METHODS: dict[str, Any] = {
    "keySet": lambda m: list(m.keys()),  # a list, so .size() and .contains() work on it
    "size": lambda m: len(m),
    "containsKey": lambda m, key: key in m,
    "containsValue": lambda m, value: value in m.values(),
    "isEmpty": lambda m: not m,
    "values": lambda m: list(m.values()),
    "entrySet": lambda m: [{"key": k, "value": v} for k, v in m.items()],
    "remove": lambda m, key: m.pop(key, None),
    "get": lambda m, key: m.get(key),
}
_LIST_METHODS: dict[str, Any] = {"remove": lambda items, index: items.pop(index)}
for _kind, _methods in ((str, _STRING_METHODS), (dict, _MAP_METHODS), (list, _LIST_METHODS)):
    table = operators.__additional_methods__.setdefault(_kind, {})
    for _name, _method in _methods.items():
        if _name == "keySet":
            table[_name] = _method
        else:
            table.setdefault(_name, _method)


@lru_cache(maxsize=512)
def _compile(template: str) -> airspeed.Template:
    compiled = airspeed.Template(template)
    try:
        compiled.ensure_compiled()
    except Exception as exc:
        raise MappingError(str(exc)) from exc
    return compiled


@lru_cache(maxsize=512)
def _jsonpath(path: str) -> tuple[JSONPath, bool]:
    """The compiled path and whether it names one value (no wildcard, slice or filter)."""
    try:
        expr = parse_jsonpath(path)
    except Exception as exc:
        raise MappingError(f"Invalid JSONPath: {path}") from exc
    definite = not re.search(r"\*|\.\.|\?|\[[^\]]*:[^\]]*\]|,", path)
    return expr, definite


def select(document: Any, path: str) -> Any:
    """The value(s) at ``path``, as API Gateway's $input.path() gives them."""
    if path in ("$", ""):
        return document
    expr, definite = _jsonpath(path)
    found = [match.value for match in expr.find(document)]
    if definite:
        return found[0] if found else None
    return found


def escape_javascript(text: Any) -> str:
    """$util.escapeJavaScript: JavaScript string rules, as Apache Commons Lang applies them."""
    out: list[str] = []
    for ch in str(text):
        code = ord(ch)
        if ch in "\"'\\/":
            out.append("\\" + ch)
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif code < 32 or code > 0x7E:
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else "".join(
                f"\\u{unit:04X}" for unit in _utf16(ch)))
        else:
            out.append(ch)
    return "".join(out)


def _utf16(ch: str) -> list[int]:
    data = ch.encode("utf-16-be")
    return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]


def to_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Util:
    """``$util``."""

    @staticmethod
    def escapeJavaScript(text: Any) -> str | None:
        # A missing value stays missing (rendered as nothing), as Commons Lang's null does.
        return None if text is None else escape_javascript(text)

    @staticmethod
    def parseJson(text: Any) -> Any:
        try:
            return inbound.loads(str(text))
        except ValueError as exc:
            raise MappingError(f"Invalid JSON: {exc}") from exc

    @staticmethod
    def toJson(value: Any) -> str:
        return to_json(value)

    @staticmethod
    def urlEncode(text: Any) -> str:
        return quote_plus(str(text), safe="*")

    @staticmethod
    def urlDecode(text: Any) -> str:
        return unquote_plus(str(text))

    @staticmethod
    def base64Encode(text: Any) -> str:
        raw = text if isinstance(text, bytes) else str(text).encode()
        return base64.b64encode(raw).decode()

    @staticmethod
    def base64Decode(text: Any) -> str:
        try:
            return base64.b64decode(str(text)).decode("utf-8", "replace")
        except ValueError as exc:
            raise MappingError(f"Invalid base64: {exc}") from exc


class Input:
    """``$input``: the request (or integration response) payload and the request's
    parameters."""

    def __init__(self, body: str, params: dict[str, dict[str, str]]) -> None:
        self.body = body
        self._params = params
        self._document: Any = None
        self._parsed = False

    def _root(self) -> Any:
        if not self._parsed:
            self._parsed = True
            if not self.body.strip():
                self._document = {}
            else:
                try:
                    self._document = inbound.loads(self.body)
                except ValueError:
                    self._document = self.body  # not JSON: the path sees the raw text
        return self._document

    def path(self, path: str) -> Any:
        return select(self._root(), str(path))

    def json(self, path: str = "$") -> str:
        value = self.path(path)
        return to_json(value)

    def params(self, name: str | None = None) -> Any:
        if name is None:
            return self._params
        for where in ("path", "querystring", "header"):
            values = self._params.get(where, {})
            if name in values:
                return values[name]
            if where == "header":
                for key, value in values.items():
                    if key.lower() == str(name).lower():
                        return value
        return ""

    def size(self) -> int:
        return len(self.body)


UTIL = Util()


def render(template: str, body: str, params: dict[str, dict[str, str]],
           context: dict[str, Any], stage_variables: dict[str, str]) -> str:
    """Evaluate ``template``; ``context`` is modified in place by ``#set($context....)``."""
    compiled = _compile(template)
    namespace = {
        "input": Input(body, params),
        "context": context,
        "stageVariables": stage_variables,
        "util": UTIL,
    }
    try:
        return str(compiled.merge(namespace))
    except MappingError:
        raise
    except Exception as exc:
        raise MappingError(str(exc)) from exc


def substitute_stage_variables(text: str, stage_variables: dict[str, str]) -> str:
    """``${stageVariables.name}`` in an integration URI or a function name."""
    return re.sub(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}",
                  lambda m: stage_variables.get(m.group(1), ""), text)


__all__ = ["Input", "MappingError", "Util", "escape_javascript", "render", "select",
           "substitute_stage_variables", "to_json"]
