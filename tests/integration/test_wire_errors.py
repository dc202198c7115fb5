"""AWS-shaped errors through the running emulator, in every protocol, for every kind of bad
request: unimplemented operations, malformed bodies, unknown targets and actions, wrong types,
garbage paths and methods. None of them may answer 500, and every answer has a request id.
"""

from __future__ import annotations

import importlib
import json
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from emulator.services.registry import PROVIDERS
from emulator.testing import EmulatorHandle
from emulator.wire import specs


def signed_headers(signing_name: str, **extra: str) -> dict[str, str]:
    """An Authorization header shaped like SigV4's (the emulator reads its scope only)."""
    return {
        "Authorization": (
            "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/"
            f"{signing_name}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"
        ),
        "X-Amz-Date": "20240101T000000Z",
        **extra,
    }


@pytest.fixture(scope="module")
def http(emulator: EmulatorHandle) -> Any:
    with httpx.Client(base_url=emulator.endpoint_url, timeout=10) as client:
        yield client


def assert_request_id(response: httpx.Response) -> None:
    assert response.headers.get("x-amzn-RequestId"), response.headers


def json_error(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/x-amz-json")
    document: dict[str, Any] = response.json()
    return document


# -- unimplemented operations (services without a provider) ---------------------------------

# Services picked per protocol, most of them planned; the first operation without a provider
# method (and without required input) is used, so the test follows the project as it grows.
CANDIDATES = {
    "rest-json": ["lambda", "apigateway", "apigatewayv2", "xray", "mediaconnect"],
    "json": ["stepfunctions", "events", "logs", "dynamodb", "kinesis"],
    "query": ["sns", "sts", "cloudformation", "iam"],
}


def unimplemented(protocol: str) -> tuple[str, str]:
    for service in CANDIDATES[protocol]:
        provider: Any = None
        if service in PROVIDERS:
            module_name, class_name = PROVIDERS[service].split(":")
            provider = getattr(importlib.import_module(module_name), class_name)
        model = specs.service_model(service)
        for name in sorted(model.operation_names):
            shape = model.operation_model(name).input_shape
            if shape is not None and shape.required_members:
                continue
            if name.startswith(("List", "Describe", "Get")) and not hasattr(
                provider, xform_name(name)
            ):
                return service, name
    raise AssertionError(f"every {protocol} candidate is implemented: add another")


@pytest.mark.parametrize("protocol", ["rest-json", "json", "query"])
def test_unimplemented_operation_is_501_naming_service_and_operation(
    emulator: EmulatorHandle, protocol: str
) -> None:
    service, operation = unimplemented(protocol)
    assert specs.service_model(service).protocol == protocol
    client = emulator.client(service)  # 501 is not a status boto3 retries
    with pytest.raises(ClientError) as caught:
        getattr(client, xform_name(operation))()
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["Error"]["Code"] == "NotImplemented"
    assert service in response["Error"]["Message"]
    assert operation in response["Error"]["Message"]
    assert response["ResponseMetadata"]["RequestId"]


def signing_name(service: str) -> str:
    metadata = specs.service_model(service).metadata
    return str(metadata.get("signingName") or metadata["endpointPrefix"])


def test_unimplemented_query_operation_answers_an_xml_error(http: httpx.Client) -> None:
    service, operation = unimplemented("query")
    metadata = specs.service_model(service).metadata
    response = http.post("/", data={"Action": operation, "Version": metadata["apiVersion"]},
                         headers=signed_headers(signing_name(service)))
    assert response.status_code == 501
    assert_request_id(response)
    root = ElementTree.fromstring(response.content)
    namespace = "{" + metadata["xmlNamespace"] + "}"
    assert root.tag == f"{namespace}ErrorResponse"
    assert root.findtext(f"{namespace}Error/{namespace}Code") == "NotImplemented"
    assert root.findtext(f"{namespace}Error/{namespace}Type") == "Receiver"
    assert root.findtext(f"{namespace}RequestId") == response.headers["x-amzn-RequestId"]


def test_unimplemented_rest_operation_names_the_error_type_header(http: httpx.Client) -> None:
    service, operation = unimplemented("rest-json")
    route = specs.service_model(service).operation_model(operation).http
    response = http.request(route["method"], route["requestUri"],
                            headers=signed_headers(signing_name(service)))
    assert response.status_code == 501
    assert response.headers["x-amzn-ErrorType"] == "NotImplemented"
    assert operation in response.json()["message"]
    assert_request_id(response)


# -- malformed input --------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"{not json", b"{\"stateMachineArn\": ", b"\xff\xfe\x00", b"[1,", b"[" * 100_000,
], ids=["unquoted", "truncated", "not-utf8", "unterminated", "too-deep"])
def test_malformed_json_body_is_a_serialization_exception(http: httpx.Client, body: bytes) -> None:
    headers = signed_headers("states", **{
        "X-Amz-Target": "AWSStepFunctions.StartExecution",
        "Content-Type": "application/x-amz-json-1.0",
    })
    response = http.post("/", content=body, headers=headers)
    assert response.status_code == 400
    assert json_error(response)["__type"].endswith("SerializationException")
    assert_request_id(response)


def test_malformed_json_for_an_implemented_service(http: httpx.Client) -> None:
    headers = signed_headers("sqs", **{
        "X-Amz-Target": "AmazonSQS.CreateQueue",
        "Content-Type": "application/x-amz-json-1.0",
    })
    response = http.post("/", content=b"{'QueueName': 'single quotes'}", headers=headers)
    assert response.status_code == 400
    assert json_error(response)["__type"].endswith("SerializationException")
    assert_request_id(response)


def test_unknown_target_is_unknown_operation(http: httpx.Client) -> None:
    headers = signed_headers("states", **{
        "X-Amz-Target": "AWSStepFunctions.LaunchRocket",
        "Content-Type": "application/x-amz-json-1.0",
    })
    response = http.post("/", content=b"{}", headers=headers)
    assert response.status_code == 400
    error = json_error(response)
    assert error["__type"].endswith("UnknownOperationException")
    assert "LaunchRocket" in error["message"]
    assert_request_id(response)


def test_wrong_member_type_is_a_4xx(http: httpx.Client) -> None:
    headers = signed_headers("states", **{
        "X-Amz-Target": "AWSStepFunctions.StartExecution",
        "Content-Type": "application/x-amz-json-1.0",
    })
    response = http.post("/", content=b'{"stateMachineArn": 42}', headers=headers)
    assert response.status_code == 400
    error = json_error(response)
    assert error["__type"].endswith("SerializationException")
    assert "stateMachineArn" in error["message"]
    assert_request_id(response)


def test_missing_required_member_is_a_coral_validation_error(http: httpx.Client) -> None:
    headers = signed_headers("states", **{
        "X-Amz-Target": "AWSStepFunctions.StartExecution",
        "Content-Type": "application/x-amz-json-1.0",
    })
    response = http.post("/", content=b"{}", headers=headers)
    assert response.status_code == 400
    error = json_error(response)
    assert error["__type"].endswith("ValidationException")
    assert error["message"] == (
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_wrong_type_in_a_query_parameter(http: httpx.Client) -> None:
    data = {"Action": "ReceiveMessage", "Version": "2012-11-05",
            "QueueUrl": "http://localhost/000000000000/q", "MaxNumberOfMessages": "ten"}
    response = http.post("/", data=data, headers=signed_headers("sqs"))
    assert response.status_code == 400
    root = ElementTree.fromstring(response.content)
    codes = [node.text for node in root.iter() if node.tag.endswith("Code")]
    assert codes == ["InvalidParameterValue"]
    assert_request_id(response)


def test_unknown_query_action_is_invalid_action(http: httpx.Client) -> None:
    response = http.post("/", data={"Action": "LaunchRocket", "Version": "2010-03-31"},
                         headers=signed_headers("sns"))
    assert response.status_code == 400
    root = ElementTree.fromstring(response.content)
    codes = [node.text for node in root.iter() if node.tag.endswith("Code")]
    assert codes == ["InvalidAction"]
    assert_request_id(response)


def test_wrong_typed_rest_label_is_a_4xx(http: httpx.Client) -> None:
    response = http.get("/2018-10-31/layers/my-layer/versions/seven",
                        headers=signed_headers("lambda"))
    assert 400 <= response.status_code < 500
    assert_request_id(response)


# -- garbage never answers 500 --------------------------------------------------------------

GARBAGE = [
    ("GET", "/", {}),
    ("GET", "/../../etc/passwd", {}),
    ("DELETE", "/", {}),
    ("PATCH", "/whatever?x=%ZZ&&=", {}),
    ("OPTIONS", "/2015-03-31/functions", {}),
    ("HEAD", "/restapis", {}),
    ("PUT", "/%00%ff/" + "a" * 3000, {}),
    ("POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("POST", "/", {"X-Amz-Target": "."}),
    ("POST", "/", {"X-Amz-Target": "AmazonSQS."}),
    ("GET", "/2015-03-31/functions/%E2%9C%93", {}),
    ("POST", "/", {"Authorization": "AWS4-HMAC-SHA256 Credential=a/b/c"}),
    ("POST", "/", {"Authorization": "Bearer x", "Content-Type": "application/x-amz-json-1.1"}),
    ("GET", "/?X-Amz-Credential=%ZZ&Action=%00", {}),
    ("POST", "/?Action=ListQueues", {"Content-Type": "application/x-www-form-urlencoded"}),
]
SCOPES = [None, "lambda", "sqs", "apigateway", "states", "sns", "s3", "no-such-service"]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize(("method", "path", "headers"), GARBAGE)
def test_garbage_never_answers_500(
    http: httpx.Client, scope: str | None, method: str, path: str, headers: dict[str, str]
) -> None:
    all_headers = {**(signed_headers(scope) if scope else {}), **headers}
    response = http.request(method, path, headers=all_headers, content=b"\x00garbage{")
    assert response.status_code < 500 or response.status_code == 501, response.text
    assert_request_id(response)
    if method != "HEAD" and response.status_code >= 400:
        assert response.content  # an AWS error document, not an empty reply
        content_type = response.headers.get("content-type", "")
        if content_type == "application/xml":  # S3 (rest-xml) answers in XML
            assert ElementTree.fromstring(response.content).tag in ("Error", "ErrorResponse")
        elif content_type.startswith("application/"):
            assert isinstance(json.loads(response.content), dict)
