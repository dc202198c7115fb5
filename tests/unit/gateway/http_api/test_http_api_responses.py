"""How Lambda answers become HTTP API responses: payload 1.0 as REST APIs read it, payload
2.0 with AWS's documented inference when there is no statusCode."""

from __future__ import annotations

import json

import pytest

from emulator.gateway.http_api.responses import response_v1, response_v2
from emulator.gateway.http_api.state import HttpApiError


@pytest.mark.parametrize(("answer", "body"), [
    ("Hello from Lambda!", b"Hello from Lambda!"),
    ({"message": "Hello from Lambda!"}, b'{"message":"Hello from Lambda!"}'),
    ([1, {"a": None}], b'[1,{"a":null}]'),
    (42, b"42"),
    (None, b"null"),
])
def test_v2_inference_of_answers_without_status_code(answer: object, body: bytes) -> None:
    response = response_v2(json.dumps(answer).encode())
    assert response.status == 200 and response.body == body
    assert response.header("content-type") == "application/json"


def test_v2_structured_answers_with_cookies_and_base64() -> None:
    response = response_v2(json.dumps({
        "statusCode": 302, "headers": {"Location": "/x", "x-flag": True},
        "cookies": ["a=1; Secure", "b=2"], "body": "aGk=", "isBase64Encoded": True}).encode())
    assert response.status == 302 and response.body == b"hi"
    assert response.header("location") == "/x" and response.header("x-flag") == "true"
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1; Secure", "b=2"]


@pytest.mark.parametrize("answer", [
    b"not json", b'{"statusCode": "abc"}', b'{"statusCode": 700}',
    b'{"statusCode": 200, "body": {"not": "a string"}}',
    b'{"statusCode": 200, "cookies": "a=1"}',
    b'{"statusCode": 200, "body": "%%%", "isBase64Encoded": true}',
])
def test_v2_malformed_answers_are_500(answer: bytes) -> None:
    with pytest.raises(HttpApiError) as error:
        response_v2(answer)
    assert error.value.status == 500 and error.value.message == "Internal Server Error"


def test_v1_needs_a_status_code_and_merges_multi_value_headers() -> None:
    response = response_v1(json.dumps({
        "statusCode": "201", "headers": {"a": "1", "b": "2"},
        "multiValueHeaders": {"b": ["x", "y"]}, "body": "made"}).encode())
    assert response.status == 201 and response.body == b"made"
    assert [(k, v) for k, v in response.headers if k in "ab"] == [
        ("b", "x"), ("b", "y"), ("a", "1")]
    for bad in (b'"text"', b'{"body": "x"}', b"[]"):
        with pytest.raises(HttpApiError):
            response_v1(bad)
