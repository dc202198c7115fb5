"""The values a fuzzer throws at a member: edge strings (surrogates, control characters,
1 MB), huge and negative numbers, wrong enums, and mutations of an otherwise valid request
(a member replaced, a required member dropped, nesting past any sane depth)."""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, Shape, StructureShape
from hypothesis import strategies as st

MEGABYTE = 1 << 20

EDGE_STRINGS = [
    "", " ", "\ud800", "a\udfffb", "\x00", "\x1b[31m", "\u200b\ufeff", "\U0001f600" * 3,
    "a" * 300, "../../../etc/passwd", "%00%ff", "${jndi:x}", "*", "null", "{", "\\",
    "arn:aws:lambda:us-east-1:000000000000:function:x", "' OR 1=1 --", "<x>&amp;</x>",
    "\r\nX-Injected: 1", "9" * 40,
]
EDGE_NUMBERS = [0, -1, -(2**31) - 1, 2**31, -(2**63), 2**63, 2**64 + 1, 10**30, 1e308,
                -1e308, 0.5, -0.0]
EDGE_BLOBS = [b"", b"\x00", b"\xff\xfe\xfd", b"PK\x03\x04" + b"\x00" * 26]


def edge_value(shape: Shape, huge: bool) -> st.SearchStrategy[Any]:
    """A value of ``shape``'s type that a careful server must still answer calmly."""
    kind = shape.type_name
    if kind == "string":
        choices = list(EDGE_STRINGS)
        if getattr(shape, "enum", None):
            choices += ["NOT_A_VALUE", str(shape.enum[0]).lower() + "x"]
        if huge:
            choices.append("x" * MEGABYTE)
        return st.sampled_from(choices)
    if kind in ("integer", "long", "float", "double"):
        return st.sampled_from(EDGE_NUMBERS)
    if kind == "blob":
        return st.sampled_from(EDGE_BLOBS + ([b"\x01" * MEGABYTE] if huge else []))
    if kind == "boolean":
        return st.sampled_from([True, False, "maybe", 2])
    if kind == "timestamp":
        return st.sampled_from([0, -1, 2**40, 1e308])
    if kind == "list":
        return st.sampled_from([[], ["x"] * 1000, [None]])
    if kind == "map":
        return st.sampled_from([{}, {"": ""}, {f"k{i}": "v" for i in range(200)}])
    return st.sampled_from([{}, None, "x", 1])


def members(value: Any, shape: Shape, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...],
                                                                                 Shape]]:
    """Every place in ``value`` a mutation can land, with the shape found there."""
    found: list[tuple[tuple[Any, ...], Shape]] = []
    if isinstance(shape, StructureShape) and isinstance(value, dict) and (
            not shape.is_document_type):
        for name, member in shape.members.items():
            if name in value:
                found.append(((*path, name), member))
                found += members(value[name], member, (*path, name))
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            found.append(((*path, index), shape.member))
            found += members(item, shape.member, (*path, index))
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, item in value.items():
            found.append(((*path, key), shape.value))
            found += members(item, shape.value, (*path, key))
    return found


def put(value: Any, path: tuple[Any, ...], new: Any) -> None:
    for step in path[:-1]:
        value = value[step]
    value[path[-1]] = new


def drop(value: Any, path: tuple[Any, ...]) -> None:
    for step in path[:-1]:
        value = value[step]
    del value[path[-1]]


@st.composite
def mutated(draw: st.DrawFn, operation: OperationModel, base: st.SearchStrategy[Any],
            huge: bool, pool: list[str]) -> tuple[dict[str, Any], str]:
    """A valid request aimed at existing resources (names drawn from ``pool``) with one to
    three members broken; returns it and what was done."""
    params: dict[str, Any] = draw(base)
    shape = operation.input_shape
    if shape is None:
        return params, "no input"
    done = []
    if pool:
        for path, member in members(params, shape):
            if member.type_name == "string" and not getattr(member, "enum", None) and (
                    draw(st.booleans())):
                put(params, path, draw(st.sampled_from(pool)))
    for _ in range(draw(st.integers(1, 3))):
        places = members(params, shape)
        required = [name for name in shape.required_members if name in params]
        kind = draw(st.sampled_from(["edge", "edge", "drop", "add"]))
        if kind == "drop" and required:
            name = draw(st.sampled_from(required))
            del params[name]
            done.append(f"dropped {name}")
        elif kind == "add":
            absent = [name for name in shape.members if name not in params
                      and not shape.members[name].serialization.get("eventstream")]
            if absent:
                name = draw(st.sampled_from(absent))
                params[name] = draw(edge_value(shape.members[name], huge))
                done.append(f"added {name}")
        elif places:
            path, member = draw(st.sampled_from(places))
            put(params, path, draw(edge_value(member, huge)))
            done.append(f"edge at {'.'.join(map(str, path))}")
    return params, "; ".join(done) or "unchanged"


def deep_json(depth: int, opener: str = "[") -> str:
    closer = "]" if opener == "[" else "}"
    if opener == "{":
        return '{"a":' * depth + "1" + closer * depth
    return opener * depth + closer * depth
