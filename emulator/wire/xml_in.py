"""rest-xml request documents to typed params (S3's configurations, CloudFront's, Route 53's).

Elements are matched to members by ``locationName``; flattened lists and maps repeat their
element in place of a wrapper; ``xmlAttribute`` members are read from attributes; namespaces
are ignored when matching, as AWS ignores them.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from botocore.model import OperationModel, Shape, StructureShape

from emulator.wire.parse import Params, WireTypeError, parse_rest, text_scalar
from emulator.wire.request import WireRequest

_DECLARATIONS = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_NAMESPACE = re.compile(r"^\{[^}]*\}")


class MalformedXml(Exception):
    """A body that is not well-formed XML, or not the document the operation takes."""


def _local(tag: str) -> str:
    return _NAMESPACE.sub("", tag)


def parse_document(body: bytes) -> ElementTree.Element:
    # Documents never need a DTD; refusing one keeps entity expansion out entirely.
    if _DECLARATIONS.search(body):
        raise MalformedXml("document type declarations are not accepted")
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise MalformedXml(str(exc)) from None


def read_xml(shape: Shape, body: bytes, path: str) -> object:
    """The value of ``shape`` held by the document ``body`` (its root is the shape's
    element, whatever its name)."""
    if not body.strip():
        return None
    return from_element(shape, parse_document(body), path)


def member_element_name(shape: Shape, default: str) -> str:
    """The element a member travels in: a flattened list with named items repeats the
    items' name instead of the member's."""
    if shape.type_name == "list" and shape.serialization.get("flattened"):
        item_name = shape.member.serialization.get("name")
        if item_name:
            return str(item_name)
    return str(shape.serialization.get("name", default))


def _children(element: ElementTree.Element) -> dict[str, list[ElementTree.Element]]:
    found: dict[str, list[ElementTree.Element]] = {}
    for child in element:
        found.setdefault(_local(child.tag), []).append(child)
    return found


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    local = name.rpartition(":")[2]
    for key, value in element.attrib.items():
        if _local(key) == local:
            return value
    return None


def from_element(shape: Shape, element: ElementTree.Element, path: str) -> object:
    return _value(shape, [element], path)


def _value(shape: Shape, elements: list[ElementTree.Element], path: str) -> object:
    kind = shape.type_name
    if kind == "list":
        if shape.serialization.get("flattened"):
            items = elements
        else:
            items = [child for child in elements[0]]
        member = shape.member
        return [_value(member, [item], f"{path}.{index}") for index, item in
                enumerate(items, 1)]
    element = elements[0]
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        children = _children(element)
        result: dict[str, object] = {}
        for name, member in shape.members.items():
            if member.serialization.get("location"):
                continue
            if member.serialization.get("xmlAttribute"):
                attribute = _attribute(element, str(member.serialization.get("name", name)))
                if attribute is not None:
                    result[name] = text_scalar(member, attribute, f"{path}.{name}")
                continue
            found = children.get(member_element_name(member, name))
            if found:
                result[name] = _value(member, found, f"{path}.{name}")
        return result
    if kind == "map":
        entries = elements if shape.serialization.get("flattened") else [
            child for child in element if _local(child.tag) == "entry"]
        key_name = str(shape.key.serialization.get("name", "key"))
        value_name = str(shape.value.serialization.get("name", "value"))
        mapping: dict[str, object] = {}
        for entry in entries:
            parts = _children(entry)
            if key_name not in parts or value_name not in parts:
                raise WireTypeError(path, "map entry", entry.tag)
            key = parts[key_name][0].text or ""
            mapping[key] = _value(shape.value, parts[value_name], f"{path}.{key}")
        return mapping
    if len(element):
        raise WireTypeError(path, kind, "element")
    return text_scalar(shape, element.text or "", path)


def parse_rest_xml(
    operation: OperationModel, request: WireRequest, labels: dict[str, str]
) -> Params:
    return parse_rest(operation, request, labels, read_xml)


__all__ = [
    "MalformedXml",
    "from_element",
    "member_element_name",
    "parse_document",
    "parse_rest_xml",
    "read_xml",
]
