"""A distribution's cache behaviours: which one a path picks (the first whose pattern
matches, in the order they are listed, else the default), and what of a request its policy
puts in the cache key and forwards to the origin.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/controlling-the-cache-key.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl

from emulator.edge.deployed import EdgeRequest

# Headers CloudFront never forwards from the viewer as they are (it sets its own).
HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
               "transfer-encoding", "upgrade", "host", "content-length", "expect"}


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A path pattern (``*`` any characters, ``?`` one; case-sensitive; the leading ``/``
    optional) as a regular expression over the path."""
    body = pattern.lstrip("/")
    parts = ["^/"]
    for char in body:
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
    parts.append("$")
    return re.compile("".join(parts), re.DOTALL)


@dataclass(frozen=True)
class Selection:
    """One of headers, cookies or query strings: none, all, the named, or all but the named."""

    behaviour: str  # none | all | whitelist | allExcept | allViewer...
    names: frozenset[str]

    def picks(self, name: str, *, lowered: bool = False) -> bool:
        key = name.lower() if lowered else name
        if self.behaviour in ("all", "allViewer", "allViewerAndWhitelistCloudFront"):
            return True
        if self.behaviour == "allExcept":
            return key not in self.names
        if self.behaviour == "whitelist":
            return key in self.names
        return False


NONE = Selection("none", frozenset())


def _selection(config: dict[str, Any] | None, behaviour_key: str, list_key: str, *,
               lowered: bool) -> Selection:
    if not config:
        return NONE
    names = (config.get(list_key) or {}).get("Items") or []
    return Selection(config.get(behaviour_key, "none"),
                     frozenset(n.lower() if lowered else n for n in names))


def union(one: Selection, other: Selection) -> Selection:
    if one.behaviour == "none":
        return other
    if other.behaviour == "none":
        return one
    if "all" in (one.behaviour, other.behaviour) or one.behaviour.startswith("allViewer") \
            or other.behaviour.startswith("allViewer"):
        return Selection("all", frozenset())
    if one.behaviour == other.behaviour == "whitelist":
        return Selection("whitelist", one.names | other.names)
    return Selection("all", frozenset())


@dataclass(frozen=True)
class Parameters:
    """What of a request goes in the cache key, or to the origin."""

    headers: Selection
    cookies: Selection
    query_strings: Selection

    def key(self, request: EdgeRequest) -> tuple[Any, ...]:
        # Each part is read only when the policy names something of it (the hot path of a
        # cache hit with CachingOptimized reads none).
        headers = () if self.headers.behaviour == "none" else tuple(sorted(
            (k.lower(), v) for k, v in request.headers if self.headers.picks(k, lowered=True)))
        query = () if self.query_strings.behaviour == "none" or not request.querystring \
            else tuple(sorted((k, v) for k, v in parse_qsl(request.querystring,
                                                           keep_blank_values=True)
                              if self.query_strings.picks(k)))
        cookies = () if self.cookies.behaviour == "none" else tuple(sorted(
            (k, v) for k, v in cookies_of(request) if self.cookies.picks(k)))
        return headers, query, cookies


def cookies_of(request: EdgeRequest) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for key, value in request.headers:
        if key.lower() == "cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value)
            except Exception:  # a malformed Cookie header contributes nothing
                continue
            found.extend((name, morsel.value) for name, morsel in jar.items())
    return found


@dataclass(frozen=True)
class Behaviour:
    """A cache behaviour, compiled once per distribution version."""

    pattern: re.Pattern[str] | None  # None: the default behaviour
    config: dict[str, Any]
    in_key: Parameters
    to_origin: Parameters
    ttls: tuple[int, int, int]  # min, default, max
    response_headers: dict[str, Any] | None = None  # the response headers policy's config

    @property
    def target(self) -> str:
        return str(self.config.get("TargetOriginId", ""))

    @cached_property
    def allowed(self) -> frozenset[str]:
        return frozenset((self.config.get("AllowedMethods") or {}).get("Items")
                         or ["GET", "HEAD"])

    @cached_property
    def cached(self) -> frozenset[str]:
        methods = ((self.config.get("AllowedMethods") or {}).get("CachedMethods") or {})
        return frozenset(methods.get("Items") or ["GET", "HEAD"])

    @cached_property
    def plain(self) -> bool:
        """Whether a cached answer goes to the viewer as it is: no edge code and no response
        headers policy at any point (the viewer endpoint's fast path for hits)."""
        return self.response_headers is None and not any(
            (self.config.get(member) or {}).get("Items")
            for member in ("LambdaFunctionAssociations", "FunctionAssociations"))

    def include_body(self) -> set[str]:
        """The Lambda@Edge request events that get the request's body."""
        items = (self.config.get("LambdaFunctionAssociations") or {}).get("Items") or []
        return {item["EventType"] for item in items if item.get("IncludeBody")}

    def associations(self, member: str, key: str) -> dict[str, str]:
        """EventType -> ARN of the behaviour's Lambda@Edge or CloudFront Function
        associations."""
        items = (self.config.get(member) or {}).get("Items") or []
        return {item["EventType"]: item[key] for item in items}


def compile_behaviour(config: dict[str, Any], cache_policy: dict[str, Any] | None,
                      request_policy: dict[str, Any] | None,
                      response_headers: dict[str, Any] | None = None) -> Behaviour:
    pattern = config.get("PathPattern")
    regex = pattern_regex(pattern) if pattern is not None else None
    if cache_policy is not None:
        parameters = cache_policy.get("ParametersInCacheKeyAndForwardedToOrigin") or {}
        in_key = Parameters(
            _selection(parameters.get("HeadersConfig"), "HeaderBehavior", "Headers",
                       lowered=True),
            _selection(parameters.get("CookiesConfig"), "CookieBehavior", "Cookies",
                       lowered=False),
            _selection(parameters.get("QueryStringsConfig"), "QueryStringBehavior",
                       "QueryStrings", lowered=False))
        minimum = int(cache_policy.get("MinTTL", 0))
        ttls = (minimum, int(cache_policy.get("DefaultTTL", max(minimum, 86400))),
                int(cache_policy.get("MaxTTL", 31536000)))
    else:
        in_key = _legacy(config.get("ForwardedValues") or {})
        ttls = (int(config.get("MinTTL", 0)), int(config.get("DefaultTTL", 86400)),
                int(config.get("MaxTTL", 31536000)))
    to_origin = in_key
    if request_policy is not None:
        to_origin = Parameters(
            union(in_key.headers, _selection(request_policy.get("HeadersConfig"),
                                             "HeaderBehavior", "Headers", lowered=True)),
            union(in_key.cookies, _selection(request_policy.get("CookiesConfig"),
                                             "CookieBehavior", "Cookies", lowered=False)),
            union(in_key.query_strings, _selection(request_policy.get("QueryStringsConfig"),
                                                   "QueryStringBehavior", "QueryStrings",
                                                   lowered=False)))
        if (request_policy.get("HeadersConfig") or {}).get("HeaderBehavior") == "allExcept":
            to_origin = Parameters(_selection(request_policy.get("HeadersConfig"),
                                              "HeaderBehavior", "Headers", lowered=True),
                                   to_origin.cookies, to_origin.query_strings)
    return Behaviour(regex, config, in_key, to_origin, ttls, response_headers)


def _legacy(forwarded: dict[str, Any]) -> Parameters:
    """The deprecated ForwardedValues: its headers, cookies and query strings are both the
    cache key and what the origin gets."""
    headers = (forwarded.get("Headers") or {}).get("Items") or []
    header_selection = Selection("all", frozenset()) if "*" in headers else (
        Selection("whitelist", frozenset(h.lower() for h in headers)) if headers else NONE)
    cookies = forwarded.get("Cookies") or {}
    forward = cookies.get("Forward", "none")
    cookie_selection = Selection(
        "all" if forward == "all" else "whitelist" if forward == "whitelist" else "none",
        frozenset((cookies.get("WhitelistedNames") or {}).get("Items") or []))
    keys = (forwarded.get("QueryStringCacheKeys") or {}).get("Items") or []
    if not forwarded.get("QueryString"):
        query = NONE
    else:
        query = Selection("whitelist", frozenset(keys)) if keys else Selection(
            "all", frozenset())
    return Parameters(header_selection, cookie_selection, query)


def choose(behaviours: list[Behaviour], default: Behaviour, uri: str) -> Behaviour:
    for behaviour in behaviours:
        if behaviour.pattern is not None and behaviour.pattern.match(uri):
            return behaviour
    return default


__all__ = [
    "HOP_HEADERS",
    "NONE",
    "Behaviour",
    "Parameters",
    "Selection",
    "choose",
    "compile_behaviour",
    "cookies_of",
    "pattern_regex",
]
