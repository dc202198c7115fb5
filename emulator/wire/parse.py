"""Requests to input-shape params, for the json, rest-json and query protocols.

Each protocol reads its own places (body, headers, URI labels, query string); values are
converted by shape so providers get ``int``, ``bytes``, ``datetime`` and so on.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from botocore.model import OperationModel, Shape, StructureShape
from botocore.utils import parse_timestamp

from emulator.wire.errors import ServiceError
from emulator.wire.request import WireRequest

Params = dict[str, Any]


class WireTypeError(Exception):
    """A value whose type does not fit its shape; the dispatcher turns it into AWS's error."""

    def __init__(self, path: str, expected: str, value: object) -> None:
        super().__init__(f"{path}: expected {expected}, got {type(value).__name__}")
        self.path = path
        self.expected = expected
        self.value = value


def serialization_error(message: str) -> ServiceError:
    return ServiceError("SerializationException", message, status=400)


# -- scalars -------------------------------------------------------------------------------

def _to_timestamp(value: object, path: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise WireTypeError(path, "timestamp", value)
    try:
        parsed: datetime = parse_timestamp(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise WireTypeError(path, "timestamp", value) from exc
    return parsed


def _to_blob(value: object, path: str) -> bytes:
    if not isinstance(value, str):
        raise WireTypeError(path, "base64 string", value)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WireTypeError(path, "base64 string", value) from exc


def _json_scalar(shape: Shape, value: object, path: str) -> object:
    kind = shape.type_name
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
    if kind == "blob":
        return _to_blob(value, path)
    if kind == "timestamp":
        return _to_timestamp(value, path)
    return value  # document types pass through untouched


def _text_scalar(shape: Shape, text: str, path: str) -> object:
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

def from_json(shape: Shape, value: object, path: str) -> object:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise WireTypeError(path, "structure", value)
        assert isinstance(shape, StructureShape)
        result: Params = {}
        for name, member in shape.members.items():
            wire_name = member.serialization.get("name", name)
            if wire_name in value and value[wire_name] is not None:
                result[name] = from_json(member, value[wire_name], f"{path}.{name}")
        return result
    if kind == "list":
        if not isinstance(value, list):
            raise WireTypeError(path, "list", value)
        member_shape = shape.member  # type: ignore[attr-defined]
        return [
            from_json(member_shape, item, f"{path}.{index}")
            for index, item in enumerate(value, 1)
            if item is not None
        ]
    if kind == "map":
        if not isinstance(value, dict):
            raise WireTypeError(path, "map", value)
        value_shape = shape.value  # type: ignore[attr-defined]
        return {
            str(key): from_json(value_shape, item, f"{path}.{key}")
            for key, item in value.items()
            if item is not None
        }
    return _json_scalar(shape, value, path)


def _load_json_body(body: bytes) -> object:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
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

def parse_rest_json(
    operation: OperationModel, request: WireRequest, labels: dict[str, str]
) -> Params:
    shape = operation.input_shape
    if shape is None:
        return {}
    assert isinstance(shape, StructureShape)
    params: Params = {}
    body_members: dict[str, Shape] = {}
    payload_name = shape.serialization.get("payload")
    query_multi: dict[str, list[str]] = {}
    for key, value in request.query_items:
        query_multi.setdefault(key, []).append(value)
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire_name = member.serialization.get("name", name)
        if location == "uri":
            if wire_name in labels:
                params[name] = _text_scalar(member, labels[wire_name], name)
        elif location == "querystring":
            value = _from_query_string(member, wire_name, query_multi, name)
            if value is not None:
                params[name] = value
        elif location == "header":
            header = request.headers.get(wire_name.lower())
            if header is not None:
                params[name] = _from_header(member, header, name)
        elif location == "headers":
            prefix = wire_name.lower()
            found = {
                key[len(prefix):]: value
                for key, value in request.headers.items()
                if key.startswith(prefix)
            }
            if found:
                params[name] = found
        elif location == "statusCode":
            continue
        elif name == payload_name:
            payload = _parse_payload(member, request.body, name)
            if payload is not None:
                params[name] = payload
        else:
            body_members[name] = member
    if body_members and payload_name is None:
        document = _load_json_body(request.body)
        if not isinstance(document, dict):
            raise WireTypeError("", "structure", document)
        for name, member in body_members.items():
            wire_name = member.serialization.get("name", name)
            if document.get(wire_name) is not None:
                params[name] = from_json(member, document[wire_name], name)
    return params


def _from_query_string(
    shape: Shape, wire_name: str, query: dict[str, list[str]], path: str
) -> object:
    if shape.type_name == "map":
        value_shape = shape.value  # type: ignore[attr-defined]
        if value_shape.type_name == "list":
            return dict(query) or None
        return {key: values[-1] for key, values in query.items()} or None
    if wire_name not in query:
        return None
    if shape.type_name == "list":
        member = shape.member  # type: ignore[attr-defined]
        return [_text_scalar(member, item, path) for item in query[wire_name]]
    return _text_scalar(shape, query[wire_name][-1], path)


def _from_header(shape: Shape, header: str, path: str) -> object:
    if shape.type_name == "list":
        member = shape.member  # type: ignore[attr-defined]
        return [_text_scalar(member, item.strip(), path) for item in header.split(",")]
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        try:
            return json.loads(base64.b64decode(header))
        except (ValueError, binascii.Error) as exc:
            raise WireTypeError(path, "base64 JSON", header) from exc
    if shape.type_name == "timestamp":
        return _to_timestamp(header, path)
    return _text_scalar(shape, header, path)


def _parse_payload(shape: Shape, body: bytes, path: str) -> object:
    if shape.type_name == "blob":
        return body
    if shape.type_name == "string":
        return body.decode("utf-8", errors="replace") if body else None
    document = _load_json_body(body)
    if document == {} and not body.strip():
        return None
    return from_json(shape, document, path)


# -- query ---------------------------------------------------------------------------------

class _FlatForm:
    """Form fields with a fast "does anything start with this prefix" test."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        self.prefixes: set[str] = set()
        for key in fields:
            parts = key.split(".")
            for end in range(1, len(parts) + 1):
                self.prefixes.add(".".join(parts[:end]))

    def has(self, prefix: str) -> bool:
        return prefix in self.prefixes


def _query_name(shape: Shape, default: str) -> str:
    name: str = shape.serialization.get("name", default)
    return name


def _from_query(shape: Shape, form: _FlatForm, prefix: str) -> object:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        result: Params = {}
        for name, member in shape.members.items():
            key = _query_name(member, name)
            member_prefix = f"{prefix}.{key}" if prefix else key
            if form.has(member_prefix):
                value = _from_query(member, form, member_prefix)
                if value is not None:
                    result[name] = value
        return result
    if kind == "list":
        if form.fields.get(prefix) == "":
            return []
        member = shape.member  # type: ignore[attr-defined]
        if shape.serialization.get("flattened"):
            list_prefix = prefix
            if member.serialization.get("name"):
                list_prefix = ".".join([*prefix.split(".")[:-1], member.serialization["name"]])
        else:
            list_prefix = f"{prefix}.{member.serialization.get('name', 'member')}"
        items: list[object] = []
        index = 1
        while form.has(f"{list_prefix}.{index}"):
            items.append(_from_query(member, form, f"{list_prefix}.{index}"))
            index += 1
        return items
    if kind == "map":
        full_prefix = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        key_shape = shape.key  # type: ignore[attr-defined]
        value_shape = shape.value  # type: ignore[attr-defined]
        key_suffix = _query_name(key_shape, "key")
        value_suffix = _query_name(value_shape, "value")
        mapping: dict[str, object] = {}
        index = 1
        while form.has(f"{full_prefix}.{index}"):
            key = form.fields.get(f"{full_prefix}.{index}.{key_suffix}")
            if key is not None:
                mapping[key] = _from_query(value_shape, form, f"{full_prefix}.{index}.{value_suffix}")
            index += 1
        return mapping
    text = form.fields.get(prefix)
    if text is None:
        return None
    return _text_scalar(shape, text, prefix)


def parse_query(operation: OperationModel, request: WireRequest) -> Params:
    shape = operation.input_shape
    if shape is None:
        return {}
    fields = {k: v for k, v in request.form.items() if k not in ("Action", "Version")}
    parsed = _from_query(shape, _FlatForm(fields), "")
    assert isinstance(parsed, dict)
    return parsed


def unquote_label(raw: str) -> str:
    return unquote(raw)


__all__ = [
    "Params",
    "WireTypeError",
    "from_json",
    "parse_json",
    "parse_query",
    "parse_rest_json",
    "serialization_error",
]
