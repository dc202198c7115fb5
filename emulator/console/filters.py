"""Small formatting helpers the templates use (times, durations, JSON, masked keys)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment

from emulator import arns
from emulator.console.security import mask_document, mask_key


def to_datetime(value: Any) -> datetime | None:
    """Epoch seconds or milliseconds, an ISO string or a datetime, in UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def when(value: Any) -> str:
    moment = to_datetime(value)
    if moment is None:
        return "" if value is None else str(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "Z"


def milliseconds(value: Any) -> str:
    if value is None:
        return "…"
    number = float(value)
    return f"{number:.1f} ms" if number < 1000 else f"{number / 1000:.2f} s"


def pretty(value: Any) -> str:
    """JSON (a document, or text holding one) indented, with secret members masked."""
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except ValueError:
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return json.dumps(mask_document(value), indent=2, default=str)


def scope_of(item: dict[str, Any]) -> tuple[str, str] | None:
    """The account and region a resources() entry lives in, from its fields or its ARN."""
    account = item.get("account")
    if account:
        return str(account), str(item.get("region") or "")
    arn = item.get("arn")
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)  # arn:partition:service:region:account:resource
    return (parts[4], parts[3]) if len(parts) == 6 and parts[4] else None


def short_arn(value: Any) -> str:
    """The resource part of an ARN, for tables."""
    text = str(value or "")
    try:
        return arns.parse(text).resource if text.startswith("arn:") else text
    except ValueError:
        return text


def install(env: Environment) -> None:
    env.filters.update(when=when, ms=milliseconds, pretty=pretty, mask_key=mask_key,
                       short_arn=short_arn)


__all__ = ["install", "milliseconds", "pretty", "scope_of", "short_arn", "to_datetime", "when"]
