"""The REST pipeline's edges, as AWS answers them.

Sources:
- https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
  ("Output format of a Lambda function for proxy integration": a function output of another
  format gets a 502 Bad Gateway; the integration request of a Lambda function is a POST).
- https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
  (REQUEST_TOO_LARGE: 413; every gateway response carries x-amzn-ErrorType).
- https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html (payload size:
  10 MB for REST APIs).
- Recorded REST proxy events: the ``path`` keeps the client's percent-encoding while path
  parameters arrive decoded.
- Repeated slashes, as users report AWS answering them: https://github.com/localstack/localstack/issues/11253
  (``/prod//orders`` reaches the ``/orders`` method on AWS) and
  https://github.com/brefphp/symfony-bridge/issues/53 (``//`` or ``////`` in a path reach the
  function's event as one slash).
"""

from __future__ import annotations

import httpx
import pytest
from apigateway_support import Api, lambda_uri, new_api
from lambda_support import create_function

from emulator.testing import EmulatorHandle

ANSWERS = {"app.py": """
    import json
    def handler(event, context):
        kind = (event.get("queryStringParameters") or {}).get("kind")
        if kind == "nostatus":
            return {"headers": {"Content-Type": "text/plain"}, "body": "defaulted"}
        if kind == "string":
            return "just a string"
        return {"statusCode": 200, "body": json.dumps(
            {"path": event["path"], "pathParameters": event["pathParameters"]})}
"""}


def _api(emulator: EmulatorHandle, http_method: str = "POST") -> Api:
    name = create_function(emulator.client("lambda"), ANSWERS)
    arn = f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}"
    api = new_api(emulator, "edges")
    uri = lambda_uri(emulator.region, arn)
    api.method("/{proxy+}", "ANY", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                    "uri": uri})
    api.method("/items/{id}", "GET", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                      "uri": uri})
    api.method("/wrong", "GET", {"type": "AWS_PROXY", "integrationHttpMethod": http_method,
                                 "uri": uri})
    api.deploy("dev")
    return api


@pytest.fixture(scope="module")
def edges(emulator: EmulatorHandle) -> Api:
    return _api(emulator, http_method="GET")


def test_a_proxy_answer_without_status_code_is_a_200(edges: Api) -> None:
    reply = edges.get("dev", "/any", params={"kind": "nostatus"})
    assert (reply.status_code, reply.text) == (200, "defaulted")
    assert reply.headers["content-type"] == "text/plain"


def test_a_malformed_proxy_answer_is_a_502_with_its_error_type(edges: Api) -> None:
    reply = edges.get("dev", "/any", params={"kind": "string"})
    assert reply.status_code == 502
    assert reply.json() == {"message": "Internal server error"}
    assert reply.headers["x-amzn-errortype"] == "InternalServerErrorException"


def test_a_lambda_proxy_integration_must_post(edges: Api) -> None:
    reply = edges.get("dev", "/wrong")
    assert reply.status_code == 500
    assert reply.json() == {"message": "Internal server error"}
    assert reply.headers["x-amzn-errortype"] == "InternalServerErrorException"


def test_gateway_errors_name_their_type(edges: Api, emulator: EmulatorHandle) -> None:
    missing = edges.get("dev", "/")  # the root resource has no method
    assert missing.status_code == 403
    assert missing.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    unknown = httpx.get(f"{emulator.endpoint_url}/_aws/execute-api/nosuchapi/dev/x")
    assert unknown.status_code == 403 and unknown.json() == {"message": "Forbidden"}
    assert unknown.headers["x-amzn-errortype"] == "ForbiddenException"


def test_a_body_over_10_mb_is_a_413(edges: Api) -> None:
    too_big = edges.request("POST", "dev", "/any", content=b"x" * (10 * 1024 * 1024 + 1))
    assert too_big.status_code == 413
    assert too_big.headers["x-amzn-errortype"]
    assert "message" in too_big.json()
    fits = edges.request("POST", "dev", "/any", content=b"x" * 1024)
    assert fits.status_code == 200


def test_path_keeps_its_encoding_and_parameters_are_decoded(edges: Api) -> None:
    event = edges.get("dev", "/items/a%2Fb%20c").json()
    assert event["path"] == "/items/a%2Fb%20c"
    assert event["pathParameters"] == {"id": "a/b c"}
    event = edges.get("dev", "/files/one%20two/three").json()
    assert event["path"] == "/files/one%20two/three"
    assert event["pathParameters"] == {"proxy": "files/one two/three"}


def test_a_run_of_slashes_is_one(edges: Api) -> None:
    event = edges.get("dev", "//items//a%2Fb").json()
    assert event["path"] == "/items/a%2Fb"
    assert event["pathParameters"] == {"id": "a/b"}
    event = edges.get("dev", "/files////https://example.com/x").json()
    assert event["path"] == "/files/https:/example.com/x"
    assert event["pathParameters"] == {"proxy": "files/https:/example.com/x"}
