"""Output values to rest-xml documents, following the shapes' XML traits.

``locationName`` names elements, flattened lists and maps repeat their element instead of
wrapping it, ``xmlAttribute`` members become attributes of their structure's element, and
``xmlNamespace`` adds its ``xmlns`` (with its prefix) where the model puts it.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from botocore.model import Shape, StructureShape

from emulator.wire.xml_in import member_element_name

_ENTITIES = {"\r": "&#xD;"}


# Characters XML 1.0 cannot carry at all, not even as references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text(value: str) -> str:
    """Character data. Characters XML cannot carry become U+FFFD (a lone surrogate becomes
    "?" when encoded); clients that need such keys ask for ``encoding-type=url``."""
    return escape(_NOT_XML.sub("\ufffd", value), _ENTITIES)


def _namespace(shape: Shape) -> str:
    namespace = shape.serialization.get("xmlNamespace")
    if not namespace:
        return ""
    if isinstance(namespace, dict):
        prefix = namespace.get("prefix")
        attribute = f"xmlns:{prefix}" if prefix else "xmlns"
        return f" {attribute}={quoteattr(namespace.get('uri', ''))}"
    return f" xmlns={quoteattr(str(namespace))}"


class XmlWriter:
    """Writes one document; ``timestamp`` formats timestamps (shared with the serialiser)."""

    def __init__(self, timestamp: Any) -> None:
        self.timestamp = timestamp
        self.out: list[str] = []

    def namespace(self, shape: Shape) -> str:
        """The ``xmlns`` attribute an element of ``shape`` carries, if any."""
        return _namespace(shape)

    def scalar(self, shape: Shape, value: Any) -> str:
        """A scalar value as the element's character data."""
        kind = shape.type_name
        if kind == "timestamp":
            return str(self.timestamp(value, shape.serialization.get("timestampFormat",
                                                                       "iso8601")))
        if kind == "boolean":
            return "true" if value else "false"
        if kind == "blob":
            raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
            return base64.b64encode(raw).decode("ascii")
        return self.plain(shape, value)

    def plain(self, shape: Shape, value: Any) -> str:
        """A string or number as character data."""
        if shape.type_name in ("float", "double"):
            number = float(value)
            return (str(int(number)) if number.is_integer() and abs(number) < 1e16
                    else repr(number))
        return text(str(value))

    def element(self, shape: Shape, value: Any, name: str, extra: str = "") -> None:
        kind = shape.type_name
        out = self.out
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            attributes = extra or self.namespace(shape)
            for member_name, member in shape.members.items():
                item = value.get(member_name)
                if item is not None and member.serialization.get("xmlAttribute"):
                    attribute = member.serialization.get("name", member_name)
                    attributes += f" {attribute}={quoteattr(str(item))}"
            out.append(f"<{name}{attributes}>")
            self.members(shape, value)
            out.append(f"</{name}>")
        elif kind == "list":
            member = shape.member
            if shape.serialization.get("flattened"):
                for item in value:
                    self.element(member, item, name)
            else:
                item_name = member.serialization.get("name", "member")
                out.append(f"<{name}{extra or self.namespace(shape)}>")
                for item in value:
                    self.element(member, item, item_name)
                out.append(f"</{name}>")
        elif kind == "map":
            key_shape, value_shape = shape.key, shape.value
            key_name = key_shape.serialization.get("name", "key")
            value_name = value_shape.serialization.get("name", "value")
            flattened = shape.serialization.get("flattened")
            if not flattened:
                out.append(f"<{name}{extra or self.namespace(shape)}>")
            for key, item in value.items():
                out.append(f"<{name}>" if flattened else "<entry>")
                self.element(key_shape, key, key_name)
                self.element(value_shape, item, value_name)
                out.append(f"</{name}>" if flattened else "</entry>")
            if not flattened:
                out.append(f"</{name}>")
        else:
            attributes = extra or self.namespace(shape)
            out.append(f"<{name}{attributes}>{self.scalar(shape, value)}</{name}>")

    def members(self, shape: StructureShape, value: dict[str, Any]) -> None:
        for member_name, member in shape.members.items():
            item = value.get(member_name)
            if item is None or member.serialization.get("xmlAttribute"):
                continue
            if member.serialization.get("location"):
                continue
            self.element(member, item, member_element_name(member, member_name))

    def document(self) -> bytes:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(self.out)).encode(
            "utf-8", errors="replace")


def namespace_attribute(uri: str | None) -> str:
    return f" xmlns={quoteattr(uri)}" if uri else ""


__all__ = ["XmlWriter", "namespace_attribute", "text"]
