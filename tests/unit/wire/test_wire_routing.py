"""Finding the service and operation: SigV4 scope, X-Amz-Target, query Action, request URIs."""

from __future__ import annotations

from typing import Any

import pytest
from wire_oracle import authorization, model_for, to_wire_request

from emulator.errors import ServiceError
from emulator.wire import routing
from emulator.wire.request import WireRequest
from emulator.wire.routing import Route, match_rest_path, route


def request(
    method: str = "POST",
    path: str = "/",
    *,
    query: str = "",
    scope: str | None = None,
    target: str | None = None,
    body: bytes = b"",
    content_type: str | None = None,
) -> WireRequest:
    headers = {"host": "localhost:4566"}
    if scope is not None:
        headers["authorization"] = authorization(scope)
    if target is not None:
        headers["x-amz-target"] = target
        headers["content-type"] = "application/x-amz-json-1.0"
    if content_type is not None:
        headers["content-type"] = content_type
    return WireRequest(method, path, query, headers, body)


def form(body: str, scope: str | None = None) -> WireRequest:
    return request(body=body.encode(), scope=scope,
                   content_type="application/x-www-form-urlencoded; charset=utf-8")


def botocore_request(service: str, protocol: str, operation: str, **params: Any) -> WireRequest:
    return to_wire_request(model_for(service, protocol).operation_model(operation), params)


def where(found: Route) -> tuple[str, str, str]:
    return found.service, found.protocol, found.operation.name


def error_of(wire: WireRequest, implemented: list[str] | None = None) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        route(wire, implemented or [])
    return caught.value


# -- which service -------------------------------------------------------------------------

def test_service_comes_from_the_credential_scope_signing_name() -> None:
    # Step Functions signs as "states"; the target prefix then names the operation.
    wire = request(scope="states", target="AWSStepFunctions.StartExecution")
    assert where(route(wire, [])) == ("stepfunctions", "json", "StartExecution")


def test_service_comes_from_x_amz_target_without_a_signature() -> None:
    wire = request(target="AmazonSQS.ListQueues")
    assert where(route(wire, [])) == ("sqs", "json", "ListQueues")


def test_service_comes_from_the_path_among_implemented_services() -> None:
    wire = request("GET", "/2015-03-31/functions/", query="MaxItems=5")
    assert where(route(wire, ["lambda"])) == ("lambda", "rest-json", "ListFunctions")


def test_query_action_picks_the_query_protocol_of_a_dual_protocol_service() -> None:
    wire = form("Action=ListQueues&Version=2012-11-05", scope="sqs")
    assert where(route(wire, ["sqs"])) == ("sqs", "query", "ListQueues")
    wire = request(scope="sqs", target="AmazonSQS.ListQueues")
    assert where(route(wire, ["sqs"])) == ("sqs", "json", "ListQueues")


def test_query_action_in_the_url_of_a_get() -> None:
    wire = request("GET", "/", query="Action=ListTopics&Version=2010-03-31", scope="sns")
    assert where(route(wire, [])) == ("sns", "query", "ListTopics")


def test_presigned_credential_in_the_query_string() -> None:
    query = ("Action=ListTopics&X-Amz-Credential=test%2F20240101%2Fus-east-1%2Fsns%2Faws4_request"
             "&X-Amz-Signature=00")
    wire = request("GET", "/", query=query)
    assert wire.credential_scope is not None
    assert wire.credential_scope.service == "sns"
    assert wire.credential_scope.region == "us-east-1"
    assert where(route(wire, [])) == ("sns", "query", "ListTopics")


@pytest.mark.parametrize("signed", [
    {"query": "AWSAccessKeyId=test&Signature=abc%3D&Expires=1900000000"},
    {"headers": {"authorization": "AWS test:abc="}},
])
def test_a_signature_version_2_request_is_s3s_without_asking_other_services(
        signed: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # boto3 presigns S3 URLs with signature version 2 unless told otherwise.
    asked: list[str] = []
    original = routing._matches_service

    def matches(service: str, *args: Any) -> bool:
        asked.append(service)
        return original(service, *args)

    monkeypatch.setattr(routing, "_matches_service", matches)
    headers = {"host": "localhost:4566", **signed.get("headers", {})}
    wire = WireRequest(method="PUT", path="/bucket/key", query_string=signed.get("query", ""),
                       headers=headers, body=b"data")
    assert where(route(wire, ["sqs", "sns", "ec2", "lambda", "s3"])) == (
        "s3", "rest-xml", "PutObject")
    assert [name for name in asked if name != "s3"] == []


def test_a_sigv4a_scope_names_no_region() -> None:
    # cloudfront-keyvaluestore is signed with SigV4A: Credential=key/date/service/aws4_request
    # and the regions in X-Amz-Region-Set ("*" for all of them).
    wire = request("GET", "/key-value-stores/arn%3Aaws%3Acloudfront%3A%3A1%3Akey-value-store%2Fa")
    wire.headers["authorization"] = (
        "AWS4-ECDSA-P256-SHA256 Credential=test/20240101/cloudfront-keyvaluestore/"
        "aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045")
    wire.headers["x-amz-region-set"] = "*"
    assert wire.credential_scope is not None
    assert (wire.credential_scope.service, wire.credential_scope.region) == (
        "cloudfront-keyvaluestore", "us-east-1")
    assert where(route(wire, [])) == ("cloudfront-keyvaluestore", "rest-json",
                                      "DescribeKeyValueStore")


@pytest.mark.parametrize("implemented", [[], ["apigateway"], ["apigatewayv2"],
                                         ["apigateway", "apigatewayv2"]])
def test_apigateway_and_apigatewayv2_share_a_signing_name(implemented: list[str]) -> None:
    v1 = botocore_request("apigateway", "rest-json", "GetRestApis", limit=5)
    v2 = botocore_request("apigatewayv2", "rest-json", "GetApis", MaxResults="5")
    assert v1.credential_scope is not None and v2.credential_scope is not None
    assert v1.credential_scope.service == v2.credential_scope.service == "apigateway"
    assert where(route(v1, implemented)) == ("apigateway", "rest-json", "GetRestApis")
    assert where(route(v2, implemented)) == ("apigatewayv2", "rest-json", "GetApis")
    # Same resource name, one version each: /domainnames and /v2/domainnames.
    v1 = botocore_request("apigateway", "rest-json", "GetDomainNames")
    v2 = botocore_request("apigatewayv2", "rest-json", "GetDomainNames")
    assert route(v1, implemented).service == "apigateway"
    assert route(v2, implemented).service == "apigatewayv2"


def test_unknown_service_is_an_aws_error() -> None:
    error = error_of(request("GET", "/nothing/here"))
    assert (error.code, error.status) == ("UnknownService", 400)


def test_the_ec2_protocol_is_routed_like_query() -> None:
    # EC2's own protocol (query-style requests): every protocol botocore's models use is
    # spoken now, so an EC2 call routes whether or not its provider implements it.
    wire = form("Action=DescribeInstances&Version=2016-11-15", scope="ec2")
    assert where(route(wire, [])) == ("ec2", "ec2", "DescribeInstances")


def test_cloudwatch_is_routed_in_the_protocol_a_request_arrives_in() -> None:
    cbor = request("POST", "/service/GraniteServiceVersion20100801/operation/ListMetrics",
                   scope="monitoring")
    cbor.headers["smithy-protocol"] = "rpc-v2-cbor"
    assert where(route(cbor, [])) == ("cloudwatch", "smithy-rpc-v2-cbor", "ListMetrics")
    json_request = request(scope="monitoring", target="GraniteServiceVersion20100801.ListMetrics")
    assert where(route(json_request, [])) == ("cloudwatch", "json", "ListMetrics")
    query = form("Action=ListMetrics&Version=2010-08-01", scope="monitoring")
    assert where(route(query, [])) == ("cloudwatch", "query", "ListMetrics")


# -- which operation -----------------------------------------------------------------------

def test_unknown_target_is_unknown_operation() -> None:
    error = error_of(request(scope="states", target="AWSStepFunctions.LaunchRocket"))
    assert (error.code, error.status) == ("UnknownOperationException", 400)
    assert "AWSStepFunctions.LaunchRocket" in error.message


def test_target_of_another_service_is_unknown_operation() -> None:
    error = error_of(request(scope="states", target="AmazonSQS.ListQueues"))
    assert error.code == "UnknownOperationException"


def test_unknown_target_without_a_signature_is_unknown_operation() -> None:
    error = error_of(request(target="NoSuchService_20990101.DoThings"))
    assert (error.code, error.status) == ("UnknownOperationException", 400)


def test_unknown_query_action_is_invalid_action() -> None:
    error = error_of(form("Action=LaunchRocket&Version=2010-03-31", scope="sns"))
    assert (error.code, error.status) == ("InvalidAction", 400)
    assert error.message == "The action LaunchRocket is not valid for this endpoint."


def test_missing_query_action_is_missing_action() -> None:
    error = error_of(form("Version=2010-03-31&TopicArn=x", scope="sns"))
    assert (error.code, error.status) == ("MissingAction", 400)


def test_unknown_rest_path_is_unknown_operation_404() -> None:
    error = error_of(request("GET", "/2015-03-31/nothing", scope="lambda"))
    assert (error.code, error.status) == ("UnknownOperationException", 404)
    error = error_of(request("BREW", "/2015-03-31/functions/", scope="lambda"))
    assert (error.code, error.status) == ("UnknownOperationException", 404)


def test_labels_are_percent_decoded() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:my fn"
    wire = botocore_request("lambda", "rest-json", "GetFunction", FunctionName=arn)
    assert "%3A" in wire.path
    found = route(wire, [])
    assert where(found) == ("lambda", "rest-json", "GetFunction")
    assert found.labels == {"FunctionName": arn}


def test_uri_labels_of_apigateway_put_method() -> None:
    wire = botocore_request("apigateway", "rest-json", "PutMethod", restApiId="a1b2",
                            resourceId="r9", httpMethod="GET", authorizationType="NONE")
    assert (wire.method, wire.path) == ("PUT", "/restapis/a1b2/resources/r9/methods/GET")
    found = route(wire, ["apigateway"])
    assert found.operation.name == "PutMethod"
    assert found.labels == {"restapi_id": "a1b2", "resource_id": "r9", "http_method": "GET"}


def test_literal_segment_beats_a_label_left_to_right() -> None:
    # /v1/flows/start/{FlowArn} and /v1/flows/{FlowArn}/outputs both match this path;
    # the literal "start" comes first, so StartFlow wins (Smithy's precedence).
    wire = request("POST", "/v1/flows/start/outputs", scope="mediaconnect")
    assert match_rest_path("mediaconnect", wire) == ("StartFlow", {"FlowArn": "outputs"})
    wire = request("POST", "/v1/flows/arn1/outputs", scope="mediaconnect")
    assert match_rest_path("mediaconnect", wire) == ("AddFlowOutputs", {"FlowArn": "arn1"})
    wire = request("POST", "/flows/validate-definition", scope="bedrock")
    assert match_rest_path("bedrock-agent", wire) == ("ValidateFlowDefinition", {})
    wire = request("POST", "/flows/flow-1/", scope="bedrock")
    assert match_rest_path("bedrock-agent", wire) == ("PrepareFlow", {"flowIdentifier": "flow-1"})


def test_greedy_labels_take_slashes_but_lose_to_literals() -> None:
    arn = "arn:aws:workspaces-web:us-east-1:123456789012:portal/abc"
    wire = botocore_request("workspaces-web", "rest-json", "AssociateBrowserSettings",
                            portalArn=arn, browserSettingsArn="arn:aws:workspaces-web:b")
    found = route(wire, [])
    assert found.operation.name == "AssociateBrowserSettings"
    assert found.labels == {"portalArn": arn}
    wire = botocore_request("workspaces-web", "rest-json", "UpdatePortal", portalArn=arn)
    found = route(wire, [])
    assert found.operation.name == "UpdatePortal"
    assert found.labels == {"portalArn": arn}


def test_required_query_literals_select_the_operation() -> None:
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("apigateway", "ImportRestApi", {"body": b"{}"}),
        ("apigateway", "CreateRestApi", {"name": "api"}),
        ("apigateway", "ImportApiKeys", {"body": b"k", "format": "csv"}),
        ("apigateway", "CreateApiKey", {}),
        ("lambda", "GetLayerVersionByArn", {"Arn": "arn:aws:lambda:us-east-1:1:layer:l:1"}),
        ("lambda", "ListLayers", {}),
        ("lambda", "GetProvisionedConcurrencyConfig", {"FunctionName": "f", "Qualifier": "1"}),
        ("lambda", "ListProvisionedConcurrencyConfigs", {"FunctionName": "f"}),
    ]
    for service, operation, params in cases:
        wire = botocore_request(service, "rest-json", operation, **params)
        assert route(wire, [service]).operation.name == operation, (service, operation)


def test_trailing_slash_is_optional() -> None:
    wire = request("GET", "/2015-03-31/functions", scope="lambda")
    assert route(wire, []).operation.name == "ListFunctions"
    wire = request("GET", "/restapis/", scope="apigateway")
    assert route(wire, ["apigateway"]).operation.name == "GetRestApis"


@pytest.mark.parametrize("host", [
    "123456789012.s3-control.us-east-1.amazonaws.com",
    "123456789012.s3-control.dualstack.eu-west-1.amazonaws.com",
    "123456789012.s3-control.localhost:4566",
])
def test_an_s3_control_host_names_no_bucket(host: str) -> None:
    """S3 Control's endpoint ({account}.s3-control.{region}.amazonaws.com, the account id as a
    host prefix: https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_GetPublicAccessBlock.html)
    addresses an account, not a bucket named after it."""
    assert routing.host_label("s3", host) is None


def test_a_bucket_host_still_names_its_bucket() -> None:
    assert routing.host_label("s3", "photos.s3.us-east-1.amazonaws.com") == "photos"
    assert routing.host_label("s3", "photos.s3.localhost:4566") == "photos"
