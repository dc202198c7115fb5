"""A bucket's CORS rules applied to browser requests: the first rule matching the origin, the
method and (for preflights) the requested headers answers.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Any


def _allowed(patterns: list[str], value: str, lower: bool = False) -> bool:
    if lower:
        value = value.lower()
        patterns = [pattern.lower() for pattern in patterns]
    return any(pattern == "*" or fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


def find_rule(rules: list[dict[str, Any]], origin: str, method: str,
              request_headers: Sequence[str] = ()) -> dict[str, Any] | None:
    for rule in rules:
        if not _allowed(rule.get("AllowedOrigins") or [], origin):
            continue
        if method not in (rule.get("AllowedMethods") or []):
            continue
        allowed_headers = rule.get("AllowedHeaders") or []
        if all(_allowed(allowed_headers, header, lower=True) for header in request_headers):
            return rule
    return None


def response_headers(rule: dict[str, Any], origin: str, *, preflight: bool,
                     request_headers: Sequence[str] = ()) -> dict[str, str]:
    wildcard = "*" in (rule.get("AllowedOrigins") or [])
    headers = {
        "Access-Control-Allow-Origin": "*" if wildcard else origin,
        "Access-Control-Allow-Methods": ", ".join(rule.get("AllowedMethods") or []),
        "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    }
    if not wildcard:
        headers["Access-Control-Allow-Credentials"] = "true"
    if preflight and request_headers:
        headers["Access-Control-Allow-Headers"] = ", ".join(request_headers)
    if rule.get("ExposeHeaders"):
        headers["Access-Control-Expose-Headers"] = ", ".join(rule["ExposeHeaders"])
    if rule.get("MaxAgeSeconds") is not None:
        headers["Access-Control-Max-Age"] = str(rule["MaxAgeSeconds"])
    return headers


def requested_headers(value: str | None) -> list[str]:
    return [item.strip().lower() for item in (value or "").split(",") if item.strip()]


__all__ = ["find_rule", "requested_headers", "response_headers"]
