"""Route selection for HTTP APIs: literal before variable before greedy, a route's own
method before ANY, and $default last."""

from __future__ import annotations

from typing import Any

from emulator.gateway.http_api.routing import RouteTable


def _table(*keys: str) -> RouteTable:
    return RouteTable({str(i): {"RouteKey": key} for i, key in enumerate(keys)})


def _key(table: RouteTable, method: str, path: str) -> Any:
    found = table.match(method, path)
    return None if found is None else (found.route["RouteKey"], found.path_params)


def test_precedence_of_literal_variable_greedy_and_default() -> None:
    table = _table("GET /pets/dog", "GET /pets/{id}", "ANY /pets/{proxy+}", "ANY /{proxy+}",
                   "ANY /pets/{id}", "$default")
    assert _key(table, "GET", "/pets/dog") == ("GET /pets/dog", {})
    assert _key(table, "GET", "/pets/7") == ("GET /pets/{id}", {"id": "7"})
    assert _key(table, "POST", "/pets/7") == ("ANY /pets/{id}", {"id": "7"})
    assert _key(table, "GET", "/pets/7/toys") == ("ANY /pets/{proxy+}", {"proxy": "7/toys"})
    assert _key(table, "GET", "/cats/1") == ("ANY /{proxy+}", {"proxy": "cats/1"})
    assert _key(table, "GET", "/") == ("$default", {})


def test_greedy_variables_need_a_segment_and_values_are_decoded() -> None:
    table = _table("GET /files/{path+}", "GET /items/{id}")
    assert _key(table, "GET", "/files") is None
    assert _key(table, "GET", "/files/a%20b/c") == ("GET /files/{path+}", {"path": "a b/c"})
    assert _key(table, "GET", "/items/%2Fx") == ("GET /items/{id}", {"id": "/x"})
    assert _key(table, "DELETE", "/items/1") is None


def test_root_route() -> None:
    table = _table("GET /")
    assert _key(table, "GET", "/") == ("GET /", {})
    assert _key(table, "GET", "/x") is None
