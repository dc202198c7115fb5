"""Events as a pipe hands them on, and the InputTemplate that reshapes them.

Each source's records reach the enrichment and the target in the shape AWS documents for it:
SQS messages as Lambda receives them (https://docs.aws.amazon.com/eventbridge/latest/
userguide/eb-pipes-sqs.html), DynamoDB stream records likewise, and Kinesis records flat, the
``kinesis`` members beside eventSource, eventID... (https://docs.aws.amazon.com/eventbridge/
latest/userguide/eb-pipes-kinesis.html).

An InputTemplate (https://docs.aws.amazon.com/eventbridge/latest/userguide/
eb-pipes-input-transformation.html) is free text or JSON with ``<$.path>`` placeholders into
the event and the reserved ``<aws.pipes.*>`` variables, filled as EventBridge fills rule
templates (a placeholder inside a JSON string takes the value as text; in a template that is
not JSON, every value goes in as text). Paths see the event
with its encoded field parsed (implicit body data parsing): an SQS ``body`` or a Kinesis
``data`` that holds JSON reads as that JSON. Target parameters whose whole value is a
``$.`` path take the value at that path (dynamic path parameters).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from emulator import inbound
from emulator.input_templates import event_text, fill, minified, select

_PLACEHOLDER = re.compile(r"<(\$[^<>]*)>")
_PLAIN = re.compile(r"<(\$[^<>]*|aws\.pipes\.[a-z.\-]+)>")


@dataclass(frozen=True)
class PipeContext:
    """What the reserved variables name."""

    arn: str
    name: str
    source: str
    target: str
    enrichment: str = ""


def pipe_event(record: dict[str, Any], role_arn: str) -> dict[str, Any]:
    """One record of a poller's batch as the pipe hands it on."""
    kinesis = record.get("kinesis")
    if not isinstance(kinesis, dict):
        return record
    flat = dict(kinesis)
    flat.update({key: value for key, value in record.items() if key != "kinesis"})
    flat["invokeIdentityArn"] = role_arn
    return flat


def parsed_view(event: Any) -> Any:
    """The event with an SQS body or Kinesis data that holds JSON read as that JSON."""
    if not isinstance(event, dict):
        return event
    view = dict(event)
    if isinstance(event.get("body"), str) and event.get("eventSource") == "aws:sqs":
        with contextlib.suppress(ValueError):
            view["body"] = inbound.loads(event["body"])
    elif isinstance(event.get("data"), str) and event.get("eventSource") == "aws:kinesis":
        with contextlib.suppress(binascii.Error, ValueError, UnicodeDecodeError):
            view["data"] = inbound.loads(base64.b64decode(event["data"], validate=True))
    return view


def ingestion_time(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def render(template: str, event: Any, pipe: PipeContext, now: float) -> str:
    """The text ``template`` makes of ``event``."""
    view = parsed_view(event)
    values: dict[str, Any] = {name: select(view, name) for name in
                              _PLACEHOLDER.findall(template)}
    values.update({
        "aws.pipes.pipe-arn": pipe.arn,
        "aws.pipes.pipe-name": pipe.name,
        "aws.pipes.source-arn": pipe.source,
        "aws.pipes.enrichment-arn": pipe.enrichment,
        "aws.pipes.target-arn": pipe.target,
        "aws.pipes.event.ingestion-time": ingestion_time(now),
        "aws.pipes.event": event_text(event),
        "aws.pipes.event.json": view,
    })
    if not template.lstrip().startswith(("{", "[")):  # free text: values go in as text
        return _PLAIN.sub(lambda found: _as_text(values.get(found.group(1), found.group(0))),
                          template)
    return minified(fill(template, values))


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else event_text(value)


def as_value(text: str) -> Any:
    """A rendered template as a batch carries it: its JSON, or the text itself."""
    try:
        return inbound.loads(text)
    except ValueError:
        return text


def text_of(event: Any) -> str:
    """An event as the body of a message, record or log event."""
    return event if isinstance(event, str) else event_text(event)


def dynamic(value: Any, event: Any) -> Any:
    """A target parameter: the value at its path when it is a ``$.`` path, else itself."""
    if isinstance(value, str) and value.startswith("$."):
        found = select(parsed_view(event), value)
        return found if found is None or isinstance(found, str) else event_text(found)
    return value


__all__ = ["PipeContext", "as_value", "dynamic", "ingestion_time", "parsed_view",
           "pipe_event", "render", "text_of"]
