"""Embedded metric format: structured log lines that CloudWatch turns into metrics.

A line is a JSON object whose ``_aws`` member has a ``Timestamp`` (epoch milliseconds) and
``CloudWatchMetrics`` directives; each directive names a namespace, dimension sets (lists of
member names) and metrics (member names, with a unit and storage resolution). Values are the
root members named: a number, or an array of up to 100 numbers. A line that breaks the
specification is only a log line, as in CloudWatch Logs:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

MAX_DIMENSIONS = 30
MAX_VALUES = 100
MAX_METRICS = 100
# What the Node.js runtime writes before each console line in the text log format
# ("2024-01-01T00:00:00.000Z\t<request id>\tINFO\t"). CloudWatch still reads the EMF
# document after it: aws-embedded-metrics and Powertools write their metrics through
# console.log, and only the JSON log format needs newer versions of them
# (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html).
_NODE_PREFIX = re.compile(r"\d{4}-\d\d-\d\dT[0-9:.]+Z\t[^\t]*\t[A-Z]+\t")


@dataclass(frozen=True)
class EmbeddedMetric:
    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]
    values: tuple[float, ...]
    unit: str
    timestamp: float  # epoch seconds
    resolution: int


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(
        value)


def _values(value: object) -> tuple[float, ...] | None:
    if _number(value):
        return (float(value),)  # type: ignore[arg-type]
    if isinstance(value, list) and 0 < len(value) <= MAX_VALUES and all(map(_number, value)):
        return tuple(float(item) for item in value)
    return None


def _directives(document: dict[str, Any]) -> list[dict[str, Any]] | None:
    meta = document.get("_aws")
    if not isinstance(meta, dict):
        return None
    timestamp = meta.get("Timestamp")
    directives = meta.get("CloudWatchMetrics")
    if not _number(timestamp) or not isinstance(directives, list):
        return None
    if not all(isinstance(item, dict) for item in directives):
        return None
    return directives


def extract(message: str) -> list[EmbeddedMetric]:
    """The metrics a log message embeds; empty when it embeds none or breaks the format."""
    text = message.strip()
    prefix = _NODE_PREFIX.match(text)
    if prefix is not None:
        text = text[prefix.end():].strip()
    if not text.startswith("{") or '"_aws"' not in text:
        return []
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return []
    if not isinstance(document, dict):
        return []
    directives = _directives(document)
    if directives is None:
        return []
    timestamp = float(document["_aws"]["Timestamp"]) / 1000
    found: list[EmbeddedMetric] = []
    for directive in directives:
        metrics = _read_directive(document, directive, timestamp)
        if metrics is None:
            return []  # one bad directive makes the whole line plain text
        found.extend(metrics)
    return found


def _read_directive(document: dict[str, Any], directive: dict[str, Any],
                    timestamp: float) -> list[EmbeddedMetric] | None:
    namespace = directive.get("Namespace")
    dimension_sets = directive.get("Dimensions")
    metrics = directive.get("Metrics")
    if not isinstance(namespace, str) or not namespace.strip():
        return None
    if not isinstance(dimension_sets, list) or not isinstance(metrics, list):
        return None
    if len(metrics) > MAX_METRICS:
        return None
    sets: list[tuple[tuple[str, str], ...]] = []
    for names in dimension_sets:
        if not isinstance(names, list) or len(names) > MAX_DIMENSIONS:
            return None
        pairs = []
        for name in names:
            value = document.get(name) if isinstance(name, str) else None
            if not isinstance(value, str):
                return None  # a dimension must name a string member
            pairs.append((name, value))
        sets.append(tuple(sorted(pairs)))
    found: list[EmbeddedMetric] = []
    for definition in metrics:
        if not isinstance(definition, dict) or not isinstance(definition.get("Name"), str):
            return None
        name = definition["Name"]
        values = _values(document.get(name))
        if values is None:
            continue  # a metric whose member is missing or not numeric is skipped
        unit = definition.get("Unit", "None")
        resolution = definition.get("StorageResolution", 60)
        if not isinstance(unit, str) or resolution not in (1, 60):
            return None
        for dimensions in sets or [()]:
            found.append(EmbeddedMetric(namespace, name, dimensions, values, unit,
                                        timestamp, int(resolution)))
    return found


__all__ = ["EmbeddedMetric", "extract"]
