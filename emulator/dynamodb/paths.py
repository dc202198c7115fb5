"""Document paths over items: read, write, remove, and project a set of paths.

A resolved path is a tuple of attribute names (str) and list indexes (int), its first
element always a name.
"""

from __future__ import annotations

from typing import Any

from emulator.dynamodb.errors import ValidationError
from emulator.dynamodb.values import AttributeValue, Item, copy

Resolved = tuple[str | int, ...]


def shown(path: Resolved) -> str:
    """A path as DynamoDB shows it in overlap messages: ``[a, b, [0]]``."""
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in path) + "]"


def get(item: Item, path: Resolved) -> AttributeValue | None:
    """The value at ``path``, or None when any step is missing or of the wrong type."""
    first = path[0]
    assert isinstance(first, str)
    value: Any = item.get(first)
    for element in path[1:]:
        if value is None:
            return None
        if isinstance(element, int):
            members = value.get("L")
            value = members[element] if members is not None and element < len(members) else None
        else:
            members = value.get("M")
            value = members.get(element) if members is not None else None
    return value  # type: ignore[no-any-return]


def invalid_for_update() -> ValidationError:
    return ValidationError("The document path provided in the update expression is invalid "
                           "for update")


def _parent(item: Item, path: Resolved) -> Any:
    """The map or list that holds the last element of ``path`` (its member container)."""
    if len(path) == 1:
        return item
    parent = get(item, path[:-1])
    last = path[-1]
    if parent is None:
        raise invalid_for_update()
    if isinstance(last, int):
        if "L" not in parent:
            raise invalid_for_update()
        return parent["L"]
    if "M" not in parent:
        raise invalid_for_update()
    return parent["M"]


def put(item: Item, path: Resolved, value: AttributeValue) -> None:
    """Set the value at ``path``; an index past a list's end appends."""
    container = _parent(item, path)
    last = path[-1]
    if isinstance(last, int):
        if last < len(container):
            container[last] = value
        else:
            container.append(value)
    else:
        container[last] = value


def remove(item: Item, path: Resolved) -> None:
    """Remove the value at ``path`` if it is there (a list's later elements move up)."""
    if len(path) == 1:
        item.pop(path[0], None)  # type: ignore[arg-type]
        return
    parent = get(item, path[:-1])
    last = path[-1]
    if parent is None:
        raise invalid_for_update()
    if isinstance(last, int):
        members = parent.get("L")
        if members is None:
            raise invalid_for_update()
        if last < len(members):
            del members[last]
    else:
        mapping = parent.get("M")
        if mapping is None:
            raise invalid_for_update()
        mapping.pop(last, None)


def check_overlaps(paths: list[Resolved], kind: str) -> None:
    """DynamoDB's overlap and conflict errors for paths that address the same data."""
    for i, one in enumerate(paths):
        for two in paths[i + 1:]:
            shared = 0
            while shared < min(len(one), len(two)) and one[shared] == two[shared]:
                shared += 1
            if shared == min(len(one), len(two)):
                raise ValidationError(
                    f"Invalid {kind}: Two document paths overlap with each other; must remove "
                    f"or rewrite one of these paths; path one: {shown(one)}, path two: "
                    f"{shown(two)}")
            if isinstance(one[shared], int) != isinstance(two[shared], int):
                raise ValidationError(
                    f"Invalid {kind}: Two document paths conflict with each other; must remove "
                    f"or rewrite one of these paths; path one: {shown(one)}, path two: "
                    f"{shown(two)}")


def project(item: Item, paths: list[Resolved]) -> Item:
    """The parts of ``item`` at ``paths``: maps keep the named members, lists keep the chosen
    elements in index order; paths to nothing add nothing."""
    out: Item = {}
    for path in paths:
        value = get(item, path)
        if value is not None:
            _merge(out, path, value)
    _compact(out)
    return out


def _merge(out: Item, path: Resolved, value: AttributeValue) -> None:
    # Lists are built as {index: element} while merging, then compacted in index order.
    target: Any = out
    for depth, element in enumerate(path):
        if depth == len(path) - 1:
            target[element] = copy(value)
            return
        kind = "L" if isinstance(path[depth + 1], int) else "M"
        node = target.get(element)
        if node is None:
            node = {kind: {}}
            target[element] = node
        target = node[kind]


def _compact(mapping: dict[Any, Any]) -> None:
    for name, value in list(mapping.items()):
        mapping[name] = _compact_value(value)


def _compact_value(value: AttributeValue) -> AttributeValue:
    if "L" in value and isinstance(value["L"], dict):
        return {"L": [_compact_value(value["L"][i]) for i in sorted(value["L"])]}
    if "M" in value and isinstance(value["M"], dict):
        return {"M": {k: _compact_value(v) for k, v in value["M"].items()}}
    return value


__all__ = ["Resolved", "check_overlaps", "get", "invalid_for_update", "project", "put",
           "remove", "shown"]
