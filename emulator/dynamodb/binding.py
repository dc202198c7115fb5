"""Binding a parsed expression to one request's placeholders, with DynamoDB's static checks.

Checks run in DynamoDB's order: reserved words first (they are found while parsing), then
placeholders and functions as they appear.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emulator.dynamodb.errors import ValidationError
from emulator.dynamodb.nodes import (
    And,
    Arithmetic,
    Between,
    Call,
    Compare,
    In,
    Name,
    Not,
    Or,
    Path,
    Projection,
    Update,
    Value,
)
from emulator.dynamodb.paths import Resolved
from emulator.dynamodb.placeholders import Placeholders
from emulator.dynamodb.reserved import is_reserved


def walk(node: Any) -> Iterator[Any]:
    """Every node of a tree, in the order written."""
    yield node
    if isinstance(node, (And, Or)):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Not):
        yield from walk(node.operand)
    elif isinstance(node, (Compare, Arithmetic)):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Between):
        for child in (node.operand, node.low, node.high):
            yield from walk(child)
    elif isinstance(node, In):
        yield from walk(node.operand)
        for option in node.options:
            yield from walk(option)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from walk(arg)
    elif isinstance(node, Update):
        for action in node.actions:
            yield from walk(action.path)
            value = getattr(action, "value", None)
            if value is not None:
                yield from walk(value)
    elif isinstance(node, Projection):
        for path in node.paths:
            yield from walk(path)


def check_reserved(tree: Any, kind: str) -> None:
    for node in walk(tree):
        if isinstance(node, Path):
            for element in node.elements:
                if isinstance(element, Name) and not element.placeholder and is_reserved(
                        element.text):
                    raise ValidationError(
                        f"Invalid {kind}: Attribute name is a reserved keyword; reserved "
                        f"keyword: {element.text}")


class Binder:
    """Resolves paths and values of one expression against the request's placeholders."""

    def __init__(self, placeholders: Placeholders, kind: str) -> None:
        self.placeholders = placeholders
        self.kind = kind

    def path(self, path: Path) -> Resolved:
        out: list[str | int] = []
        for element in path.elements:
            if isinstance(element, int):
                out.append(element)
            elif element.placeholder:
                out.append(self.placeholders.name(element.text, self.kind))
            else:
                out.append(element.text)
        return tuple(out)

    def value(self, value: Value) -> dict[str, Any]:
        return self.placeholders.value(value.name, self.kind)

    def error(self, message: str) -> ValidationError:
        return ValidationError(f"Invalid {self.kind}: {message}")


__all__ = ["Binder", "check_reserved", "walk"]
