"""API documentation: documentation parts (content for an API entity, addressed by location) and
documentation versions (snapshots of the parts, published by associating one with a stage).

AWS documents which location fields each entity type takes (``path``, ``method``,
``statusCode``, ``name``), with ``path`` defaulting to ``/`` and ``method`` and ``statusCode``
to the ``*`` wildcard; a location holds one part at most. See
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-documenting-api-content-representation.html
"""

from __future__ import annotations

import json
from typing import Any

import yaml  # type: ignore[import-untyped]

from emulator import ids, inbound
from emulator.context import RequestContext
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import ApiGatewayBase, bad_request
from emulator.services.apigateway.models import RestApiRecord

# The location fields each type takes, besides ``type``.
LOCATION_FIELDS: dict[str, tuple[str, ...]] = {
    "API": (),
    "AUTHORIZER": ("name",),
    "MODEL": ("name",),
    "RESOURCE": ("path",),
    "METHOD": ("path", "method"),
    "PATH_PARAMETER": ("path", "method", "name"),
    "QUERY_PARAMETER": ("path", "method", "name"),
    "REQUEST_HEADER": ("path", "method", "name"),
    "REQUEST_BODY": ("path", "method"),
    "RESPONSE": ("path", "method", "statusCode"),
    "RESPONSE_HEADER": ("path", "method", "statusCode", "name"),
    "RESPONSE_BODY": ("path", "method", "statusCode"),
}
_DEFAULTS = {"path": "/", "method": "*", "statusCode": "*"}
PART_PATHS = {"/properties": patch.Path()}
VERSION_PATHS = {"/description": patch.Path(removable=True)}


def normal_location(given: dict[str, Any]) -> dict[str, str]:
    """The location with the fields its type takes, defaults filled in; BadRequest otherwise."""
    kind = str(given.get("type") or "")
    if kind not in LOCATION_FIELDS:
        raise bad_request(f"Invalid documentation location type: {kind or 'null'}")
    allowed = LOCATION_FIELDS[kind]
    location = {"type": kind}
    for field in ("path", "method", "statusCode", "name"):
        value = given.get(field)
        if value is None:
            if field in allowed and field in _DEFAULTS:
                location[field] = _DEFAULTS[field]
            continue
        if field not in allowed:
            raise bad_request(f"Invalid documentation location: the field '{field}' is not "
                              f"valid for the location type {kind}")
        location[field] = str(value)
    missing = [f for f in allowed if f == "name" and f not in location]
    if missing:
        raise bad_request(f"Invalid documentation location: the field 'name' is required "
                          f"for the location type {kind}")
    if "method" in location and location["method"] != "*":
        location["method"] = location["method"].upper()
    return location


def _properties(text: str | None) -> str:
    """The content as given, once it is known to be a JSON object."""
    try:
        value = inbound.loads(text or "")
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise bad_request("Invalid documentation content: properties must be a JSON object")
    return str(text)


def _key(location: dict[str, str]) -> tuple[str, ...]:
    return tuple(location.get(f, "") for f in ("type", "path", "method", "statusCode", "name"))


class DocumentationApi(ApiGatewayBase):
    """Documentation parts and versions of a REST API, kept in its record."""

    def _part(self, record: RestApiRecord, part_id: str) -> dict[str, Any]:
        return self.found(record.documentation_parts.get(part_id),
                          "Invalid Documentation part identifier specified")

    def _claim(self, record: RestApiRecord, location: dict[str, str]) -> None:
        key = _key(location)
        if any(_key(p["location"]) == key for p in record.documentation_parts.values()):
            raise self.conflict("Documentation part already exists for the given location")

    # -- parts -------------------------------------------------------------------------------

    def create_documentation_part(self, ctx: RequestContext, *, rest_api_id: str,
                                  location: dict[str, Any], properties: str, **_: Any
                                  ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        where = normal_location(location)
        self._claim(record, where)
        part_id = ids.short_id(6)
        part = {"id": part_id, "location": where, "properties": _properties(properties)}
        record.documentation_parts[part_id] = part
        self.save_api(ctx, record)
        return self.copy(part)

    def get_documentation_part(self, ctx: RequestContext, *, rest_api_id: str,
                               documentation_part_id: str, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        return self.copy(self._part(record, documentation_part_id))

    def get_documentation_parts(self, ctx: RequestContext, *, rest_api_id: str,
                                type: str | None = None, name_query: str | None = None,
                                path: str | None = None, position: str | None = None,
                                limit: int | None = None, location_status: str | None = None,
                                **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        if location_status == "UNDOCUMENTED":
            return self.page([], position, limit)  # only documented entities are kept as parts
        found = [p for p in record.documentation_parts.values()
                 if (type is None or p["location"]["type"] == type)
                 and (path is None or p["location"].get("path") == path)
                 and (name_query is None or name_query in p["location"].get("name", ""))]
        return self.page([self.copy(p) for p in found], position, limit)

    def update_documentation_part(self, ctx: RequestContext, *, rest_api_id: str,
                                  documentation_part_id: str,
                                  patch_operations: list[dict[str, Any]] | None = None,
                                  **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        part = self.copy(self._part(record, documentation_part_id))
        patch.apply(part, patch_operations, PART_PATHS)
        part["properties"] = _properties(part.get("properties"))
        record.documentation_parts[documentation_part_id] = part
        self.save_api(ctx, record)
        return self.copy(part)

    def delete_documentation_part(self, ctx: RequestContext, *, rest_api_id: str,
                                  documentation_part_id: str, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        self._part(record, documentation_part_id)
        del record.documentation_parts[documentation_part_id]
        self.save_api(ctx, record)
        return {}

    def import_documentation_parts(self, ctx: RequestContext, *, rest_api_id: str,
                                   body: bytes, mode: str | None = None,
                                   fail_on_warnings: bool | None = None, **_: Any
                                   ) -> dict[str, Any]:
        """Parts from an OpenAPI file's ``x-amazon-apigateway-documentation`` extension;
        ``overwrite`` replaces every part, ``merge`` (the default) adds or updates by location."""
        record = self.api_record(ctx, rest_api_id)
        try:
            document = inbound.load_yaml(body.decode("utf-8"))
        except (ValueError, yaml.YAMLError):
            raise bad_request("Invalid OpenAPI input: the body is not JSON or YAML") from None
        extension = document.get("x-amazon-apigateway-documentation") \
            if isinstance(document, dict) else None
        given = extension.get("documentationParts") if isinstance(extension, dict) else None
        if not isinstance(given, list):
            raise bad_request("Invalid OpenAPI input: no x-amazon-apigateway-documentation "
                              "documentationParts found")
        parts = {} if mode == "overwrite" else dict(record.documentation_parts)
        by_location = {_key(p["location"]): part_id for part_id, p in parts.items()}
        imported: list[str] = []
        warnings: list[str] = []
        for index, item in enumerate(given):
            try:
                where = normal_location(dict(item.get("location") or {}))
                content = item.get("properties")
                text = _properties(content if isinstance(content, str)
                                   else json.dumps(content))
            except Exception as error:
                warnings.append(f"documentationParts[{index}]: "
                                f"{getattr(error, 'message', str(error))}")
                continue
            part_id = by_location.get(_key(where)) or ids.short_id(6)
            parts[part_id] = {"id": part_id, "location": where, "properties": text}
            by_location[_key(where)] = part_id
            imported.append(part_id)
        if warnings and fail_on_warnings:
            raise bad_request("Warnings found during import: " + "; ".join(warnings))
        record.documentation_parts = parts
        self.save_api(ctx, record)
        result: dict[str, Any] = {"ids": imported}
        if warnings:
            result["warnings"] = warnings
        return result

    # -- versions ----------------------------------------------------------------------------

    def _version(self, record: RestApiRecord, version: str) -> dict[str, Any]:
        return self.found(record.documentation_versions.get(version),
                          "Invalid Documentation version specified")

    @staticmethod
    def _version_shape(found: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in found.items() if k != "parts"}

    def create_documentation_version(self, ctx: RequestContext, *, rest_api_id: str,
                                     documentation_version: str, stage_name: str | None = None,
                                     description: str | None = None, **_: Any
                                     ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        if documentation_version in record.documentation_versions:
            raise self.conflict("Documentation version already exists")
        stage = None
        if stage_name is not None:
            stage = self.stages(ctx).get(f"{rest_api_id}/{stage_name}")
            if stage is None:
                raise self.not_found("Invalid Stage identifier specified")
        version: dict[str, Any] = {"version": documentation_version,
                                   "createdDate": self.clock.now()}
        if description is not None:
            version["description"] = description
        version["parts"] = [self.copy(p) for p in record.documentation_parts.values()]
        record.documentation_versions[documentation_version] = version
        self.save_api(ctx, record)
        if stage is not None:
            stage.stage["documentationVersion"] = documentation_version
            self.stages(ctx).put(f"{rest_api_id}/{stage_name}", stage)
        return self._version_shape(version)

    def get_documentation_version(self, ctx: RequestContext, *, rest_api_id: str,
                                  documentation_version: str, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        return self._version_shape(self._version(record, documentation_version))

    def get_documentation_versions(self, ctx: RequestContext, *, rest_api_id: str,
                                   position: str | None = None, limit: int | None = None,
                                   **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        items = sorted(record.documentation_versions.values(), key=lambda v: v["createdDate"])
        return self.page([self._version_shape(v) for v in items], position, limit)

    def update_documentation_version(self, ctx: RequestContext, *, rest_api_id: str,
                                     documentation_version: str,
                                     patch_operations: list[dict[str, Any]] | None = None,
                                     **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        found = self._version(record, documentation_version)
        shape = self._version_shape(found)
        patch.apply(shape, patch_operations, VERSION_PATHS)
        record.documentation_versions[documentation_version] = {**shape,
                                                                "parts": found["parts"]}
        self.save_api(ctx, record)
        return shape

    def delete_documentation_version(self, ctx: RequestContext, *, rest_api_id: str,
                                     documentation_version: str, **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        self._version(record, documentation_version)
        del record.documentation_versions[documentation_version]
        self.save_api(ctx, record)
        return {}


def exported_documentation(record: RestApiRecord, version: str | None
                           ) -> dict[str, Any] | None:
    """The ``x-amazon-apigateway-documentation`` object of an export: the parts of the
    documentation version the stage publishes (None when it publishes none)."""
    found = record.documentation_versions.get(version) if version else None
    if found is None:
        return None
    return {"version": version, "documentationParts": [
        {"location": dict(part["location"]), "properties": inbound.loads(part["properties"])}
        for part in found["parts"]]}


__all__ = ["LOCATION_FIELDS", "DocumentationApi", "exported_documentation", "normal_location"]
