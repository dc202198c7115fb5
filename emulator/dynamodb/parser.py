"""Expressions parsed once per text into typed trees (emulator.dynamodb.nodes).

A syntax error is worded as DynamoDB words it: ``Invalid UpdateExpression: Syntax error;
token: "=", near: "a = ="``, where ``near`` runs from the token before the offending one to
its end (``<EOF>`` at the end of the text).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

from lark import Lark, Token, Transformer, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from emulator.dynamodb import grammar
from emulator.dynamodb.errors import ValidationError
from emulator.dynamodb.nodes import (
    AddAction,
    And,
    Arithmetic,
    Between,
    Call,
    Compare,
    Condition,
    DeleteAction,
    In,
    Name,
    Not,
    Or,
    Path,
    Projection,
    RemoveAction,
    SetAction,
    Update,
    Value,
)

MAX_EXPRESSION_BYTES = 4096
# Tokens as DynamoDB's lexer sees them, to find the token before a syntax error.
_TOKEN = re.compile(r"#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*|[0-9]+|<>|<=|>=|\S")


class _Build(Transformer[Token, Any]):
    def path(self, children: list[Any]) -> Path:
        return Path(tuple(children))

    def name(self, children: list[Token]) -> Name:
        return Name(str(children[0]))

    def index(self, children: list[Token]) -> int:
        return int(children[0])

    def value(self, children: list[Token]) -> Value:
        return Value(str(children[0]))

    def call(self, children: list[Any]) -> Call:
        return Call(str(children[0]), tuple(child for child in children[1:] if child is not None))

    def compare(self, children: list[Any]) -> Compare:
        return Compare(str(children[1]), children[0], children[2])

    def between(self, children: list[Any]) -> Between:
        return Between(children[0], children[1], children[2])

    def in_(self, children: list[Any]) -> In:
        return In(children[0], tuple(children[1:]))

    def and_(self, children: list[Any]) -> Condition:
        node = children[0]
        for child in children[1:]:
            node = And(node, child)
        return node  # type: ignore[no-any-return]

    def or_(self, children: list[Any]) -> Condition:
        node = children[0]
        for child in children[1:]:
            node = Or(node, child)
        return node  # type: ignore[no-any-return]

    def not_(self, children: list[Any]) -> Not:
        return Not(children[0])

    def arithmetic(self, children: list[Any]) -> Arithmetic:
        return Arithmetic(str(children[1]), children[0], children[2])

    def set_action(self, children: list[Any]) -> SetAction:
        return SetAction(children[0], children[1])

    def pair(self, children: list[Any]) -> tuple[Path, Any]:
        return children[0], children[1]

    def set_clause(self, children: list[Any]) -> tuple[str, list[Any]]:
        return "SET", children

    def remove_clause(self, children: list[Any]) -> tuple[str, list[Any]]:
        return "REMOVE", [RemoveAction(path) for path in children]

    def add_clause(self, children: list[Any]) -> tuple[str, list[Any]]:
        return "ADD", [AddAction(path, value) for path, value in children]

    def delete_clause(self, children: list[Any]) -> tuple[str, list[Any]]:
        return "DELETE", [DeleteAction(path, value) for path, value in children]


_CONDITION = Lark(grammar.CONDITION, parser="lalr", transformer=_Build())
_UPDATE = Lark(grammar.UPDATE, parser="lalr")
_PROJECTION = Lark(grammar.PROJECTION, parser="lalr", transformer=_Build())
_BUILD = _Build()


def _syntax_error(kind: str, text: str, problem: UnexpectedInput) -> ValidationError:
    start: int
    if isinstance(problem, UnexpectedToken) and problem.token.type == "$END":
        token, start, end = "<EOF>", len(text), len(text)
    elif isinstance(problem, UnexpectedToken):
        token = str(problem.token)
        start = int(problem.token.start_pos or 0)
        end = start + len(token)
    elif isinstance(problem, UnexpectedCharacters):
        start = int(problem.pos_in_stream or 0)
        match = _TOKEN.match(text, start)
        token = match.group(0) if match else text[start:start + 1]
        end = start + len(token)
    else:  # pragma: no cover - lark raises only the two above for LALR
        token, start, end = "<EOF>", len(text), len(text)
    before = list(_TOKEN.finditer(text, 0, start))
    near_start = before[-1].start() if before else start
    near = text[near_start:end]
    return ValidationError(
        f"Invalid {kind}: Syntax error; token: \"{token}\", near: \"{near}\"")


def _parse(parser: Lark, kind: str, text: str) -> Any:
    """``text`` read by ``parser``; ``kind`` names the parameter in AWS's error messages for
    an empty, oversized or malformed expression."""
    if not text.strip():
        raise ValidationError(f"Invalid {kind}: The expression can not be empty;")
    size = len(text.encode("utf-8"))
    if size > MAX_EXPRESSION_BYTES:
        raise ValidationError(
            f"Invalid {kind}: Expression size has exceeded the maximum allowed size; "
            f"expression size: {size}")
    try:
        return parser.parse(text)
    except UnexpectedInput as problem:
        raise _syntax_error(kind, text, problem) from None


@lru_cache(maxsize=4096)
def condition(text: str, kind: str = "ConditionExpression") -> Condition:
    """A condition, filter or key condition expression's tree; ``kind`` names the parameter
    in error messages."""
    return cast(Condition, _parse(_CONDITION, kind, text))


@lru_cache(maxsize=4096)
def update(text: str) -> Update:
    kind = "UpdateExpression"
    tree = _parse(_UPDATE, kind, text)
    clauses: list[tuple[str, list[Any]]] = [_BUILD.transform(cast(Tree[Token], child))
                                            for child in tree.children]
    seen: set[str] = set()
    actions: list[Any] = []
    for section, clause_actions in clauses:
        if section in seen:
            raise ValidationError(
                f"Invalid {kind}: The \"{section}\" section can only be used once in an "
                "update expression;")
        seen.add(section)
        actions.extend(clause_actions)
    return Update(tuple(actions))


@lru_cache(maxsize=4096)
def projection(text: str) -> Projection:
    tree = _parse(_PROJECTION, "ProjectionExpression", text)
    return Projection(tuple(cast(list[Path], tree.children)))


__all__ = ["MAX_EXPRESSION_BYTES", "condition", "projection", "update"]
