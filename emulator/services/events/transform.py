"""What a target receives: the whole event, a constant Input, the part of the event at
InputPath, or an InputTransformer's template filled from the event.

In a template, a ``<name>`` placeholder inside a JSON string takes the value as text; outside
one it takes the value as JSON (strings quoted), as EventBridge does. Events and values go
out as compact JSON text (no spaces after ``,`` and ``:``), as EventBridge writes them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jsonpath_ng import JSONPath
from jsonpath_ng.ext.parser import parse as parse_path

from emulator import inbound

MAX_PATHS = 100


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


def select(event: dict[str, Any], path: str) -> Any:
    """The value at ``path`` (None when nothing is there); a list when several match."""
    found = [match.value for match in compiled(path).find(event)]
    if not found:
        return None
    return found[0] if len(found) == 1 else found


def check_target_input(target: dict[str, Any]) -> None:
    given = [key for key in ("Input", "InputPath", "InputTransformer") if target.get(key)]
    if len(given) > 1:
        raise TransformError("Only one of Input, InputPath, or InputTransformer must be "
                             "provided.")
    if target.get("Input"):
        try:
            inbound.loads(target["Input"])
        except ValueError:
            raise TransformError("Input is not valid JSON text.") from None
    if target.get("InputPath"):
        compiled(target["InputPath"])
    transformer = target.get("InputTransformer")
    if transformer:
        paths = transformer.get("InputPathsMap") or {}
        if len(paths) > MAX_PATHS:
            raise TransformError("InputPathsMap has more than 100 entries.")
        for name, path in paths.items():
            if name.startswith("aws."):
                raise TransformError(f"Input path key {name} is reserved.")
            compiled(path)


def _fill(template: str, values: dict[str, Any]) -> str:
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


def _minified(text: str) -> str:
    """A filled template that is JSON, without the whitespace between its tokens (numbers and
    strings kept as written); any other text as it is."""
    try:
        inbound.loads(text)
    except ValueError:
        return text
    return "".join(char for char, quoted in inbound.quoted_flags(text)
                   if quoted or char not in " \t\r\n")


def target_input(target: dict[str, Any], event: dict[str, Any], rule_arn: str,
                 rule_name: str, ingestion_time: str) -> str:
    """The text the target is given for ``event``."""
    if target.get("Input"):
        return str(target["Input"])
    if target.get("InputPath"):
        return event_text(select(event, target["InputPath"]))
    transformer = target.get("InputTransformer")
    if not transformer:
        return event_text(event)
    values: dict[str, Any] = {
        name: select(event, path)
        for name, path in (transformer.get("InputPathsMap") or {}).items()
    }
    values.update({
        "aws.events.rule-arn": rule_arn,
        "aws.events.rule-name": rule_name,
        "aws.events.event.ingestion-time": ingestion_time,
        "aws.events.event": {key: value for key, value in event.items() if key != "detail"},
        "aws.events.event.json": event,
    })
    return _minified(_fill(str(transformer.get("InputTemplate", "")), values))


__all__ = ["TransformError", "check_target_input", "event_text", "select", "target_input"]
