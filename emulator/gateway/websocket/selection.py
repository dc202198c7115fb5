"""WebSocket selection expressions, as AWS documents them: ``$request.body.action``,
``${request.body.service}/${request.body.action}``, static text, ``\\$default`` and
``/regular expressions/``; and the identity sources of ``$connect`` authorizers.

A variable is ``$name`` or ``${name}``; a JSONPath after ``request.body`` that finds nothing
evaluates to the empty string, and a value that is not a string is stringified. A message that
is not JSON cannot be evaluated: it goes to ``$default``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from emulator import inbound
from emulator.gateway.mapping import MappingError, select

DEFAULT = "$default"
_TOKEN = re.compile(r"\\\$|\$\{([^}]*)\}|\$([A-Za-z][A-Za-z0-9_.\[\]'*-]*)")


class NotEvaluable(Exception):
    """The expression reads the body of a message that is not JSON."""


@dataclass
class Sources:
    """What a selection expression may read."""

    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    query: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    stage_variables: dict[str, str] = field(default_factory=dict)
    status: str = ""  # integration.response.statuscode
    _document: Any = None
    _parsed: bool = False

    def document(self) -> Any:
        if not self._parsed:
            self._parsed = True
            try:
                self._document = inbound.loads(self.body or "")
            except ValueError:
                raise NotEvaluable() from None
        return self._document


@lru_cache(maxsize=256)
def _parts(expression: str) -> tuple[tuple[bool, str], ...]:
    """The expression as (is variable, text) pieces."""
    parts: list[tuple[bool, str]] = []
    position = 0
    for match in _TOKEN.finditer(expression):
        if match.start() > position:
            parts.append((False, expression[position:match.start()]))
        if match.group(0) == "\\$":
            parts.append((False, "$"))
        else:
            parts.append((True, match.group(1) if match.group(1) is not None
                          else match.group(2)))
        position = match.end()
    if position < len(expression):
        parts.append((False, expression[position:]))
    return tuple(parts)


def stringify(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, list):  # "[item1, item2]", as AWS documents it
        return "[" + ", ".join(stringify(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _variable(name: str, sources: Sources) -> str:
    head, _, rest = name.partition(".")
    if name == "request.body" or name.startswith("request.body."):
        document = sources.document()
        path = "$" + name[len("request.body"):]
        try:
            return stringify(select(document, path))
        except MappingError:
            return ""
    if name.startswith("request.header."):
        return sources.headers.get(name[len("request.header."):].lower(), "")
    if name.startswith("request.querystring."):
        return sources.query.get(name[len("request.querystring."):], "")
    if head == "context":
        value: Any = sources.context
        for part in rest.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return stringify(value)
    if head == "stageVariables":
        return sources.stage_variables.get(rest, "")
    if name == "integration.response.statuscode":
        return sources.status
    return ""


def evaluate(expression: str, sources: Sources) -> str:
    """The key ``expression`` selects; raises NotEvaluable for a body that is not JSON."""
    return "".join(_variable(text, sources) if variable else text
                   for variable, text in _parts(expression))


def matches(key: str, value: str) -> bool:
    """Whether an integration response key (``/regex/`` or a literal) selects ``value``."""
    if len(key) >= 2 and key.startswith("/") and key.endswith("/"):
        try:
            return re.fullmatch(key[1:-1], value, re.DOTALL) is not None
        except re.error:
            return False
    return key == value


def identity(source: str, sources: Sources) -> str:
    """The value of a ``$connect`` authorizer's identity source (``route.request.header.X``,
    ``route.request.querystring.X``, ``stageVariables.X``, ``context.X``); empty when
    missing."""
    if source.startswith("route.request.header."):
        return sources.headers.get(source[len("route.request.header."):].lower(), "")
    if source.startswith("route.request.querystring."):
        return sources.query.get(source[len("route.request.querystring."):], "")
    return _variable(source, sources)


__all__ = ["DEFAULT", "NotEvaluable", "Sources", "evaluate", "identity", "matches",
           "stringify"]
