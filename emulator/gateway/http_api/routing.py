"""Choosing a route by route key, with AWS's precedence for HTTP APIs: a full match of method
and path first (literal segments before path variables), then a greedy ``{proxy+}`` path, a
route's own method before ``ANY``, and the ``$default`` route last."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote


@dataclass
class _Compiled:
    route: dict[str, Any]
    method: str
    segments: list[tuple[str, str]]  # ("literal"|"var"|"greedy", text or variable name)


@dataclass
class RouteMatch:
    route: dict[str, Any]
    path_params: dict[str, str]


def _compile(route: dict[str, Any]) -> _Compiled | None:
    key = str(route.get("RouteKey", ""))
    if key == "$default":
        return None
    method, _, path = key.partition(" ")
    segments: list[tuple[str, str]] = []
    for part in [p for p in path.split("/") if p]:
        if part.startswith("{") and part.endswith("+}"):
            segments.append(("greedy", part[1:-2]))
        elif part.startswith("{") and part.endswith("}"):
            segments.append(("var", part[1:-1]))
        else:
            segments.append(("literal", part))
    return _Compiled(route, method.upper(), segments)


class RouteTable:
    """A deployment's routes, compiled once."""

    def __init__(self, routes: dict[str, dict[str, Any]]) -> None:
        self.default: dict[str, Any] | None = None
        self._routes: list[_Compiled] = []
        for route in routes.values():
            compiled = _compile(route)
            if compiled is None:
                self.default = route
            else:
                self._routes.append(compiled)

    def match(self, method: str, path: str) -> RouteMatch | None:
        segments = [unquote(s) for s in path.split("/") if s]
        method = method.upper()
        best: tuple[tuple[int, ...], RouteMatch] | None = None
        for compiled in self._routes:
            if compiled.method not in (method, "ANY"):
                continue
            params = _params(compiled.segments, segments)
            if params is None:
                continue
            # Literal beats variable beats greedy, position by position; a greedy route
            # ranks below every full match; the route's own method beats ANY.
            rank = tuple(2 if kind == "literal" else 1 if kind == "var" else 0
                         for kind, _ in compiled.segments)
            score = (0 if compiled.segments and compiled.segments[-1][0] == "greedy" else 1,
                     *rank, 1 if compiled.method == method else 0)
            if best is None or score > best[0]:
                best = (score, RouteMatch(compiled.route, params))
        if best is not None:
            return best[1]
        if self.default is not None:
            return RouteMatch(self.default, {})
        return None


def _params(pattern: list[tuple[str, str]], segments: list[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for index, (kind, text) in enumerate(pattern):
        if kind == "greedy":
            rest = segments[index:]
            if not rest:
                return None
            params[text] = "/".join(rest)
            return params
        if index >= len(segments):
            return None
        if kind == "literal" and segments[index] != text:
            return None
        if kind == "var":
            params[text] = segments[index]
    return params if len(segments) == len(pattern) else None


__all__ = ["RouteMatch", "RouteTable"]
