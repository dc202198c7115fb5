"""Where a delivery lands in S3: ``<evaluated prefix><stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-
<uuid><extension>``, with ``YYYY/MM/dd/HH/`` after the prefix when it has no ``!{timestamp:}``
expression (https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html,
https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html). Times are UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from emulator import ids

_EXPRESSION = re.compile(r"!\{(\w+):([^}]*)\}")
# Java DateTimeFormatter letters the prefixes use, longest first.
_JAVA_FIELDS = (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"),
                ("ss", "%S"), ("yy", "%y"))


def java_time(pattern: str, when: datetime) -> str:
    """``pattern`` (a Java DateTimeFormatter pattern: letters, and text in single quotes)
    evaluated at ``when``."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        if pattern[index] == "'":
            end = pattern.find("'", index + 1)
            end = len(pattern) if end < 0 else end
            out.append(pattern[index + 1:end])
            index = end + 1
            continue
        for letters, directive in _JAVA_FIELDS:
            if pattern.startswith(letters, index):
                out.append(when.strftime(directive))
                index += len(letters)
                break
        else:
            out.append(pattern[index])
            index += 1
    return "".join(out)


def evaluated_prefix(prefix: str, when: datetime) -> str:
    """``prefix`` with its expressions evaluated; the default time folders follow a prefix
    without a timestamp expression."""
    timed = False

    def evaluate(match: re.Match[str]) -> str:
        nonlocal timed
        namespace, value = match.group(1), match.group(2)
        if namespace == "timestamp":
            timed = True
            return java_time(value, when)
        if namespace == "firehose" and value == "random-string":
            return ids.short_id(11)
        return match.group(0)

    evaluated = _EXPRESSION.sub(evaluate, prefix)
    return evaluated if timed else evaluated + when.strftime("%Y/%m/%d/%H/")


def object_key(prefix: str, stream: str, version: str, arrival: float, extension: str) -> str:
    """The key of one delivered object, timed by the arrival of its oldest record."""
    when = datetime.fromtimestamp(arrival, tz=UTC)
    return (f"{evaluated_prefix(prefix, when)}{stream}-{version}-"
            f"{when.strftime('%Y-%m-%d-%H-%M-%S')}-{ids.uuid4()}{extension}")


__all__ = ["evaluated_prefix", "java_time", "object_key"]
