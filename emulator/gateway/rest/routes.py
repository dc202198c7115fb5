"""Routing a request path through a deployment's resource tree, with AWS's precedence.

A literal path part beats a path variable, which beats a greedy ``{proxy+}``; a method the
resource defines beats its ``ANY``. When the most specific resource has no method for the
request, the next candidate is tried, so a ``{proxy+}`` catches what the literal routes leave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote


@dataclass
class _Node:
    resource: dict[str, Any]
    literal: dict[str, _Node] = field(default_factory=dict)
    variable: tuple[str, _Node] | None = None
    greedy: tuple[str, _Node] | None = None


@dataclass
class RouteMatch:
    resource: dict[str, Any]
    method: dict[str, Any]
    path_params: dict[str, str]


class Router:
    def __init__(self, resources: dict[str, dict[str, Any]]) -> None:
        nodes = {rid: _Node(resource) for rid, resource in resources.items()}
        self.root: _Node | None = None
        for rid, node in nodes.items():
            parent_id = node.resource.get("parentId")
            if parent_id is None:
                self.root = node
                continue
            parent = nodes.get(parent_id)
            if parent is None:
                continue
            part = str(node.resource.get("pathPart", ""))
            if part.startswith("{") and part.endswith("+}"):
                parent.greedy = (part[1:-2], node)
            elif part.startswith("{") and part.endswith("}"):
                parent.variable = (part[1:-1], node)
            else:
                parent.literal[part] = node
            del rid

    def match(self, method: str, path: str) -> RouteMatch | None:
        if self.root is None:
            return None
        segments = [unquote(s) for s in path.split("/") if s]
        return self._walk(self.root, segments, 0, {}, method.upper())

    def _walk(self, node: _Node, segments: list[str], index: int, params: dict[str, str],
              method: str) -> RouteMatch | None:
        if index == len(segments):
            chosen = _method(node.resource, method)
            return RouteMatch(node.resource, chosen, dict(params)) if chosen else None
        segment = segments[index]
        child = node.literal.get(segment)
        if child is not None:
            found = self._walk(child, segments, index + 1, params, method)
            if found is not None:
                return found
        if node.variable is not None:
            name, child = node.variable
            found = self._walk(child, segments, index + 1, {**params, name: segment}, method)
            if found is not None:
                return found
        if node.greedy is not None:
            name, child = node.greedy
            chosen = _method(child.resource, method)
            if chosen:
                rest = "/".join(segments[index:])
                return RouteMatch(child.resource, chosen, {**params, name: rest})
        return None


def _method(resource: dict[str, Any], method: str) -> dict[str, Any] | None:
    methods: dict[str, dict[str, Any]] = resource.get("resourceMethods") or {}
    return methods.get(method) or methods.get("ANY")


__all__ = ["RouteMatch", "Router"]
