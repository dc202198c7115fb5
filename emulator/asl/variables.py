"""Workflow variables (``Assign``) and the environment states evaluate in.

Each Parallel branch and Map iteration runs in a child scope: it reads the variables of the
scopes around it, and what it assigns stays inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RESERVED = frozenset({"states"})


class Variables:
    def __init__(
        self, values: dict[str, Any] | None = None, parent: Variables | None = None
    ) -> None:
        self.values: dict[str, Any] = dict(values or {})
        self.parent = parent

    def get(self, name: str) -> Any:
        scope: Variables | None = self
        while scope is not None:
            if name in scope.values:
                return scope.values[name]
            scope = scope.parent
        raise KeyError(name)

    def flat(self) -> dict[str, Any]:
        chain: list[Variables] = []
        scope: Variables | None = self
        while scope is not None:
            chain.append(scope)
            scope = scope.parent
        out: dict[str, Any] = {}
        for item in reversed(chain):
            out.update(item.values)
        return out

    def assign(self, values: dict[str, Any]) -> None:
        self.values.update(values)

    def child(self) -> Variables:
        return Variables(parent=self)


class StateEnv:
    """The context object and variables a state evaluates its fields with.

    The context object is built on first use: most states never read it.
    """

    __slots__ = ("_build", "_context", "variables")

    def __init__(self, context: Callable[[], dict[str, Any]], variables: Variables) -> None:
        self._build = context
        self._context: dict[str, Any] | None = None
        self.variables = variables

    @property
    def context(self) -> dict[str, Any]:
        if self._context is None:
            self._context = self._build()
        return self._context

    def variable(self, name: str) -> Any:
        return self.variables.get(name)

    def all_variables(self) -> dict[str, Any]:
        return self.variables.flat()


__all__ = ["RESERVED", "StateEnv", "Variables"]
