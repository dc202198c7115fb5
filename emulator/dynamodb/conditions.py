"""Condition and filter expressions: bound once per request into plain functions of an item.

Semantics from the developer guide (Expressions.OperatorsAndFunctions): a comparison of
values of different types, or with a missing attribute, is false (``<>`` is then true);
``BETWEEN`` and the ordering comparators apply to strings, numbers and binary values;
``contains`` looks into strings, sets and lists; ``size`` measures strings, binary values,
sets, lists and maps.
"""

from __future__ import annotations

from collections.abc import Callable

from emulator.dynamodb import parser
from emulator.dynamodb.binding import Binder, check_reserved
from emulator.dynamodb.nodes import (
    And,
    Arithmetic,
    Between,
    Call,
    Compare,
    Condition,
    In,
    Not,
    Operand,
    Or,
    Path,
    Value,
)
from emulator.dynamodb.paths import Resolved, get, shown
from emulator.dynamodb.placeholders import Placeholders
from emulator.dynamodb.semantics import begins_with, between, compared, contains, member
from emulator.dynamodb.values import (
    SCALAR_TYPES,
    SET_TYPES,
    TYPE_NAMES,
    TYPES,
    AttributeValue,
    Item,
    compare,
    describe,
    type_of,
)

Predicate = Callable[[Item], bool]
Getter = Callable[[Item], AttributeValue | None]

CONDITION_FUNCTIONS = {"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
                       "begins_with": 2, "contains": 2}
OPERAND_FUNCTIONS = {"size": 1}
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
MAX_IN_OPERANDS = 100
_ORDERING = frozenset({"<", "<=", ">", ">="})


def size_of(value: AttributeValue | None) -> AttributeValue | None:
    if value is None:
        return None
    kind = type_of(value)
    member = value[kind]
    if kind in ("S", "B") or kind in SET_TYPES or kind in ("L", "M"):
        return {"N": str(len(member))}
    return None


def _static(operand: Operand) -> bool:
    return isinstance(operand, Value)


class ConditionCompiler(Binder):
    """Binds a condition tree to a request, checking it as DynamoDB does."""

    def condition(self, node: Condition) -> Predicate:
        if isinstance(node, And):
            left, right = self.condition(node.left), self.condition(node.right)
            return lambda item: left(item) and right(item)
        if isinstance(node, Or):
            left, right = self.condition(node.left), self.condition(node.right)
            return lambda item: left(item) or right(item)
        if isinstance(node, Not):
            inner = self.condition(node.operand)
            return lambda item: not inner(item)
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, Between):
            return self._between(node)
        if isinstance(node, In):
            return self._in(node)
        return self._function(node)

    # -- operands ----------------------------------------------------------------------------

    def operand(self, node: Operand) -> Getter:
        if isinstance(node, Path):
            resolved = self.path(node)
            if len(resolved) == 1:
                name = str(resolved[0])
                return lambda item: item.get(name)
            return lambda item: get(item, resolved)
        if isinstance(node, Value):
            value = self.value(node)
            return lambda item: value
        if isinstance(node, Call):
            return self._operand_function(node)
        assert isinstance(node, Arithmetic)
        raise self.error(f"Syntax error; token: \"{node.operator}\", near: \"{node.operator}\"")

    def _operand_function(self, node: Call) -> Getter:
        if node.name in OPERAND_FUNCTIONS:
            self._arity(node, OPERAND_FUNCTIONS[node.name])
            path = self._path_arg(node, 0)
            return lambda item: size_of(get(item, path))
        self._known(node)
        raise self.error(f"The function is not allowed to be used this way in an expression; "
                         f"function: {node.name}")

    def _known(self, node: Call) -> None:
        if node.name in UPDATE_FUNCTIONS:
            raise self.error(f"The function is not allowed in a condition expression; "
                             f"function: {node.name}")
        if node.name not in CONDITION_FUNCTIONS and node.name not in OPERAND_FUNCTIONS:
            raise self.error(f"Invalid function name; function: {node.name}")

    def _arity(self, node: Call, expected: int) -> None:
        if len(node.args) != expected:
            raise self.error(
                f"Incorrect number of operands for operator or function; operator or function: "
                f"{node.name}, number of operands: {len(node.args)}")

    def _path_arg(self, node: Call, index: int) -> Resolved:
        arg = node.args[index]
        if not isinstance(arg, Path):
            raise self.error(f"Operator or function requires a document path; operator or "
                             f"function: {node.name}")
        return self.path(arg)

    def _operand_type(self, what: str, value: AttributeValue, function: bool = True) -> None:
        label = "operator or function" if function else "operator"
        raise self.error(f"Incorrect operand type for operator or function; {label}: {what}, "
                         f"operand type: {TYPE_NAMES[type_of(value)]}")

    def _distinct(self, operator: str, first: Operand, others: tuple[Operand, ...]) -> None:
        if isinstance(first, Path) and any(other == first for other in others):
            raise self.error(
                f"The first operand must be distinct from the remaining operands for this "
                f"operator or function; operator: {operator}, first operand: "
                f"{shown(self.path(first))}")

    # -- predicates --------------------------------------------------------------------------

    def _compare(self, node: Compare) -> Predicate:
        left, right = self.operand(node.left), self.operand(node.right)
        operator = node.operator
        if operator in _ORDERING:
            for side in (node.left, node.right):
                if isinstance(side, Value):
                    value = self.value(side)
                    if type_of(value) not in SCALAR_TYPES:
                        self._operand_type(operator, value, function=False)
        self._distinct(operator, node.left, (node.right,))
        return lambda item: compared(operator, left(item), right(item))

    def _between(self, node: Between) -> Predicate:
        operand, low, high = (self.operand(node.operand), self.operand(node.low),
                              self.operand(node.high))
        for side in (node.operand, node.low, node.high):
            if isinstance(side, Value):
                value = self.value(side)
                if type_of(value) not in SCALAR_TYPES:
                    self._operand_type("BETWEEN", value, function=False)
        if isinstance(node.low, Value) and isinstance(node.high, Value):
            a, b = self.value(node.low), self.value(node.high)
            order = compare(a, b)
            if order is not None and order > 0:
                raise self.error(
                    f"The BETWEEN operator requires upper bound to be greater than or equal to "
                    f"lower bound; lower bound operand: AttributeValue: {describe(a)}, upper "
                    f"bound operand: AttributeValue: {describe(b)}")
        self._distinct("BETWEEN", node.operand, (node.low, node.high))
        return lambda item: between(operand(item), low(item), high(item))

    def _in(self, node: In) -> Predicate:
        if len(node.options) > MAX_IN_OPERANDS:
            raise self.error(f"The IN operator is provided with too many operands; number of "
                             f"operands: {len(node.options)}")
        operand = self.operand(node.operand)
        options = [self.operand(option) for option in node.options]
        self._distinct("IN", node.operand, node.options)
        return lambda item: member(operand(item), (option(item) for option in options))

    def _function(self, node: Call) -> Predicate:
        self._known(node)
        if node.name in OPERAND_FUNCTIONS:
            raise self.error(f"The function is not allowed to be used this way in an "
                             f"expression; function: {node.name}")
        self._arity(node, CONDITION_FUNCTIONS[node.name])
        path = self._path_arg(node, 0)
        if node.name == "attribute_exists":
            return lambda item: get(item, path) is not None
        if node.name == "attribute_not_exists":
            return lambda item: get(item, path) is None
        if node.name == "attribute_type":
            return self._attribute_type(node, path)
        second = self.operand(node.args[1])
        if node.name == "begins_with":
            if isinstance(node.args[1], Value):
                value = self.value(node.args[1])
                if type_of(value) not in ("S", "B"):
                    self._operand_type(node.name, value)
            return lambda item: begins_with(get(item, path), second(item))
        if isinstance(node.args[1], Path) and self.path(node.args[1]) == path:
            raise self.error(
                f"The first operand must be distinct from the remaining operands for this "
                f"operator or function; operator: {node.name}, first operand: {shown(path)}")
        return lambda item: contains(get(item, path), second(item))

    def _attribute_type(self, node: Call, path: Resolved) -> Predicate:
        arg = node.args[1]
        if not isinstance(arg, Value):
            raise self.error(f"Incorrect operand type for operator or function; operator or "
                             f"function: {node.name}, operand type: PATH")
        value = self.value(arg)
        if type_of(value) != "S":
            self._operand_type(node.name, value)
        wanted = value["S"]
        if wanted not in TYPES:
            raise self.error(f"Invalid attribute type name found; type: {wanted}, valid types: "
                             "{ B,NULL,SS,BOOL,L,BS,N,NS,S,M }")
        return lambda item: (found := get(item, path)) is not None and type_of(found) == wanted


def compile_condition(text: str, placeholders: Placeholders,
                      kind: str = "ConditionExpression") -> Predicate:
    """The predicate of a condition or filter expression, checked against the request."""
    tree = parser.condition(text, kind)
    check_reserved(tree, kind)
    return ConditionCompiler(placeholders, kind).condition(tree)


__all__ = ["CONDITION_FUNCTIONS", "ConditionCompiler", "Predicate", "compile_condition",
           "size_of"]
