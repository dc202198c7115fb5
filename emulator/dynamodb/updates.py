"""Update expressions: SET, REMOVE, ADD and DELETE, bound once per request.

Semantics from the developer guide (Expressions.UpdateExpressions): every operand reads the
item as it was before the update; ``SET`` past a list's end appends; ``REMOVE`` of list
elements shifts the rest; ``ADD`` adds to a number or unions a set (and creates either);
``DELETE`` takes elements from a set and removes a set left empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from emulator.dynamodb import numbers, parser
from emulator.dynamodb.binding import Binder, check_reserved
from emulator.dynamodb.conditions import CONDITION_FUNCTIONS, OPERAND_FUNCTIONS
from emulator.dynamodb.errors import ValidationError
from emulator.dynamodb.nodes import (
    AddAction,
    Arithmetic,
    Call,
    DeleteAction,
    Operand,
    Path,
    RemoveAction,
    SetAction,
    Value,
)
from emulator.dynamodb.paths import Resolved, check_overlaps, get, put, remove
from emulator.dynamodb.placeholders import Placeholders
from emulator.dynamodb.values import (
    SET_TYPES,
    TYPE_NAMES,
    AttributeValue,
    Item,
    copy,
    set_difference,
    set_union,
    type_of,
)

KIND = "UpdateExpression"
Getter = Callable[[Item], AttributeValue]


def wrong_type() -> ValidationError:
    return ValidationError("An operand in the update expression has an incorrect data type")


def missing_attribute() -> ValidationError:
    return ValidationError("The provided expression refers to an attribute that does not exist "
                           "in the item")


def constant(value: AttributeValue) -> Getter:
    return lambda item: value


@dataclass
class Step:
    action: str  # SET, REMOVE, ADD, DELETE
    path: Resolved
    value: Getter | None


class Updater:
    """A bound update expression: ``apply`` returns the updated copy of an item."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.paths = [step.path for step in steps]

    def apply(self, item: Item) -> Item:
        # Operands read the item as it was; then the actions change a copy.
        values = [step.value(item) if step.value is not None else None for step in self.steps]
        result = {name: copy(value) for name, value in item.items()}
        removals: list[Resolved] = []
        for step, value in zip(self.steps, values, strict=True):
            if step.action == "SET":
                assert value is not None
                put(result, step.path, copy(value))
            elif step.action == "REMOVE":
                removals.append(step.path)
            elif step.action == "ADD":
                assert value is not None
                _add(result, step.path, value)
            else:
                assert value is not None
                _delete(result, step.path, value)
        # List elements go from the highest index down, so each index means what it meant.
        for path in sorted(removals, key=_removal_order, reverse=True):
            remove(result, path)
        return result


def _removal_order(path: Resolved) -> tuple[int, ...]:
    return tuple(e if isinstance(e, int) else -1 for e in path)


def _add(item: Item, path: Resolved, value: AttributeValue) -> None:
    current = get(item, path)
    kind = type_of(value)
    if current is None:
        put(item, path, copy(value))
        return
    if type_of(current) != kind:
        raise wrong_type()
    if kind == "N":
        total = numbers.add(Decimal(current["N"]), Decimal(value["N"]))
        put(item, path, {"N": numbers.text(total)})
    else:
        put(item, path, {kind: set_union(kind, current[kind], value[kind])})


def _delete(item: Item, path: Resolved, value: AttributeValue) -> None:
    current = get(item, path)
    if current is None:
        return
    kind = type_of(value)
    if type_of(current) != kind:
        raise wrong_type()
    remaining = set_difference(current[kind], value[kind])
    if remaining:
        put(item, path, {kind: remaining})
    else:
        remove(item, path)


class UpdateCompiler(Binder):
    def __init__(self, placeholders: Placeholders) -> None:
        super().__init__(placeholders, KIND)

    def steps(self, actions: tuple[object, ...]) -> list[Step]:
        steps: list[Step] = []
        for action in actions:
            if isinstance(action, SetAction):
                path = self.path(action.path)
                steps.append(Step("SET", path, self.set_value(action.value)))
            elif isinstance(action, RemoveAction):
                steps.append(Step("REMOVE", self.path(action.path), None))
            elif isinstance(action, AddAction):
                path = self.path(action.path)
                value = self._set_or_number("ADD", action.value, allow_number=True)
                steps.append(Step("ADD", path, constant(value)))
            else:
                assert isinstance(action, DeleteAction)
                path = self.path(action.path)
                value = self._set_or_number("DELETE", action.value, allow_number=False)
                steps.append(Step("DELETE", path, constant(value)))
        return steps

    def _set_or_number(self, operator: str, operand: Operand, *, allow_number: bool
                       ) -> AttributeValue:
        if not isinstance(operand, Value):
            raise self.error(f"Syntax error; token: \"{_token(operand)}\", near: "
                             f"\"{operator.lower()} {_token(operand)}\"")
        value = self.value(operand)
        kind = type_of(value)
        if kind not in SET_TYPES and not (allow_number and kind == "N"):
            raise self.error(
                f"Incorrect operand type for operator or function; operator: {operator}, "
                f"operand type: {TYPE_NAMES[kind]}, typeSet: ALLOWED_FOR_{operator}_OPERAND")
        return value

    def set_value(self, node: Operand) -> Getter:
        if isinstance(node, Arithmetic):
            left, right = self.operand(node.left), self.operand(node.right)
            for side in (node.left, node.right):
                if isinstance(side, Value) and type_of(self.value(side)) != "N":
                    raise self.error(
                        f"Incorrect operand type for operator or function; operator: "
                        f"{node.operator}, operand type: {TYPE_NAMES[type_of(self.value(side))]}")
            combine = numbers.add if node.operator == "+" else numbers.subtract

            def arithmetic(item: Item) -> AttributeValue:
                a, b = left(item), right(item)
                if type_of(a) != "N" or type_of(b) != "N":
                    raise wrong_type()
                return {"N": numbers.text(combine(Decimal(a["N"]), Decimal(b["N"])))}
            return arithmetic
        return self.operand(node)

    def operand(self, node: Operand) -> Getter:
        if isinstance(node, Path):
            resolved = self.path(node)

            def read(item: Item) -> AttributeValue:
                found = get(item, resolved)
                if found is None:
                    raise missing_attribute()
                return found
            return read
        if isinstance(node, Value):
            value = self.value(node)
            return lambda item: value
        if isinstance(node, Call):
            return self._function(node)
        raise self.error(f"Syntax error; token: \"{node.operator}\", near: \"{node.operator}\"")

    def _function(self, node: Call) -> Getter:
        if node.name in CONDITION_FUNCTIONS or node.name in OPERAND_FUNCTIONS:
            raise self.error(f"The function is not allowed in an update expression; function: "
                             f"{node.name}")
        if node.name not in ("if_not_exists", "list_append"):
            raise self.error(f"Invalid function name; function: {node.name}")
        if len(node.args) != 2:
            raise self.error(
                f"Incorrect number of operands for operator or function; operator or function: "
                f"{node.name}, number of operands: {len(node.args)}")
        if node.name == "if_not_exists":
            first = node.args[0]
            if not isinstance(first, Path):
                raise self.error(f"Operator or function requires a document path; operator or "
                                 f"function: {node.name}")
            path = self.path(first)
            fallback = self.operand(node.args[1])

            def if_not_exists(item: Item) -> AttributeValue:
                found = get(item, path)
                return found if found is not None else fallback(item)
            return if_not_exists
        for arg in node.args:
            if isinstance(arg, Value) and type_of(self.value(arg)) != "L":
                raise self.error(
                    f"Incorrect operand type for operator or function; operator or function: "
                    f"list_append, operand type: {TYPE_NAMES[type_of(self.value(arg))]}")
        left, right = self.operand(node.args[0]), self.operand(node.args[1])

        def list_append(item: Item) -> AttributeValue:
            a, b = left(item), right(item)
            if type_of(a) != "L" or type_of(b) != "L":
                raise wrong_type()
            return {"L": [*a["L"], *b["L"]]}
        return list_append


def _token(operand: object) -> str:
    if isinstance(operand, Path):
        first = operand.elements[0]
        return str(first.text if not isinstance(first, int) else first)
    if isinstance(operand, Call):
        return operand.name
    return "("


def compile_update(text: str, placeholders: Placeholders) -> Updater:
    tree = parser.update(text)
    check_reserved(tree, KIND)
    steps = UpdateCompiler(placeholders).steps(tree.actions)
    check_overlaps([step.path for step in steps], KIND)
    return Updater(steps)


__all__ = ["Step", "Updater", "compile_update", "constant", "missing_attribute", "wrong_type"]
