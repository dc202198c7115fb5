"""The part of a web request a statement inspects (FieldToMatch), as the values it is
matched against: a statement matches when any value does. Some fields can decide the match
without a value (a body over the inspection limit with OversizeHandling MATCH, a JSON body
that does not parse with InvalidFallbackBehavior MATCH): :func:`values` returns True or False
then.

https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-fields-list.html
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
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
        pattern = spec.get("MatchPattern") or {}
        included = None if "All" in pattern else list(pattern.get("IncludedPaths") or ())
        return list(_json_leaves(document, "", str(spec.get("MatchScope") or "ALL"), included))
    except (ValueError, RecursionError):  # not JSON, or nested deeper than can be walked
        fallback = spec.get("InvalidFallbackBehavior")
        if fallback in ("MATCH", "NO_MATCH"):
            return bool(fallback == "MATCH")
        return [request.body[:limit].decode("utf-8", "replace")]  # EVALUATE_AS_STRING


Extractor = Callable[[WebRequest, int], Found]


def _body(spec: dict[str, Any]) -> Extractor:
    handling = spec.get("OversizeHandling")

    def body(request: WebRequest, limit: int) -> Found:
        oversize = _oversize(handling, request.body, limit)
        if oversize is not None:
            return oversize
        return [request.body[:limit].decode("utf-8", "replace")]
    return body


def _single_argument(spec: dict[str, Any]) -> Extractor:
    wanted = str(spec.get("Name", "")).lower()
    return lambda request, _limit: [value for key, value in request.query_arguments
                                    if key.lower() == wanted]


def _single_header(spec: dict[str, Any]) -> Extractor:
    name = str(spec.get("Name", ""))

    def header(request: WebRequest, _limit: int) -> Found:
        found = request.header(name)
        return [] if found is None else [found]
    return header


def _other(spec: dict[str, Any]) -> Extractor:
    # UriFragment never reaches a server; JA3/JA4 fingerprints need the TLS handshake.
    fallback = spec.get("FallbackBehavior")
    decided = fallback == "MATCH" if fallback else False
    return lambda _request, _limit: decided


_EXTRACTORS: dict[str, Callable[[dict[str, Any]], Extractor]] = {
    "UriPath": lambda _spec: lambda request, _limit: [request.path],
    "QueryString": lambda _spec: lambda request, _limit: [request.query],
    "Method": lambda _spec: lambda request, _limit: [request.method.upper()],
    "SingleHeader": _single_header,
    "SingleQueryArgument": _single_argument,
    "AllQueryArguments": lambda _spec: lambda request, _limit: [
        value for _key, value in request.query_arguments],
    "Body": _body,
    "JsonBody": lambda spec: lambda request, limit: _json_body(request, spec, limit),
    "Headers": lambda spec: lambda request, _limit: _pairs(request.headers, spec, "Headers",
                                                           "ALL"),
    "Cookies": lambda spec: lambda request, _limit: _pairs(request.cookies, spec, "Cookies",
                                                           "ALL"),
    "HeaderOrder": lambda _spec: lambda request, _limit: [
        ":".join(name for name, _ in request.headers)],
}


def extractor(field: dict[str, Any]) -> Extractor:
    """The values of ``field`` (a FieldToMatch shape) in a request, read by a function made
    once: ``extractor(field)(request, body_limit)``."""
    for kind, spec in field.items():
        return _EXTRACTORS.get(kind, _other)(spec or {})
    return lambda _request, _limit: False


def values(field: dict[str, Any], request: WebRequest, body_limit: int = DEFAULT_BODY_LIMIT
           ) -> Found:
    """The values of ``field`` (a FieldToMatch shape) in ``request``."""
    return extractor(field)(request, body_limit)


__all__ = ["BODY_LIMITS", "DEFAULT_BODY_LIMIT", "Extractor", "extractor", "values"]
