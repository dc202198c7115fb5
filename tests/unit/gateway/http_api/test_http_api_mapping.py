"""Parameter mapping values and changes for HTTP APIs."""

from __future__ import annotations

import json

from emulator.gateway.http_api.mapping import (
    MappedRequest,
    Sources,
    evaluate,
    map_request,
    map_response,
)


def _sources() -> Sources:
    return Sources(
        headers={"x-a": ["1", "2"], "authorization": ["t"]}, query={"q": ["v1", "v2"]},
        path="/items/9", path_params={"id": "9"},
        body=json.dumps({"item": {"name": "lamp", "tags": ["a"]}}).encode(),
        context={"requestId": "r-1", "authorizer": {"claims": {"sub": "u"}}},
        stage_variables={"tier": "gold"},
        response_headers={"etag": ["e1"]}, response_body=b'{"status": "ok"}')


def test_values_single_references_and_mixtures() -> None:
    found = _sources()
    assert evaluate("$request.header.X-A", found) == "1,2"
    assert evaluate("${request.querystring.q}", found) == "v1,v2"
    assert evaluate("$request.path", found) == "/items/9"
    assert evaluate("$request.path.id", found) == "9"
    assert evaluate("$request.body.item.name", found) == "lamp"
    assert evaluate("$request.body.item.tags", found) == '["a"]'
    assert evaluate("$context.requestId", found) == "r-1"
    assert evaluate("$context.authorizer.claims.sub", found) == "u"
    assert evaluate("$stageVariables.tier", found) == "gold"
    assert evaluate("$response.header.ETag", found) == "e1"
    assert evaluate("$response.body.status", found) == "ok"
    assert evaluate("static", found) == "static"
    assert evaluate("${request.path.id}-${stageVariables.tier}", found) == "9-gold"
    assert evaluate("$request.header.missing", found) is None
    assert evaluate("x-${request.header.missing}", found) == "x-"


def test_request_changes() -> None:
    request = MappedRequest(headers=[("X-A", "1"), ("Keep", "k")], query=[("q", "1")])
    map_request({"append:header.x-a": "more", "overwrite:header.new": "n",
                 "remove:header.keep": "''", "append:querystring.q": "2",
                 "overwrite:querystring.r": "$request.path.id",
                 "overwrite:path": "other/$request.path.id"}, request, _sources())
    assert request.headers == [("x-a", "1,more"), ("new", "n")]
    assert request.query == [("q", "1"), ("q", "2"), ("r", "9")]
    assert request.path == "/other/9"


def test_response_changes_and_status() -> None:
    headers, status = map_response({"overwrite:statuscode": "204",
                                    "append:header.x-id": "$context.requestId",
                                    "remove:header.server": "''"},
                                   [("Server", "s"), ("a", "b")], _sources())
    assert status == 204 and headers == [("a", "b"), ("x-id", "r-1")]
