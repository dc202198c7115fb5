"""When a lifecycle rule expires an object: its filter, and S3's rounding of creation time plus
the rule's days up to the next midnight UTC.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
"""

from __future__ import annotations

import math
from datetime import datetime
from email.utils import formatdate
from typing import Any

from emulator.services.s3.models import ObjectVersion

DAY = 86400.0


def next_midnight(epoch: float) -> float:
    """The first midnight UTC at or after ``epoch``."""
    return math.ceil(epoch / DAY) * DAY


def rule_filter(rule: dict[str, Any]) -> dict[str, Any]:
    found = rule.get("Filter")
    if found is None:
        return {"Prefix": rule.get("Prefix", "")}
    return dict(found.get("And") or found)


def applies(rule: dict[str, Any], version: ObjectVersion) -> bool:
    if rule.get("Status") != "Enabled":
        return False
    conditions = rule_filter(rule)
    if not version.key.startswith(conditions.get("Prefix") or ""):
        return False
    tags = conditions.get("Tags") or ([conditions["Tag"]] if conditions.get("Tag") else [])
    if any(version.tags.get(tag.get("Key")) != tag.get("Value") for tag in tags):
        return False
    larger = conditions.get("ObjectSizeGreaterThan")
    smaller = conditions.get("ObjectSizeLessThan")
    return (larger is None or version.size > larger) and (
        smaller is None or version.size < smaller)


def expiry(rule: dict[str, Any], version: ObjectVersion) -> float | None:
    """When the rule expires the current ``version`` (None when it does not)."""
    expiration = rule.get("Expiration") or {}
    if expiration.get("Days") is not None:
        return next_midnight(version.last_modified + int(expiration["Days"]) * DAY)
    if isinstance(expiration.get("Date"), datetime):
        return float(expiration["Date"].timestamp())
    return None


def expiration_header(rules: list[dict[str, Any]] | None,
                      version: ObjectVersion) -> str | None:
    """``x-amz-expiration`` for an object a rule will expire."""
    for rule in rules or ():
        if applies(rule, version):
            due = expiry(rule, version)
            if due is not None:
                return (f'expiry-date="{formatdate(due, usegmt=True)}", '
                        f'rule-id="{rule.get("ID", "")}"')
    return None


__all__ = ["DAY", "applies", "expiration_header", "expiry", "next_midnight", "rule_filter"]
