"""Requests to input-shape params, for the json, rest-json and query (and ec2) protocols.

Each protocol reads its own places (body, headers, URI labels, query string); values are
converted by shape so providers get ``int``, ``bytes``, ``datetime`` and so on.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import unquote

from botocore.model import OperationModel, Shape, StructureShape
from botocore.utils import parse_timestamp

from emulator import inbound
from emulator.errors import ServiceError
from emulator.wire import chunked
from emulator.wire.request import WireRequest

Params = dict[str, Any]


class WireTypeError(Exception):
    """A value whose type does not fit its shape; the dispatcher turns it into AWS's error."""

    def __init__(self, path: str, expected: str, value: object) -> None:
        super().__init__(f"{path}: expected {expected}, got {type(value).__name__}")
        self.path = path
        self.expected = expected
        self.value = value
        # The query parameter or header the value came in, for protocols that name it.
        self.wire_name: str | None = None


def serialization_error(message: str) -> ServiceError:
    return ServiceError("SerializationException", message, status=400)


# -- scalars -------------------------------------------------------------------------------

def _to_timestamp(value: object, path: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise WireTypeError(path, "timestamp", value)
    if not isinstance(value, str):
        # Epoch seconds, as the json protocols send them: straight to UTC, without botocore's
        # detour through the local zone (a tenth of a millisecond per timestamp).
        try:
            return datetime.fromtimestamp(value, UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise WireTypeError(path, "timestamp", value) from exc
    try:
        parsed: datetime = parse_timestamp(value)
    except (ValueError, TypeError, OverflowError, RuntimeError) as exc:
        raise WireTypeError(path, "timestamp", value) from exc
    # Providers always get aware UTC datetimes, whatever zone (or none) the client wrote.
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _to_blob(value: object, path: str) -> bytes:
    if not isinstance(value, str):
        raise WireTypeError(path, "base64 string", value)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WireTypeError(path, "base64 string", value) from exc


_SPECIAL_FLOATS = frozenset({"NaN", "Infinity", "-Infinity"})


def native_scalar(kind: str, value: object, path: str) -> object:
    """A string, number or boolean as a document format (JSON, CBOR) carries it natively,
    checked against the type its shape names; other kinds pass through untouched."""
    if kind == "string":
        if not isinstance(value, str):
            raise WireTypeError(path, "string", value)
        return value
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise WireTypeError(path, "integer", value)
        return value
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise WireTypeError(path, "number", value)
        return float(value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise WireTypeError(path, "boolean", value)
        return value
    return value  # document types pass through untouched


def _json_scalar(shape: Shape, value: object, path: str) -> object:
    kind = shape.type_name
    if kind in ("float", "double") and isinstance(value, str) and value in _SPECIAL_FLOATS:
        return float(value)  # JSON has no literal for these; clients send strings
    if kind == "blob":
        return _to_blob(value, path)
    if kind == "timestamp":
        return _to_timestamp(value, path)
    return native_scalar(kind, value, path)


def text_scalar(shape: Shape, text: str, path: str) -> object:
    """A scalar written as text (query strings, headers, URI labels)."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
    except ValueError as exc:
        raise WireTypeError(path, kind, text) from exc
    if kind == "boolean":
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise WireTypeError(path, "boolean", text)
        return lowered == "true"
    if kind == "blob":
        return _to_blob(text, path)
    if kind == "timestamp":
        return _to_timestamp(text, path)
    return text


# -- JSON documents (json and rest-json bodies) --------------------------------------------

# Each structure's members with the names they travel under, worked out once per shape (the
# models are loaded once, so the shapes, and this cache, stay for the life of the process).
_MEMBER_NAMES: dict[StructureShape, tuple[tuple[str, str, Shape], ...]] = {}


def _members(shape: StructureShape) -> tuple[tuple[str, str, Shape], ...]:
    found = _MEMBER_NAMES.get(shape)
    if found is None:
        found = _MEMBER_NAMES[shape] = tuple(
            (name, member.serialization.get("name", name), member)
            for name, member in shape.members.items())
    return found


def from_document(shape: Shape, value: object, path: str,
                  leaf: Callable[[Shape, object, str], object]) -> object:
    """A decoded document body (JSON, CBOR) checked against ``shape`` and keyed by member
    names: structures, lists and maps are walked here, every other value is ``leaf``'s."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if shape.is_document_type:
            return value  # any value, handed over as it came
        if not isinstance(value, dict):
            raise WireTypeError(path, "structure", value)
        result: Params = {}
        for name, wire_name, member in _members(shape):
            item = value.get(wire_name)
            if item is not None:
                result[name] = from_document(member, item, f"{path}.{name}", leaf)
        return result
    if kind == "list":
        if not isinstance(value, list):
            raise WireTypeError(path, "list", value)
        member_shape = shape.member
        keep_nulls = getattr(member_shape, "is_document_type", False)  # null is a document
        return [
            from_document(member_shape, item, f"{path}.{index}", leaf)
            for index, item in enumerate(value, 1)
            if item is not None or keep_nulls
        ]
    if kind == "map":
        if not isinstance(value, dict):
            raise WireTypeError(path, "map", value)
        value_shape = shape.value
        return {
            str(key): from_document(value_shape, item, f"{path}.{key}", leaf)
            for key, item in value.items()
            if item is not None
        }
    return leaf(shape, value, path)


def from_json(shape: Shape, value: object, path: str) -> object:
    return from_document(shape, value, path, _json_scalar)


def _load_json_body(body: bytes) -> object:
    if not body.strip():
        return {}
    try:
        # Nesting past the limit, invalid UTF-8 and lone surrogates count as malformed.
        return inbound.loads(body)
    except (ValueError, RecursionError) as exc:
        raise serialization_error("Start of structure or map found where not expected.") from exc


def parse_json(operation: OperationModel, request: WireRequest) -> Params:
    shape = operation.input_shape
    document = _load_json_body(request.body)
    if shape is None:
        return {}
    parsed = from_json(shape, document, "")
    assert isinstance(parsed, dict)
    return parsed


# -- rest-json -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _RestPlan:
    """Where each input member of a rest operation travels, worked out once per operation."""

    uri: tuple[tuple[str, Shape, str], ...]
    query: tuple[tuple[str, Shape, str], ...]
    query_map: tuple[str, Shape] | None  # a map member that takes the other query parameters
    reserved_query: frozenset[str]  # keys bound to named members or to the request URI
    header: tuple[tuple[str, Shape, str], ...]
    header_maps: tuple[tuple[str, str], ...]  # (member, lower-case prefix)
    payload: tuple[str, Shape] | None
    body: tuple[tuple[str, Shape, str], ...]


@cache
def _rest_plan(operation: OperationModel) -> _RestPlan:
    shape = operation.input_shape
    assert isinstance(shape, StructureShape)
    uri, query, header, body = [], [], [], []
    header_maps: list[tuple[str, str]] = []
    query_map: tuple[str, Shape] | None = None
    payload: tuple[str, Shape] | None = None
    payload_name = shape.serialization.get("payload")
    reserved = {
        item.partition("=")[0]
        for item in operation.http.get("requestUri", "").partition("?")[2].split("&")
        if item
    }
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            uri.append((name, member, wire_name))
        elif location == "querystring":
            if member.type_name == "map":
                query_map = (name, member)
            else:
                query.append((name, member, wire_name))
                reserved.add(wire_name)
        elif location == "header":
            header.append((name, member, wire_name.lower()))
        elif location == "headers":
            header_maps.append((name, wire_name.lower()))
        elif location == "statusCode":
            continue
        elif name == payload_name:
            payload = (name, member)
        else:
            body.append((name, member, wire_name))
    return _RestPlan(
        tuple(uri), tuple(query), query_map, frozenset(reserved), tuple(header),
        tuple(header_maps), payload, tuple(body) if payload_name is None else (),
    )


BodyReader = Callable[[Shape, bytes, str], object]


def parse_rest(
    operation: OperationModel, request: WireRequest, labels: dict[str, str],
    read_document: BodyReader,
) -> Params:
    """A rest request's members from their places: URI labels, query string, headers, then
    the body, whose documents ``read_document`` reads (JSON or XML)."""
    if operation.input_shape is None:
        return {}
    plan = _rest_plan(operation)
    params: Params = {}
    for name, member, wire_name in plan.uri:
        if wire_name in labels:
            params[name] = text_scalar(member, labels[wire_name], name)
    if plan.query or plan.query_map:
        query: dict[str, list[str]] = {}
        for key, value in request.query_items:
            query.setdefault(key, []).append(value)
        for name, member, wire_name in plan.query:
            if wire_name in query:
                params[name] = _named(wire_name, _from_query_string, member, query[wire_name],
                                      name)
        if plan.query_map is not None:
            name, member = plan.query_map
            rest = {k: v for k, v in query.items() if k not in plan.reserved_query}
            if rest:
                many = member.value.type_name == "list"
                params[name] = rest if many else {k: v[-1] for k, v in rest.items()}
    headers = request.headers
    for name, member, wire_name in plan.header:
        header = headers.get(wire_name)
        if header is not None:
            params[name] = _named(wire_name, _from_header, member, header, name)
    for name, prefix in plan.header_maps:
        found = {key[len(prefix):]: value for key, value in headers.items()
                 if key.startswith(prefix)}
        if found:
            params[name] = found
    if plan.payload is not None:
        name, member = plan.payload
        if request.stream is not None and member.serialization.get("streaming"):
            params[name] = chunked.decoded(request.stream, request.headers)
        else:
            required = name in operation.input_shape.required_members
            payload = _parse_payload(member, request.body, name, read_document, required)
            if payload is not None:
                params[name] = payload
    elif plan.body:
        document = read_document(operation.input_shape, request.body, "")
        if document is None:
            document = {}
        if not isinstance(document, dict):
            raise WireTypeError("", "structure", document)
        for name, _member, _wire_name in plan.body:
            item = document.get(name)
            if item is not None:
                params[name] = item
    return params


def _json_document(shape: Shape, body: bytes, path: str) -> object:
    document = _load_json_body(body)
    if document == {} and not body.strip():
        return None
    if not path and isinstance(shape, StructureShape) and isinstance(document, dict):
        # The body members of a rest request are named without a leading dot.
        members: Params = {}
        for name, member in shape.members.items():
            item = document.get(member.serialization.get("name", name))
            if item is not None:
                members[name] = from_json(member, item, name)
        return members
    return from_json(shape, document, path)


def parse_rest_json(
    operation: OperationModel, request: WireRequest, labels: dict[str, str]
) -> Params:
    return parse_rest(operation, request, labels, _json_document)


def _from_query_string(shape: Shape, values: list[str], path: str) -> object:
    if shape.type_name == "list":
        member = shape.member
        return [text_scalar(member, item, path) for item in values]
    return text_scalar(shape, values[-1], path)


def _split_header_list(header: str) -> list[str]:
    """Items of a comma-separated header; items with commas or quotes come double-quoted."""
    if '"' not in header:
        return [item.strip() for item in header.split(",")]
    items: list[str] = []
    position, size = 0, len(header)
    while position <= size:
        while position < size and header[position] in " \t":
            position += 1
        if position < size and header[position] == '"':
            position += 1
            chars: list[str] = []
            while position < size and header[position] != '"':
                if header[position] == "\\" and position + 1 < size:
                    position += 1
                chars.append(header[position])
                position += 1
            items.append("".join(chars))
            comma = header.find(",", position)
            position = size + 1 if comma < 0 else comma + 1
        else:
            comma = header.find(",", position)
            end = size if comma < 0 else comma
            items.append(header[position:end].strip())
            position = end + 1
    return items


def _named(wire_name: str, read: Callable[[Shape, Any, str], object], shape: Shape,
           value: Any, path: str) -> object:
    """``read(shape, value, path)``, a type error naming the parameter or header it came in."""
    try:
        return read(shape, value, path)
    except WireTypeError as exc:
        exc.wire_name = wire_name
        raise


def _from_header(shape: Shape, header: str, path: str) -> object:
    if shape.type_name == "list":
        member = shape.member
        return [_from_header(member, item, path) for item in _split_header_list(header)]
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        try:
            return inbound.loads(base64.b64decode(header))
        except (ValueError, binascii.Error) as exc:
            raise WireTypeError(path, "base64 JSON", header) from exc
    return text_scalar(shape, header, path)


def _parse_payload(shape: Shape, body: bytes, path: str, read_document: BodyReader,
                   required: bool = False) -> object:
    if shape.type_name == "blob":
        return body
    if shape.type_name == "string":
        return body.decode("utf-8", errors="replace") if body or required else None
    if not body.strip():
        return None
    return read_document(shape, body, path)


# -- query ---------------------------------------------------------------------------------

class _FlatForm:
    """Form fields indexed by prefix: which keys continue each dotted prefix."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        self.children: dict[str, set[str]] = {}
        for key in fields:
            parent = ""
            for part in key.split("."):
                self.children.setdefault(parent, set()).add(part)
                parent = f"{parent}.{part}" if parent else part

    def has(self, prefix: str) -> bool:
        parent, _, last = prefix.rpartition(".")
        return last in self.children.get(parent, ())

    def indices(self, prefix: str) -> list[int]:
        """The item numbers under ``prefix`` in order; gaps are allowed, as clients skip
        items that serialise to nothing."""
        return sorted(int(part) for part in self.children.get(prefix, ()) if part.isdigit())


def _query_name(shape: Shape, default: str) -> str:
    name: str = shape.serialization.get("name", default)
    return name


def _query_member_key(shape: Shape, default: str, ec2: bool = False) -> str:
    """The key a structure member is sent under: a flattened list with a named member
    replaces the member's own name with its items' name (``AttributeName.1``). The ec2
    protocol sends ``queryName``, else ``locationName`` with a capital first letter."""
    if ec2:
        query_name = shape.serialization.get("queryName")
        if query_name:
            return str(query_name)
        name = str(shape.serialization.get("name") or default)
        return name[:1].upper() + name[1:]
    if shape.type_name == "list" and shape.serialization.get("flattened"):
        item_name = shape.member.serialization.get("name")
        if item_name:
            return str(item_name)
    return _query_name(shape, default)


def _from_query(shape: Shape, form: _FlatForm, prefix: str, ec2: bool = False) -> object:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        result: Params = {}
        for name, member in shape.members.items():
            key = _query_member_key(member, name, ec2)
            member_prefix = f"{prefix}.{key}" if prefix else key
            if form.has(member_prefix):
                value = _from_query(member, form, member_prefix, ec2)
                if value is not None:
                    result[name] = value
        return result
    if kind == "list":
        if form.fields.get(prefix) == "":
            return []
        member = shape.member
        # A flattened list (and every ec2 list): the structure already named the items.
        list_prefix = prefix
        if not ec2 and not shape.serialization.get("flattened"):
            list_prefix = f"{prefix}.{member.serialization.get('name', 'member')}"
        return [
            _from_query(member, form, f"{list_prefix}.{index}", ec2)
            for index in form.indices(list_prefix)
        ]
    if kind == "map":
        full_prefix = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_shape = shape.key
        value_shape = shape.value
        key_suffix = _query_name(key_shape, "key")
        value_suffix = _query_name(value_shape, "value")
        mapping: dict[str, object] = {}
        for index in form.indices(full_prefix):
            entry_key = form.fields.get(f"{full_prefix}.{index}.{key_suffix}")
            if entry_key is not None:
                mapping[entry_key] = _from_query(value_shape, form,
                                                 f"{full_prefix}.{index}.{value_suffix}", ec2)
        return mapping
    text = form.fields.get(prefix)
    if text is None:
        return None
    return text_scalar(shape, text, prefix)


def parse_query(operation: OperationModel, request: WireRequest) -> Params:
    return parse_query_fields(operation, request.form)


def parse_query_fields(operation: OperationModel, form: Mapping[str, str]) -> Params:
    """An operation's input from its query-protocol form fields (``Name.1.Value``...)."""
    shape = operation.input_shape
    if shape is None:
        return {}
    fields = {k: v for k, v in form.items() if k not in ("Action", "Version")}
    ec2 = operation.metadata.get("protocol") == "ec2"
    parsed = _from_query(shape, _FlatForm(fields), "", ec2)
    assert isinstance(parsed, dict)
    return parsed


def unquote_label(raw: str) -> str:
    return unquote(raw)


__all__ = [
    "Params",
    "WireTypeError",
    "from_document",
    "from_json",
    "native_scalar",
    "parse_json",
    "parse_query",
    "parse_query_fields",
    "parse_rest",
    "parse_rest_json",
    "serialization_error",
    "text_scalar",
]
