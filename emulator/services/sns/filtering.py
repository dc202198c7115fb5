"""Subscription filter policies, in the event-pattern language, on message attributes (the
default FilterPolicyScope) or on the JSON message body."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from emulator import inbound
from emulator.errors import ServiceError
from emulator.event_patterns import Pattern, PatternError, compile_pattern
from emulator.services.sns.envelopes import Notification

SCOPES = ("MessageAttributes", "MessageBody")


def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", f"Invalid parameter: {message}")


@lru_cache(maxsize=512)
def policy(text: str) -> Pattern:
    try:
        return compile_pattern(text)
    except PatternError as error:
        raise invalid(f"FilterPolicy: {error}") from None


def check(attributes: dict[str, str]) -> None:
    """Refuse a FilterPolicy or FilterPolicyScope SNS would refuse."""
    scope = attributes.get("FilterPolicyScope")
    if scope is not None and scope not in SCOPES:
        raise invalid(f"FilterPolicyScope: Invalid value [{scope}]. Please use either "
                      "MessageBody or MessageAttributes")
    text = attributes.get("FilterPolicy")
    if text:
        policy(text)


def attribute_view(note: Notification) -> dict[str, Any]:
    """Message attributes as policies see them: strings, numbers, and String.Array lists."""
    view: dict[str, Any] = {}
    for name, value in note.attributes.items():
        data_type = str(value.get("DataType", ""))
        text = value.get("StringValue")
        if data_type.startswith("Binary") or text is None:
            continue
        if data_type.startswith("Number"):
            try:
                view[name] = inbound.loads(text)
            except ValueError:
                continue
        elif data_type == "String.Array":
            try:
                parsed = inbound.loads(text)
            except ValueError:
                continue
            view[name] = parsed if isinstance(parsed, list) else [parsed]
        else:
            view[name] = text
    return view


def accepts(attributes: dict[str, str], note: Notification) -> bool:
    """Whether a subscription with these attributes gets the message."""
    text = attributes.get("FilterPolicy")
    if not text:
        return True
    compiled = policy(text)
    if attributes.get("FilterPolicyScope") == "MessageBody":
        try:
            body = inbound.loads(note.message)
        except ValueError:
            return False
        return isinstance(body, dict) and compiled.matches(body)
    return compiled.matches(attribute_view(note))


__all__ = ["accepts", "attribute_view", "check", "invalid", "policy"]
