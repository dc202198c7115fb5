"""The part of a web request a statement inspects (FieldToMatch), as the values it is
matched against: a statement matches when any value does. Some fields can decide the match
without a value (a body over the inspection limit with OversizeHandling MATCH, a JSON body
that does not parse with InvalidFallbackBehavior MATCH): :func:`values` returns True or False
then.

https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-fields-list.html
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from emulator.waf.request import WebRequest

# What API Gateway forwards to AWS WAF of a body (AssociationConfig can raise it to 64 KB).
BODY_LIMITS = {"KB_8": 8192, "KB_16": 16384, "KB_32": 32768, "KB_48": 49152, "KB_64": 65536}
DEFAULT_BODY_LIMIT = 8192
HEADER_LIMIT = 200  # headers and cookies inspected at most

Found = list[str] | bool


def _oversize(handling: str | None, body: bytes, limit: int) -> Found | None:
    if len(body) <= limit:
        return None
    if handling == "MATCH":
        return True
    if handling == "NO_MATCH":
        return False
    return None  # CONTINUE: inspect what fits


def _pairs(pairs: list[tuple[str, str]], spec: dict[str, Any], keys: str, scope: str
           ) -> list[str]:
    pattern = spec.get("MatchPattern") or {}
    included = [name.lower() for name in pattern.get(f"Included{keys}") or ()]
    excluded = [name.lower() for name in pattern.get(f"Excluded{keys}") or ()]
    chosen = [(k, v) for k, v in pairs[:HEADER_LIMIT]
              if (not included or k.lower() in included) and k.lower() not in excluded]
    how = str(spec.get("MatchScope") or "ALL")
    found: list[str] = []
    for key, value in chosen:
        if how in ("ALL", "KEY"):
            found.append(key)
        if how in ("ALL", "VALUE"):
            found.append(value)
    return found


def _json_leaves(value: Any, path: str, scope: str, included: list[str] | None
                 ) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"
            if scope in ("ALL", "KEY") and _included(child, included):
                yield str(key)
            yield from _json_leaves(item, child, scope, included)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_leaves(item, f"{path}/{index}", scope, included)
    elif scope in ("ALL", "VALUE") and _included(path, included):
        yield value if isinstance(value, str) else json.dumps(value)


def _included(path: str, included: list[str] | None) -> bool:
    return included is None or any(path == item or path.startswith(item.rstrip("/") + "/")
                                   for item in included)


def _json_body(request: WebRequest, spec: dict[str, Any], limit: int) -> Found:
    oversize = _oversize(spec.get("OversizeHandling"), request.body, limit)
    if oversize is not None:
        return oversize
    try:
        document = json.loads(request.body[:limit] or b"null")
    except ValueError:
        fallback = spec.get("InvalidFallbackBehavior")
        if fallback in ("MATCH", "NO_MATCH"):
            return bool(fallback == "MATCH")
        return [request.body[:limit].decode("utf-8", "replace")]  # EVALUATE_AS_STRING
    pattern = spec.get("MatchPattern") or {}
    included = None if "All" in pattern else list(pattern.get("IncludedPaths") or ())
    return list(_json_leaves(document, "", str(spec.get("MatchScope") or "ALL"), included))


def values(field: dict[str, Any], request: WebRequest, body_limit: int = DEFAULT_BODY_LIMIT
           ) -> Found:
    """The values of ``field`` (a FieldToMatch shape) in ``request``."""
    for kind, spec in field.items():
        spec = spec or {}
        if kind == "UriPath":
            return [request.path]
        if kind == "QueryString":
            return [request.query]
        if kind == "Method":
            return [request.method.upper()]
        if kind == "SingleHeader":
            found = request.header(str(spec.get("Name", "")))
            return [] if found is None else [found]
        if kind == "SingleQueryArgument":
            wanted = str(spec.get("Name", "")).lower()
            return [value for key, value in request.query_arguments if key.lower() == wanted]
        if kind == "AllQueryArguments":
            return [value for _key, value in request.query_arguments]
        if kind == "Body":
            oversize = _oversize(spec.get("OversizeHandling"), request.body, body_limit)
            if oversize is not None:
                return oversize
            return [request.body[:body_limit].decode("utf-8", "replace")]
        if kind == "JsonBody":
            return _json_body(request, spec, body_limit)
        if kind == "Headers":
            return _pairs(request.headers, spec, "Headers", "ALL")
        if kind == "Cookies":
            return _pairs(request.cookies, spec, "Cookies", "ALL")
        if kind == "HeaderOrder":
            return [":".join(name for name, _ in request.headers)]
        # UriFragment never reaches a server; JA3/JA4 fingerprints need the TLS handshake.
        fallback = spec.get("FallbackBehavior")
        return fallback == "MATCH" if fallback else False
    return False


__all__ = ["BODY_LIMITS", "DEFAULT_BODY_LIMIT", "values"]
