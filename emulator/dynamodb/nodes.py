"""The typed tree of a parsed expression (condition, key condition, update or projection).

Placeholders stay as written (``#n``, ``:v``); a tree is parsed once per expression text and
shared, and each request binds its own ExpressionAttributeNames and Values when evaluating.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Name:
    """One name element of a document path: ``Price`` or the placeholder ``#p``."""

    text: str

    @property
    def placeholder(self) -> bool:
        return self.text.startswith("#")


@dataclass(frozen=True)
class Path:
    """A document path: a name followed by names (``.name``) and list indexes (``[0]``)."""

    elements: tuple[Name | int, ...]


@dataclass(frozen=True)
class Value:
    """An expression attribute value placeholder (``:v``)."""

    name: str


@dataclass(frozen=True)
class Call:
    """A function: ``attribute_exists(a)``, ``size(a)``, ``if_not_exists(a, :v)``..."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True)
class Arithmetic:
    """``a + b`` or ``a - b`` in a SET action."""

    operator: str
    left: Operand
    right: Operand


Operand = Union[Path, Value, Call, Arithmetic]  # noqa: UP007 (a forward-referenced alias)


@dataclass(frozen=True)
class Compare:
    operator: str  # = <> < <= > >=
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True)
class In:
    operand: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Or:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Not:
    operand: Condition


Condition = Union[Compare, Between, In, And, Or, Not, Call]  # noqa: UP007


@dataclass(frozen=True)
class SetAction:
    path: Path
    value: Operand


@dataclass(frozen=True)
class RemoveAction:
    path: Path


@dataclass(frozen=True)
class AddAction:
    path: Path
    value: Operand


@dataclass(frozen=True)
class DeleteAction:
    path: Path
    value: Operand


Action = Union[SetAction, RemoveAction, AddAction, DeleteAction]  # noqa: UP007


@dataclass(frozen=True)
class Update:
    """An update expression's actions in the order written, clause by clause."""

    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Projection:
    paths: tuple[Path, ...]


def path_text(path: Path) -> str:
    """A path as written: ``a.#b[0]``."""
    out = ""
    for element in path.elements:
        if isinstance(element, int):
            out += f"[{element}]"
        else:
            out += ("." if out else "") + element.text
    return out


__all__ = [
    "Action", "AddAction", "And", "Arithmetic", "Between", "Call", "Compare", "Condition",
    "DeleteAction", "In", "Name", "Not", "Operand", "Or", "Path", "Projection",
    "RemoveAction", "SetAction", "Update", "Value", "path_text",
]
