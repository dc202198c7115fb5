"""PartiQL statements parsed once per text into typed trees.

Literals keep their parameters (``?``) as numbered slots, filled per request; identifiers are
unquoted (``"a""b"`` is ``a"b``), strings unescaped (``'it''s'`` is ``it's``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Union

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from emulator.dynamodb.errors import ValidationError
from emulator.dynamodb.partiql.grammar import GRAMMAR


@dataclass(frozen=True)
class Param:
    """The ``index``-th ``?`` of the statement."""

    index: int


@dataclass(frozen=True)
class Literal:
    """A value written in the statement: an attribute value, or a template holding Params
    (``("L", [...])``, ``("M", {...})``, ``("BAG", [...])``)."""

    template: Any


@dataclass(frozen=True)
class PathRef:
    elements: tuple[str | int, ...]


@dataclass(frozen=True)
class FunctionCall:
    name: str
    args: tuple[Expression, ...]


@dataclass(frozen=True)
class Arithmetic:
    operator: str
    left: Expression
    right: Expression


Expression = Union[Literal, PathRef, FunctionCall, Arithmetic]  # noqa: UP007


@dataclass(frozen=True)
class Comparison:
    operator: str
    left: Expression
    right: Expression


@dataclass(frozen=True)
class Range:
    operand: Expression
    low: Expression
    high: Expression


@dataclass(frozen=True)
class Membership:
    operand: Expression
    options: tuple[Expression, ...]


@dataclass(frozen=True)
class IsTest:
    operand: Expression
    negated: bool
    what: str  # MISSING or NULL


@dataclass(frozen=True)
class Both:
    left: Predicate
    right: Predicate


@dataclass(frozen=True)
class Either:
    left: Predicate
    right: Predicate


@dataclass(frozen=True)
class Negation:
    operand: Predicate


Predicate = Union[Comparison, Range, Membership, IsTest, Both, Either, Negation,  # noqa: UP007
                  FunctionCall]


@dataclass(frozen=True)
class Select:
    table: str
    index: str | None
    paths: tuple[PathRef, ...] | None  # None for *
    where: Predicate | None


@dataclass(frozen=True)
class Insert:
    table: str
    value: Literal


@dataclass(frozen=True)
class Update:
    table: str
    assignments: tuple[tuple[PathRef, Expression], ...]
    removals: tuple[PathRef, ...]
    where: Predicate | None
    returning: str | None  # "ALL OLD", "MODIFIED OLD", "ALL NEW", "MODIFIED NEW"


@dataclass(frozen=True)
class Delete:
    table: str
    where: Predicate | None
    returning: str | None


Statement = Union[Select, Insert, Update, Delete]  # noqa: UP007


def _string(token: Token) -> str:
    return str(token)[1:-1].replace("''", "'")


class _Build(Transformer[Token, Any]):
    def __init__(self) -> None:
        super().__init__()
        self.params: list[int] = []

    def ident(self, children: list[Token]) -> str:
        text = str(children[0])
        return text[1:-1].replace('""', '"') if text.startswith('"') else text

    def path(self, children: list[Any]) -> PathRef:
        elements: list[str | int] = [children[0]]
        for child in children[1:]:
            if isinstance(child, Token) and child.type == "INT":
                elements.append(int(child))
            elif isinstance(child, Token) and child.type == "STRING":
                elements.append(_string(child))
            else:
                elements.append(str(child))
        return PathRef(tuple(elements))

    def string(self, children: list[Token]) -> Literal:
        return Literal({"S": _string(children[0])})

    def number(self, children: list[Token]) -> Literal:
        return Literal({"N": str(children[0])})

    def true(self, _: list[Token]) -> Literal:
        return Literal({"BOOL": True})

    def false(self, _: list[Token]) -> Literal:
        return Literal({"BOOL": False})

    def null(self, _: list[Token]) -> Literal:
        return Literal({"NULL": True})

    def parameter(self, children: list[Token]) -> Literal:
        position = int(children[0].start_pos or 0)
        self.params.append(position)
        return Literal(Param(position))

    def list_(self, children: list[Literal]) -> Literal:
        return Literal(("L", [child.template for child in children]))

    def bag(self, children: list[Literal]) -> Literal:
        return Literal(("BAG", [child.template for child in children]))

    def pair(self, children: list[Any]) -> tuple[str, Any]:
        return _string(children[0]), children[1].template

    def tuple_(self, children: list[tuple[str, Any]]) -> Literal:
        return Literal(("M", dict(children)))

    def call(self, children: list[Any]) -> FunctionCall:
        return FunctionCall(str(children[0]), tuple(children[1:]))

    def arithmetic(self, children: list[Any]) -> Arithmetic:
        return Arithmetic(str(children[1]), children[0], children[2])

    def compare(self, children: list[Any]) -> Comparison:
        operator = str(children[1])
        return Comparison("<>" if operator == "!=" else operator, children[0], children[2])

    def between(self, children: list[Any]) -> Range:
        return Range(children[0], children[1], children[2])

    def in_(self, children: list[Any]) -> Membership:
        return Membership(children[0], tuple(children[1:]))

    def is_(self, children: list[Any]) -> IsTest:
        negated = len(children) == 3
        return IsTest(children[0], negated, str(children[-1]).upper())

    def and_(self, children: list[Any]) -> Any:
        node = children[0]
        for child in children[1:]:
            node = Both(node, child)
        return node

    def or_(self, children: list[Any]) -> Any:
        node = children[0]
        for child in children[1:]:
            node = Either(node, child)
        return node

    def not_(self, children: list[Any]) -> Negation:
        return Negation(children[0])

    def projection(self, children: list[Any]) -> tuple[PathRef, ...] | None:
        if len(children) == 1 and isinstance(children[0], Token):
            return None
        return tuple(children)

    def select(self, children: list[Any]) -> Select:
        paths, table = children[0], children[1]
        rest = children[2:]
        index = rest[0] if rest and isinstance(rest[0], str) else None
        where = rest[-1] if rest and not isinstance(rest[-1], str) else None
        return Select(table, index, paths, where)

    def insert(self, children: list[Any]) -> Insert:
        return Insert(children[0], children[1])

    def set_clause(self, children: list[Any]) -> tuple[str, list[Any]]:
        return "SET", children

    def remove_clause(self, children: list[Any]) -> tuple[str, list[Any]]:
        return "REMOVE", children

    def assignment(self, children: list[Any]) -> tuple[PathRef, Any]:
        return children[0], children[2]

    def returning(self, children: list[Token]) -> str:
        return f"{str(children[0]).upper()} {str(children[1]).upper()}"

    def update(self, children: list[Any]) -> Update:
        table = children[0]
        assignments: list[Any] = []
        removals: list[Any] = []
        where = None
        returning = None
        for child in children[1:]:
            if isinstance(child, tuple) and child[0] == "SET":
                assignments.extend(child[1])
            elif isinstance(child, tuple) and child[0] == "REMOVE":
                removals.extend(child[1])
            elif isinstance(child, str):
                returning = child
            else:
                where = child
        return Update(table, tuple(assignments), tuple(removals), where, returning)

    def delete(self, children: list[Any]) -> Delete:
        table = children[0]
        where = next((c for c in children[1:] if not isinstance(c, str)), None)
        returning = next((c for c in children[1:] if isinstance(c, str)), None)
        return Delete(table, where, returning)


_PARSER = Lark(GRAMMAR, parser="lalr")


def _error(text: str, problem: UnexpectedInput) -> ValidationError:
    if isinstance(problem, UnexpectedToken):
        token = "<EOF>" if problem.token.type == "$END" else str(problem.token)
        return ValidationError(f"Statement wasn't well formed, can't be processed: Unexpected "
                               f"token: {token}")
    if isinstance(problem, UnexpectedCharacters):
        return ValidationError(f"Statement wasn't well formed, can't be processed: Invalid "
                               f"character: {text[int(problem.pos_in_stream or 0)]}")
    return ValidationError("Statement wasn't well formed, can't be processed")


@dataclass(frozen=True)
class Parsed:
    statement: Statement
    parameters: int  # how many ``?`` it has


@lru_cache(maxsize=1024)
def parse(text: str) -> Parsed:
    try:
        tree = _PARSER.parse(text)
    except UnexpectedInput as problem:
        raise _error(text, problem) from None
    build = _Build()
    statement = build.transform(tree)
    order = {position: index for index, position in enumerate(sorted(build.params))}
    return Parsed(_renumber(statement, order), len(order))


def _renumber(node: Any, order: dict[int, int]) -> Any:
    """Parameters numbered by their place in the text (0, 1, ...)."""
    if isinstance(node, Param):
        return Param(order[node.index])
    if isinstance(node, tuple) and not hasattr(node, "__dataclass_fields__"):
        return tuple(_renumber(child, order) for child in node)
    if isinstance(node, list):
        return [_renumber(child, order) for child in node]
    if isinstance(node, dict):
        return {key: _renumber(value, order) for key, value in node.items()}
    if hasattr(node, "__dataclass_fields__"):
        return type(node)(**{name: _renumber(getattr(node, name), order)
                             for name in node.__dataclass_fields__})
    return node


__all__ = ["Arithmetic", "Both", "Comparison", "Delete", "Either", "Expression", "FunctionCall",
           "Insert", "IsTest", "Literal", "Membership", "Negation", "Param", "Parsed",
           "PathRef", "Predicate", "Range", "Select", "Statement", "Update", "parse"]
