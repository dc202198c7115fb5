"""Reading a Lambda function's JSON answer as the Lambda proxy integrations of REST and HTTP
APIs and HTTP API authorizers do. How a malformed answer fails differs (a REST API answers
502, an HTTP API 500), so each caller passes the error to raise for a detail of what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator import inbound

Malformed = Callable[[str], Exception]


def answer_object(payload: bytes, malformed: Malformed) -> dict[str, Any]:
    """The answer as a JSON object (an empty payload is JSON null, so not an object)."""
    try:
        answer = inbound.loads(payload or b"null")
    except ValueError:
        raise malformed("not JSON") from None
    if not isinstance(answer, dict):
        raise malformed("not an object")
    return answer


def status_code(answer: dict[str, Any], malformed: Malformed, default: int | None = None
                ) -> int:
    """``statusCode``: a number from 100 to 599, or its digits as a string; ``default`` when
    the answer has none and the caller's API fills it in (REST APIs answer 200)."""
    if default is not None and "statusCode" not in answer:
        return default
    status = answer.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise malformed("statusCode")
    return status


def text(value: Any) -> str:
    """A header value as sent: JSON booleans in their JSON spelling."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def headers(answer: dict[str, Any], malformed: Malformed, *, multi_allowed: bool
            ) -> list[tuple[str, str]]:
    """``multiValueHeaders`` (when the format has them) then ``headers``; a name in both keeps
    only its multi-value entries."""
    single = answer.get("headers") or {}
    multi = (answer.get("multiValueHeaders") or {}) if multi_allowed else {}
    if not isinstance(single, dict) or not isinstance(multi, dict):
        raise malformed("headers")
    found: list[tuple[str, str]] = []
    for key, values in multi.items():
        if not isinstance(values, list):
            raise malformed("multiValueHeaders")
        found.extend((str(key), text(value)) for value in values)
    taken = {k.lower() for k in multi}
    for key, value in single.items():
        if str(key).lower() not in taken:
            found.append((str(key), text(value)))
    return found


__all__ = ["Malformed", "answer_object", "headers", "status_code", "text"]
