"""An API reference from an OpenAPI export: operations with their parameters, request bodies
and responses, described by the documentation parts the stage publishes.

The export is the document GetExport (REST APIs, with ``extensions=documentation``) or
ExportApi (HTTP APIs) answers; its ``x-amazon-apigateway-documentation`` parts fill in what
the definition itself does not say, as API Gateway applies them: a part for a location with
``*`` (any method, any status) applies to every entity it matches, and a more specific part wins.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@dataclass
class Parameter:
    name: str
    where: str  # path, query, header
    required: bool
    description: str = ""
    schema: str = ""


@dataclass
class Operation:
    path: str
    method: str
    summary: str = ""
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    body: str = ""  # the request body's schema as JSON text, when it has one
    body_types: list[str] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)  # (status, description)
    api_key: bool = False

    @property
    def anchor(self) -> str:
        return f"{self.method}-{self.path}".replace("/", "_").replace("{", "").replace("}", "")


@dataclass
class Reference:
    title: str
    version: str
    description: str
    operations: list[Operation]
    documentation_version: str | None = None
    parts: list[dict[str, Any]] = field(default_factory=list)


class _Parts:
    """Documentation parts looked up by location, the most specific first."""

    def __init__(self, parts: list[dict[str, Any]]) -> None:
        self._parts = parts

    def find(self, kind: str, path: str | None = None, method: str | None = None,
             status: str | None = None, name: str | None = None) -> dict[str, Any]:
        best: tuple[int, dict[str, Any]] | None = None
        for part in self._parts:
            where = part.get("location") or {}
            if where.get("type") != kind:
                continue
            score = 0
            for key, wanted in (("path", path), ("method", method), ("statusCode", status),
                                ("name", name)):
                given = where.get(key)
                if given is None or wanted is None:
                    continue
                if given == "*":
                    continue
                if str(given).lower() != str(wanted).lower():
                    score = -1
                    break
                score += 1
            if score >= 0 and (best is None or score > best[0]):
                properties = part.get("properties")
                if isinstance(properties, str):
                    try:
                        properties = json.loads(properties)
                    except ValueError:
                        properties = {}
                best = (score, properties if isinstance(properties, dict) else {})
        return best[1] if best else {}


def _schema_text(schema: Any, components: dict[str, Any]) -> str:
    if not isinstance(schema, dict):
        return ""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        found = components.get(name)
        return json.dumps(found, indent=2) if found is not None else ref
    return json.dumps(schema, indent=2)


def reference(document: dict[str, Any]) -> Reference:
    """The reference of an OpenAPI 3 (or Swagger 2) export."""
    info = document.get("info") or {}
    extension = document.get("x-amazon-apigateway-documentation") or {}
    parts = _Parts(list(extension.get("documentationParts") or []))
    components = (document.get("components") or {}).get("schemas") or \
        document.get("definitions") or {}
    api_docs = parts.find("API")
    found_info = api_docs.get("info")
    api_info: dict[str, Any] = found_info if isinstance(found_info, dict) else {}
    operations = []
    for path, item in sorted((document.get("paths") or {}).items()):
        if not isinstance(item, dict):
            continue
        for method in (*METHODS, "x-amazon-apigateway-any-method"):
            spec = item.get(method)
            if not isinstance(spec, dict):
                continue
            verb = "ANY" if method.startswith("x-") else method.upper()
            operations.append(_operation(path, verb, spec, item, parts, components))
    return Reference(
        title=str(info.get("title") or "API"),
        version=str(api_info.get("version") or info.get("version") or ""),
        description=str(api_docs.get("description") or api_info.get("description")
                        or info.get("description") or ""),
        operations=operations, documentation_version=extension.get("version"),
        parts=list(extension.get("documentationParts") or []))


def _operation(path: str, verb: str, spec: dict[str, Any], item: dict[str, Any],
               parts: _Parts, components: dict[str, Any]) -> Operation:
    docs = parts.find("METHOD", path, verb)
    resource = parts.find("RESOURCE", path)
    operation = Operation(path, verb,
                          summary=str(docs.get("summary") or spec.get("summary") or ""),
                          description=str(docs.get("description") or spec.get("description")
                                          or resource.get("description") or ""),
                          api_key=any("api_key" in s for s in spec.get("security") or []))
    kinds = {"path": "PATH_PARAMETER", "query": "QUERY_PARAMETER", "header": "REQUEST_HEADER"}
    for given in [*(item.get("parameters") or []), *(spec.get("parameters") or [])]:
        if not isinstance(given, dict) or given.get("in") not in kinds:
            continue
        name = str(given.get("name"))
        described = parts.find(kinds[str(given["in"])], path, verb, name=name)
        operation.parameters.append(Parameter(
            name, str(given["in"]), bool(given.get("required")) or given["in"] == "path",
            str(described.get("description") or given.get("description") or ""),
            str((given.get("schema") or {}).get("type") or given.get("type") or "string")))
    listed = {p.name for p in operation.parameters if p.where == "path"}
    for segment in re.findall(r"\{([^}]+)\}", path):  # the template's own parameters
        name = segment.rstrip("+")
        if name not in listed:
            described = parts.find("PATH_PARAMETER", path, verb, name=name)
            operation.parameters.insert(0, Parameter(
                name, "path", True, str(described.get("description") or
                                        ("the rest of the path" if segment.endswith("+")
                                         else "")), "string"))
    body = spec.get("requestBody") or {}
    content = body.get("content") if isinstance(body, dict) else None
    if isinstance(content, dict):
        operation.body_types = list(content)
        first: Any = next(iter(content.values()), None)
        operation.body = _schema_text(first.get("schema") if isinstance(first, dict) else None,
                                      components)
    for status, answer in sorted((spec.get("responses") or {}).items()):
        described = parts.find("RESPONSE", path, verb, status=str(status))
        text = described.get("description") or (answer or {}).get("description") or ""
        operation.responses.append((str(status), str(text)))
    return operation


__all__ = ["Operation", "Parameter", "Reference", "reference"]
