"""Input templates as EventBridge fills them (rule targets' InputTransformer, Pipes'
InputTemplate): JSON paths into an event, and placeholders filled from values.

In a template, a ``<name>`` placeholder inside a JSON string takes the value as text; outside
one it takes the value as JSON (strings quoted), as EventBridge does. Values go out as compact
JSON text (no spaces after ``,`` and ``:``), as EventBridge writes them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jsonpath_ng import JSONPath
from jsonpath_ng.ext.parser import parse as parse_path

from emulator import inbound


class TransformError(ValueError):
    pass


def event_text(value: Any) -> str:
    """JSON text as EventBridge writes it to a target: compact, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=512)
def compiled(path: str) -> JSONPath:
    try:
        return parse_path(path)
    except Exception as error:  # jsonpath-ng raises several kinds
        raise TransformError(f"Invalid JsonPath {path}: {error}") from None


def select(event: Any, path: str) -> Any:
    """The value at ``path`` (None when nothing is there); a list when several match."""
    found = [match.value for match in compiled(path).find(event)]
    if not found:
        return None
    return found[0] if len(found) == 1 else found


def fill(template: str, values: dict[str, Any]) -> str:
    """``template`` with each ``<name>`` of ``values`` replaced (others left as written)."""
    out: list[str] = []
    in_string = False
    index = 0
    while index < len(template):
        char = template[index]
        if char == "\\" and in_string:
            out.append(template[index:index + 2])
            index += 2
            continue
        if char == '"':
            in_string = not in_string
        if char == "<":
            end = template.find(">", index)
            name = template[index + 1:end] if end > index else ""
            if name in values:
                value = values[name]
                if in_string:
                    text = value if isinstance(value, str) else event_text(value)
                    out.append(event_text(text)[1:-1])
                else:
                    out.append(event_text(value))
                index = end + 1
                continue
        out.append(char)
        index += 1
    return "".join(out)


def minified(text: str) -> str:
    """A filled template that is JSON, without the whitespace between its tokens (numbers and
    strings kept as written); any other text as it is."""
    try:
        inbound.loads(text)
    except ValueError:
        return text
    return "".join(char for char, quoted in inbound.quoted_flags(text)
                   if quoted or char not in " \t\r\n")


__all__ = ["TransformError", "compiled", "event_text", "fill", "minified", "select"]
