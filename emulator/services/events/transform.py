"""What a target receives: the whole event, a constant Input, the part of the event at
InputPath, or an InputTransformer's template filled from the event.

In a template, a ``<name>`` placeholder inside a JSON string takes the value as text; outside
one it takes the value as JSON (strings quoted), as EventBridge does. Events and values go
out as compact JSON text (no spaces after ``,`` and ``:``), as EventBridge writes them.
"""

from __future__ import annotations

from typing import Any

from emulator import inbound
from emulator.input_templates import (
    TransformError,
    compiled,
    event_text,
    fill,
    minified,
    select,
)

MAX_PATHS = 100


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
    return minified(fill(str(transformer.get("InputTemplate", "")), values))


__all__ = ["TransformError", "check_target_input", "event_text", "select", "target_input"]
