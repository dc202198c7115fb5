"""A stage's reference from its export: operations, parameters from the definition and the
path template, and the published documentation parts applied as API Gateway applies them (a
wildcard location matches every entity, a more specific part wins)."""

from __future__ import annotations

from typing import Any

from emulator.console.reference import reference

EXPORT: dict[str, Any] = {
    "openapi": "3.0.1", "info": {"title": "shop", "version": "2024-01-01"},
    "paths": {
        "/prices/{sku}": {"get": {"responses": {"200": {"description": "200 response"},
                                                "404": {"description": "404 response"}}}},
        "/catalog": {"get": {"parameters": [{"name": "category", "in": "query",
                                             "schema": {"type": "string"}}],
                             "responses": {}, "security": [{"api_key": []}]}},
        "/orders": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Order"}}}}, "responses": {}}},
        "/{proxy+}": {"x-amazon-apigateway-any-method": {"responses": {}}},
    },
    "components": {"schemas": {"Order": {"type": "object", "required": ["sku"]}}},
    "x-amazon-apigateway-documentation": {"version": "1.0.0", "documentationParts": [
        {"location": {"type": "API"}, "properties": {"description": "A small shop",
                                                     "info": {"version": "1.0.0"}}},
        {"location": {"type": "METHOD", "path": "/prices/{sku}", "method": "GET"},
         "properties": {"summary": "A price"}},
        {"location": {"type": "PATH_PARAMETER", "path": "/prices/{sku}", "method": "*",
                      "name": "sku"}, "properties": {"description": "any method's sku"}},
        {"location": {"type": "RESPONSE", "path": "/prices/{sku}", "method": "*",
                      "statusCode": "*"}, "properties": {"description": "every answer"}},
        {"location": {"type": "RESPONSE", "path": "/prices/{sku}", "method": "GET",
                      "statusCode": "404"}, "properties": {"description": "no such sku"}},
    ]},
}


def test_operations_come_from_the_export_with_the_published_documentation() -> None:
    ref = reference(EXPORT)
    assert (ref.title, ref.version, ref.description) == ("shop", "1.0.0", "A small shop")
    assert ref.documentation_version == "1.0.0"
    assert [(op.method, op.path) for op in ref.operations] == [
        ("GET", "/catalog"), ("POST", "/orders"), ("GET", "/prices/{sku}"),
        ("ANY", "/{proxy+}")]
    catalog, orders, prices, proxy = ref.operations
    assert catalog.api_key and [(p.name, p.where) for p in catalog.parameters] == [
        ("category", "query")]
    assert '"required"' in orders.body and orders.body_types == ["application/json"]
    assert prices.summary == "A price"
    assert [(p.name, p.where, p.required, p.description) for p in prices.parameters] == [
        ("sku", "path", True, "any method's sku")]
    assert prices.responses == [("200", "every answer"), ("404", "no such sku")]
    assert [(p.name, p.description) for p in proxy.parameters] == [
        ("proxy", "the rest of the path")]


def test_an_export_without_documentation_still_lists_its_operations() -> None:
    plain = {k: v for k, v in EXPORT.items() if k != "x-amazon-apigateway-documentation"}
    ref = reference(plain)
    assert ref.documentation_version is None and ref.description == ""
    assert len(ref.operations) == 4
