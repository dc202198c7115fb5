"""Running PartiQL's pieces against items: literals with their parameters, expressions,
WHERE clauses (split into the key they name and the condition left), and UPDATE's changes.

Comparisons follow the condition expressions' semantics (a missing attribute compares false,
``<>`` true); ``IS MISSING`` tests absence and ``IS NULL`` a null or absent value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from emulator.dynamodb import numbers
from emulator.dynamodb.conditions import size_of
from emulator.dynamodb.errors import DynamoDBError, ValidationError
from emulator.dynamodb.partiql.statements import (
    Arithmetic,
    Both,
    Comparison,
    Either,
    Expression,
    FunctionCall,
    IsTest,
    Literal,
    Membership,
    Negation,
    Param,
    PathRef,
    Predicate,
    Range,
    Update,
)
from emulator.dynamodb.paths import get
from emulator.dynamodb.semantics import begins_with, between, compared, contains, member
from emulator.dynamodb.updates import Step, Updater, missing_attribute, wrong_type
from emulator.dynamodb.values import (
    SET_TYPES,
    TYPES,
    AttributeValue,
    Item,
    check_value,
    set_difference,
    set_union,
    type_of,
)

Test = Callable[[Item], bool]


def _invalid(message: str) -> ValidationError:
    return ValidationError(f"Statement wasn't well formed, can't be processed: {message}")


class Evaluator:
    def __init__(self, parameters: Sequence[Any]) -> None:
        self.parameters = list(parameters)

    # -- literals ------------------------------------------------------------------------------

    def literal(self, template: Any) -> AttributeValue:
        if isinstance(template, Param):
            return self._checked(self.parameters[template.index])
        if isinstance(template, tuple):
            kind, members = template
            if kind == "L":
                return {"L": [self.literal(member) for member in members]}
            if kind == "M":
                return {"M": {name: self.literal(member) for name, member in members.items()}}
            return self._bag([self.literal(member) for member in members])
        return self._checked(template)

    @staticmethod
    def _checked(value: Any) -> AttributeValue:
        try:
            return check_value(value)
        except DynamoDBError as error:
            raise ValidationError(error.message) from None

    @staticmethod
    def _bag(members: list[AttributeValue]) -> AttributeValue:
        kinds = {type_of(member) for member in members}
        if not members or len(kinds) != 1 or next(iter(kinds)) not in ("S", "N", "B"):
            raise _invalid("A set must have members, all strings, numbers or binary values")
        kind = next(iter(kinds))
        return check_value({kind + "S": [member[kind] for member in members]})

    # -- expressions ---------------------------------------------------------------------------

    def value(self, expression: Expression, item: Item) -> AttributeValue | None:
        if isinstance(expression, Literal):
            return self.literal(expression.template)
        if isinstance(expression, PathRef):
            return get(item, expression.elements)
        if isinstance(expression, Arithmetic):
            left, right = self.value(expression.left, item), self.value(expression.right, item)
            if left is None or right is None:
                raise missing_attribute()
            if type_of(left) != "N" or type_of(right) != "N":
                raise wrong_type()
            combine = numbers.add if expression.operator == "+" else numbers.subtract
            result = combine(numbers.parse(left["N"]), numbers.parse(right["N"]))
            return {"N": numbers.text(result)}
        return self._call_value(expression, item)

    def _call_value(self, call: FunctionCall, item: Item) -> AttributeValue | None:
        args = [self.value(arg, item) for arg in call.args]
        name = call.name.lower()
        if name == "size" and len(args) == 1:
            return size_of(args[0])
        if name == "list_append" and len(args) == 2:
            a, b = args
            if a is None or b is None or type_of(a) != "L" or type_of(b) != "L":
                raise wrong_type()
            return {"L": [*a["L"], *b["L"]]}
        if name in ("set_add", "set_delete") and len(args) == 2:
            a, b = args
            if b is None or type_of(b) not in SET_TYPES:
                raise wrong_type()
            kind = type_of(b)
            if a is None:
                return b if name == "set_add" else None
            if type_of(a) != kind:
                raise wrong_type()
            if name == "set_add":
                return {kind: set_union(kind, a[kind], b[kind])}
            remaining = set_difference(a[kind], b[kind])
            return {kind: remaining} if remaining else None
        raise _invalid(f"Unsupported function: {call.name}")

    # -- conditions ----------------------------------------------------------------------------

    def test(self, predicate: Predicate) -> Test:
        if isinstance(predicate, Both):
            left, right = self.test(predicate.left), self.test(predicate.right)
            return lambda item: left(item) and right(item)
        if isinstance(predicate, Either):
            left, right = self.test(predicate.left), self.test(predicate.right)
            return lambda item: left(item) or right(item)
        if isinstance(predicate, Negation):
            inner = self.test(predicate.operand)
            return lambda item: not inner(item)
        if isinstance(predicate, Comparison):
            return self._comparison(predicate)
        if isinstance(predicate, Range):
            operand, low, high = predicate.operand, predicate.low, predicate.high
            return lambda item: between(self.value(operand, item), self.value(low, item),
                                        self.value(high, item))
        if isinstance(predicate, Membership):
            target, options = predicate.operand, predicate.options
            return lambda item: member(self.value(target, item),
                                       (self.value(option, item) for option in options))
        if isinstance(predicate, IsTest):
            return self._is(predicate)
        return self._function(predicate)

    def _comparison(self, node: Comparison) -> Test:
        return lambda item: compared(node.operator, self.value(node.left, item),
                                     self.value(node.right, item))

    def _is(self, node: IsTest) -> Test:
        def tested(item: Item) -> bool:
            v = self.value(node.operand, item)
            found = v is None if node.what == "MISSING" else v is None or "NULL" in v
            return found != node.negated
        return tested

    def _function(self, call: FunctionCall) -> Test:
        name = call.name.lower()
        args = call.args
        if name in ("begins_with", "contains", "attribute_type") and len(args) == 2:
            def function(item: Item) -> bool:
                value, operand = self.value(args[0], item), self.value(args[1], item)
                if value is None or operand is None:
                    return False
                kind = type_of(value)
                if name == "attribute_type":
                    wanted = operand.get("S")
                    if wanted not in TYPES:
                        raise _invalid(f"Invalid attribute type: {wanted}")
                    return bool(kind == wanted)
                if name == "begins_with":
                    return begins_with(value, operand)
                return contains(value, operand)
            return function
        raise _invalid(f"Unsupported function in a condition: {call.name}")

    # -- keys and updates ----------------------------------------------------------------------

    def split_key(self, where: Predicate | None, key_names: Sequence[str]
                  ) -> tuple[dict[str, AttributeValue], Predicate | None]:
        """The key attributes the WHERE clause sets equal to values (top-level ANDs), and the
        rest of the clause."""
        conjuncts: list[Predicate] = []
        _flatten(where, conjuncts)
        key: dict[str, AttributeValue] = {}
        rest: list[Predicate] = []
        for part in conjuncts:
            name = _key_equality(part, key_names)
            if name is not None and name not in key:
                assert isinstance(part, Comparison)
                value_side = part.right if isinstance(part.left, PathRef) else part.left
                key[name] = self.value(value_side, {})  # type: ignore[assignment]
            else:
                rest.append(part)
        residual: Predicate | None = None
        for part in rest:
            residual = part if residual is None else Both(residual, part)
        return key, residual

    def updater(self, statement: Update) -> Updater:
        steps = []
        for path, expression in statement.assignments:
            steps.append(Step("SET", path.elements, self._setter(expression)))
        for path in statement.removals:
            steps.append(Step("REMOVE", path.elements, None))
        return Updater(steps)

    def _setter(self, expression: Expression) -> Callable[[Item], AttributeValue]:
        def computed(item: Item) -> AttributeValue:
            value = self.value(expression, item)
            if value is None:
                raise missing_attribute()
            return value
        return computed


def _flatten(node: Predicate | None, out: list[Predicate]) -> None:
    if node is None:
        return
    if isinstance(node, Both):
        _flatten(node.left, out)
        _flatten(node.right, out)
    else:
        out.append(node)


def _key_equality(node: Predicate, key_names: Sequence[str]) -> str | None:
    if not isinstance(node, Comparison) or node.operator != "=":
        return None
    for path, other in ((node.left, node.right), (node.right, node.left)):
        if isinstance(path, PathRef) and isinstance(other, Literal) and \
                len(path.elements) == 1 and path.elements[0] in key_names:
            return str(path.elements[0])
    return None


__all__ = ["Evaluator"]
