"""The edge cache: answers kept per distribution under the cache key its behaviour's policy
builds, for a time read from the origin's Cache-Control within the policy's TTLs, on the
emulator clock; invalidations drop entries by path (a trailing ``*`` matches a prefix).

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HTTPStatusCodes.html
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from emulator.edge.deployed import EdgeResponse

MAX_ENTRIES = 10000  # per emulator; the oldest entries go first
CACHEABLE = {200, 203, 300, 301, 410}
ERROR_CACHEABLE = {400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504}
ERROR_CACHING_MIN_TTL = 10  # seconds, when no custom error response says otherwise


# What each answer from the cache gets afresh (or CloudFront's headers replace).
FRESH_HEADERS = frozenset({"x-cache", "age", "via", "x-amz-cf-pop", "x-amz-cf-id"})
UNSENT_HEADERS = frozenset({"content-length", "transfer-encoding"})


@dataclass
class Entry:
    uri: str
    response: EdgeResponse
    stored: float
    expires: float
    kept: list[tuple[str, str]] = field(default_factory=list)  # without FRESH_HEADERS
    # ``kept`` as the web server sends it (lower-case latin-1 names, no framing headers),
    # encoded once for every hit.
    encoded: list[tuple[bytes, bytes]] = field(default_factory=list)


def directives(header: str | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.lower()] = value.strip().strip('"')
    return found


def time_to_live(response: EdgeResponse, ttls: tuple[int, int, int], now: float,
                 error_ttl: int | None) -> int:
    """How long CloudFront keeps ``response``: the origin's max-age (s-maxage first) or
    Expires held within [MinTTL, MaxTTL], MinTTL for no-cache, no-store and private, the
    DefaultTTL without any of them; errors for their error caching minimum TTL."""
    minimum, default, maximum = ttls
    if response.status in ERROR_CACHEABLE:
        return ERROR_CACHING_MIN_TTL if error_ttl is None else error_ttl
    if response.status not in CACHEABLE:
        return 0
    control = directives(response.header("cache-control"))
    if {"no-cache", "no-store", "private"} & control.keys():
        return minimum
    for name in ("s-maxage", "max-age"):
        if control.get(name, "").isdigit():
            return max(minimum, min(int(control[name]), maximum))
    expires = response.header("expires")
    if expires:
        try:
            seconds = int(parsedate_to_datetime(expires).timestamp() - now)
        except (TypeError, ValueError):
            seconds = 0
        return max(minimum, min(seconds, maximum))
    return default


class EdgeCache:
    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str, Any], Entry] = OrderedDict()

    def get(self, distribution: str, key: Any, now: float) -> Entry | None:
        entry = self._entries.get((distribution, key))
        if entry is None:
            return None
        if now >= entry.expires:
            del self._entries[(distribution, key)]
            return None
        return entry

    def put(self, distribution: str, key: Any, uri: str, response: EdgeResponse, now: float,
            ttl: int) -> None:
        if ttl <= 0:
            return
        kept = [(k, v) for k, v in response.headers if k.lower() not in FRESH_HEADERS]
        encoded = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in kept
                   if k.lower() not in UNSENT_HEADERS]
        self._entries[(distribution, key)] = Entry(uri, response, now, now + ttl, kept,
                                                   encoded)
        while len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)

    def invalidate(self, distribution: str, paths: list[str]) -> int:
        def hit(uri: str) -> bool:
            return any(uri.startswith(p[:-1]) if p.endswith("*") else uri == p
                       for p in paths)

        doomed = [k for k, entry in self._entries.items()
                  if k[0] == distribution and hit(entry.uri)]
        for key in doomed:
            del self._entries[key]
        return len(doomed)

    def drop(self, distribution: str | None = None) -> None:
        if distribution is None:
            self._entries.clear()
            return
        for key in [k for k in self._entries if k[0] == distribution]:
            del self._entries[key]


__all__ = ["FRESH_HEADERS", "UNSENT_HEADERS", "EdgeCache", "Entry", "directives",
           "time_to_live"]
