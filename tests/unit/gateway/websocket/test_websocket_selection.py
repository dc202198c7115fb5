"""WebSocket selection expressions against AWS's documented examples, identity sources and
integration response keys."""

from __future__ import annotations

import pytest

from emulator.gateway.websocket import selection

MESSAGE = '{"service": "chat", "action": "join", "data": {"room": "room1234"}}'


@pytest.mark.parametrize(("expression", "key"), [
    # The table of "Route selection expressions" in AWS's developer guide.
    ("$request.body.action", "join"),
    ("${request.body.action}", "join"),
    ("${request.body.service}/${request.body.action}", "chat/join"),
    ("${request.body.action}-${request.body.invalidPath}", "join-"),
    ("action", "action"),
    ("\\$default", "$default"),
    # Paths into the message.
    ("$request.body.data.room", "room1234"),
    ("$request.body.data", '{"room":"room1234"}'),
])
def test_documented_route_selection_expressions(expression: str, key: str) -> None:
    assert selection.evaluate(expression, selection.Sources(body=MESSAGE)) == key


@pytest.mark.parametrize(("body", "key"), [
    ('{"action": 7}', "7"),
    ('{"action": true}', "true"),
    ('{"action": ["a", "b"]}', "[a, b]"),
    ('{"action": null}', ""),
    ("[1, 2]", ""),
])
def test_values_are_stringified(body: str, key: str) -> None:
    assert selection.evaluate("$request.body.action", selection.Sources(body=body)) == key


@pytest.mark.parametrize("body", ["hello", "", "{broken"])
def test_a_message_that_is_not_json_cannot_be_evaluated(body: str) -> None:
    with pytest.raises(selection.NotEvaluable):
        selection.evaluate("$request.body.action", selection.Sources(body=body))


def test_static_expressions_need_no_json() -> None:
    assert selection.evaluate("\\$default", selection.Sources(body="hello")) == "$default"


def test_context_and_stage_variables() -> None:
    found = selection.Sources(context={"identity": {"sourceIp": "10.0.0.1"}},
                              stage_variables={"version": "v2"})
    assert selection.evaluate("${context.identity.sourceIp}/${stageVariables.version}",
                              found) == "10.0.0.1/v2"


def test_identity_sources() -> None:
    found = selection.Sources(headers={"auth": "token"}, query={"name": "ada"},
                              stage_variables={"tier": "gold"})
    assert selection.identity("route.request.header.Auth", found) == "token"
    assert selection.identity("route.request.querystring.name", found) == "ada"
    assert selection.identity("stageVariables.tier", found) == "gold"
    assert selection.identity("route.request.querystring.missing", found) == ""


@pytest.mark.parametrize(("key", "value", "selected"), [
    ("/2\\d\\d/", "200", True),
    ("/2\\d\\d/", "404", False),
    ("/.*not found.*/", "item not found here", True),
    ("/[unclosed/", "x", False),
    ("$default", "$default", True),
])
def test_integration_response_keys(key: str, value: str, selected: bool) -> None:
    assert selection.matches(key, value) is selected
