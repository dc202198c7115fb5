"""botocore is the referee: requests it builds must parse back to what the user passed, and
responses we build must parse (with botocore) back to what the provider returned.

Every operation a registered provider implements is covered, over every protocol its service
answers; new providers are picked up from the registry without touching this file. A lighter
sweep over every operation of the services planned next keeps the generic layer honest.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from botocore.errorfactory import ClientExceptionsFactory
from botocore.model import OperationModel, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wire_oracle import (
    implemented_operations,
    model_for,
    parse_response,
    parse_with_route,
    parser,
    response_dict,
    round_trippable,
    route_request,
    s3_client,
    sent_by,
    serialize_error,
    serialize_output,
    to_wire_request,
)
from wire_strategies import Where, for_shape, input_strategy, normalise, output_strategy

from emulator.errors import ServiceError
from emulator.services.registry import PROVIDERS
from emulator.wire import specs

# WIRE_EXAMPLES=10 multiplies the examples for a deeper local run.
SCALE = int(os.environ.get("WIRE_EXAMPLES", "1"))
IMPLEMENTED_EXAMPLES = 8 * SCALE
SWEEP_EXAMPLES = 3 * SCALE
# CloudFront and Route 53 (rest-xml, like S3) join the sweep on deeper runs.
SWEEP_SERVICES = ("lambda", "apigateway", "apigatewayv2", "stepfunctions", "sns", "sqs", "s3") + (
    ("cloudfront", "route53") if SCALE > 1 else ())


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )


# Operations another one shadows: same method and URI, nothing required to tell them apart.
# Deprecated ones lose to their successors; directory buckets are listed at another host.
# WriteGetObjectResponse is addressed by a host prefix, at S3 Object Lambda's own endpoint.
SHADOWED = {("s3", "ListDirectoryBuckets"), ("s3", "WriteGetObjectResponse")}


def _shadowed(service: str, operation: OperationModel) -> bool:
    if (service, operation.name) in SHADOWED:
        return True
    if not operation.deprecated:
        return False
    model = operation.service_model
    return any(
        other != operation.name and model.operation_model(other).http == operation.http
        for other in model.operation_names
    )


def _cases(pairs: list[tuple[str, str]]) -> list[Any]:
    cases = []
    for service, name in pairs:
        for protocol in specs.protocols(service):
            operation = model_for(service, protocol).operation_model(name)
            if round_trippable(operation) and not _shadowed(service, operation):
                cases.append(pytest.param(service, protocol, name,
                                          id=f"{service}-{protocol}-{name}"))
    return cases


IMPLEMENTED_PAIRS = set(implemented_operations())
IMPLEMENTED = _cases(sorted(IMPLEMENTED_PAIRS))
# The sweep leaves out what IMPLEMENTED already covers more deeply.
SWEEP = _cases([
    (service, name)
    for service in SWEEP_SERVICES
    for name in specs.service_model(service).operation_names
    if (service, name) not in IMPLEMENTED_PAIRS
])


def _operation(service: str, protocol: str, name: str) -> OperationModel:
    return model_for(service, protocol).operation_model(name)


def check_request(service: str, protocol: str, name: str, examples: int) -> None:
    operation = _operation(service, protocol, name)

    @_settings(examples)
    @given(input_strategy(operation))
    def run(params: dict[str, Any]) -> None:
        request = to_wire_request(operation, params)
        found = route_request(request, service)
        assert (found.service, found.protocol, found.operation.name) == (service, protocol, name)
        parsed = parse_with_route(found, request)
        expected = _xml_documents(operation, params) if protocol == "rest-xml" else params
        assert normalise(_without_transport(operation, parsed, params)) == normalise(expected)

    run()


def _xml_line_ends(value: Any) -> Any:
    """XML parsers read every line end as "\n" (XML 1.0, 2.11), and botocore writes request
    documents without escaping "\r", so S3 itself receives "\n"."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, dict):
        return {key: _xml_line_ends(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_xml_line_ends(item) for item in value]
    return value


def _xml_documents(operation: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    """The params with their XML document members as the server reads them."""
    shape = operation.input_shape
    assert isinstance(shape, StructureShape)
    # Without a payload member the whole input is the document (CloudFront's CreateFunction),
    # so its top-level strings are read from XML too.
    whole = "payload" not in shape.serialization
    return {
        name: _xml_line_ends(value) if shape.members[name].serialization.get("location") is None
        and (whole or shape.members[name].type_name == "structure") else value
        for name, value in params.items()
    }


def _without_transport(operation: OperationModel, parsed: dict[str, Any],
                       params: dict[str, Any]) -> dict[str, Any]:
    """What the user passed: HTTP adds a Content-Length the user need not have given."""
    shape = operation.input_shape
    if not isinstance(shape, StructureShape):
        return parsed
    return {
        name: value for name, value in parsed.items()
        if name in params or str(shape.members[name].serialization.get("name", "")).lower()
        != "content-length"
    }


def _expected_output(operation: OperationModel, output: dict[str, Any], status: int,
                     parsed: dict[str, Any]) -> dict[str, Any]:
    """What the user should see: the output, plus what HTTP always carries (the status code,
    and the Content-Type a payload is sent with)."""
    expected = dict(output)
    shape = operation.output_shape
    if isinstance(shape, StructureShape):
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            if location == "statusCode" and name not in expected:
                expected[name] = status
            wire_name = str(member.serialization.get("name", "")).lower()
            if location == "header" and wire_name == "content-type" and name not in expected:
                expected[name] = parsed.get(name)
            # A text payload left out is an empty body, which botocore reads as "".
            if (name == shape.serialization.get("payload") and member.type_name == "string"
                    and name not in expected):
                expected[name] = parsed.get(name)
    return expected


def check_response(service: str, protocol: str, name: str, examples: int) -> None:
    operation = _operation(service, protocol, name)

    @_settings(examples)
    @given(output_strategy(operation))
    def run(output: dict[str, Any]) -> None:
        response = serialize_output(operation, output)
        parsed = parse_response(operation, response)
        expected = _expected_output(operation, output, response.status, parsed)
        assert normalise(parsed) == normalise(expected)

    run()


@pytest.mark.parametrize(("service", "protocol", "name"), IMPLEMENTED)
def test_implemented_request_round_trip(service: str, protocol: str, name: str) -> None:
    check_request(service, protocol, name, IMPLEMENTED_EXAMPLES)


@pytest.mark.parametrize(("service", "protocol", "name"), IMPLEMENTED)
def test_implemented_response_round_trip(service: str, protocol: str, name: str) -> None:
    check_response(service, protocol, name, IMPLEMENTED_EXAMPLES)


@pytest.mark.parametrize(("service", "protocol", "name"), SWEEP)
def test_sweep_request_round_trip(service: str, protocol: str, name: str) -> None:
    check_request(service, protocol, name, SWEEP_EXAMPLES)


@pytest.mark.parametrize(("service", "protocol", "name"), SWEEP)
def test_sweep_response_round_trip(service: str, protocol: str, name: str) -> None:
    check_response(service, protocol, name, SWEEP_EXAMPLES)


def test_discovery_covers_every_provider_and_protocol() -> None:
    covered = {(case.values[0], case.values[1]) for case in IMPLEMENTED}
    for service in {service for service, _ in IMPLEMENTED_PAIRS}:
        assert service in PROVIDERS
        for protocol in specs.protocols(service):
            assert (service, protocol) in covered
    # SQS is registered and answers both of its protocols.
    assert ("sqs", "GetQueueUrl") in IMPLEMENTED_PAIRS
    assert {("sqs", "json"), ("sqs", "query")} <= covered


# -- errors ----------------------------------------------------------------------------------

def _error_cases() -> list[Any]:
    cases = []
    services = sorted(set(PROVIDERS) | set(SWEEP_SERVICES))
    for service in services:
        for protocol in specs.protocols(service):
            for shape in model_for(service, protocol).error_shapes:
                cases.append(pytest.param(service, protocol, shape.name,
                                          id=f"{service}-{protocol}-{shape.name}"))
    return cases


def _any_operation(service: str, protocol: str) -> OperationModel:
    model = model_for(service, protocol)
    return model.operation_model(sorted(model.operation_names)[0])


def _client_exception_name(operation: OperationModel, error: dict[str, Any]) -> str:
    """The exception class boto3 raises for this parsed error: by its code, except SQS's,
    which botocore looks up by the shape name kept in QueryErrorCode (SQS left query before
    its model named error codes)."""
    exceptions = ClientExceptionsFactory().create_client_exceptions(operation.service_model)
    by_shape = operation.service_model.service_name == "sqs"
    code = (error.get("QueryErrorCode") if by_shape else None) or error["Code"]
    return str(exceptions.from_code(code).__name__)


@pytest.mark.parametrize(("service", "protocol", "shape_name"), _error_cases())
def test_error_round_trip(service: str, protocol: str, shape_name: str) -> None:
    operation = _any_operation(service, protocol)
    model = operation.service_model
    traits = specs.error_traits(service, shape_name)
    error_shape = model.shape_for(shape_name)
    assert isinstance(error_shape, StructureShape)
    field_names = [name for name in error_shape.members if name.lower() != "message"]
    field_strategy = for_shape(error_shape, Where(depth=0)).map(
        lambda values: {key: value for key, value in values.items() if key in field_names}
    )

    @_settings(5)
    @given(field_strategy)
    def run(fields: dict[str, Any]) -> None:
        error = ServiceError(shape_name, "it went <wrong> & \"badly\"", fields=fields)
        response = serialize_error(protocol, service, error, model)
        raw = response_dict(response)
        parsed = parser(protocol).parse(raw, operation.output_shape)
        assert parsed["ResponseMetadata"]["HTTPStatusCode"] == traits.get("httpStatusCode", 400)
        details = parsed["Error"]
        assert details["Message"] == "it went <wrong> & \"badly\""
        if protocol == "query":
            assert details["Code"] == traits.get("code", shape_name)
            sender = bool(traits.get("senderFault")) if traits else True
            assert details["Type"] == ("Sender" if sender else "Receiver")
            return
        # Shapes sharing one wire code (CloudWatch's ResourceNotFound and
        # DashboardNotFoundError) are one exception to boto3; any of them is right.
        same_code = {name for name in (shape.name for shape in model.error_shapes)
                     if specs.error_traits(service, name).get("code", name)
                     == traits.get("code", shape_name)}
        assert _client_exception_name(operation, details) in same_code | {shape_name}
        if "awsQueryCompatible" in model.metadata:
            assert details["QueryErrorCode"] == shape_name
            assert details["Code"] == traits.get("code", shape_name)
        else:
            assert details["Code"] == shape_name
            # The modeled members come back the way botocore's endpoint adds them.
            modeled = parser(protocol).parse(response_dict(response), error_shape)
            modeled = {key: value for key, value in modeled.items() if key in field_names}
            assert normalise(modeled) == normalise(fields)

    run()


# -- S3 in both addressing styles -----------------------------------------------------------

S3_OPERATIONS = [case.values[2] for case in IMPLEMENTED if case.values[0] == "s3"]
BUCKETS = st.from_regex(r"[a-z0-9][a-z0-9-]{1,20}[a-z0-9]", fullmatch=True)
# Members botocore's S3 handlers rewrite on the way out (encode a key, quote a copy source)
# or add on their own (checksums, Content-MD5); the request parses back to what was sent.
REWRITTEN = {"SSECustomerKey", "CopySourceSSECustomerKey", "CopySource", "ContentMD5",
             "ChecksumAlgorithm", "ChecksumCRC32", "EncodingType", "ContentLength",
             "ExpectedBucketOwner", "ExpectedSourceBucketOwner"}


# Members whose values the client itself must support (checksum algorithms beyond those
# botocore computes without the CRT); the path-style round trip above covers them.
CLIENT_CHOSEN = {"ChecksumAlgorithm"}
PATH_ALWAYS = {"GetBucketLocation"}  # botocore addresses it by path whatever the style
ADDRESSING_EXAMPLES = 3 * SCALE


@pytest.mark.parametrize("name", S3_OPERATIONS)
@pytest.mark.parametrize("style", ["path", "virtual"])
def test_s3_request_round_trip_in_each_addressing_style(style: str, name: str) -> None:
    """A real boto3 client (its endpoint rules and S3 handlers) addresses the request; the
    wire layer finds the operation and reads the members back from either address."""
    client = s3_client(style)
    operation = client.meta.service_model.operation_model(name)

    @_settings(ADDRESSING_EXAMPLES)
    @given(input_strategy(operation).flatmap(
        lambda params: BUCKETS.map(lambda bucket: {
            **{k: v for k, v in params.items() if k not in CLIENT_CHOSEN},
            **({"Bucket": bucket} if "Bucket" in params else {})})))
    def run(params: dict[str, Any]) -> None:
        request = sent_by(client, operation, params)
        if style == "virtual" and "Bucket" in params and name not in PATH_ALWAYS:
            assert request.host.startswith(f"{params['Bucket']}.")
        found = route_request(request, "s3")
        assert found.operation.name == name
        parsed = parse_with_route(found, request)
        kept = {key: value for key, value in params.items() if key not in REWRITTEN}
        parsed = {key: value for key, value in parsed.items() if key in kept}
        assert normalise(parsed) == normalise(_xml_documents(operation, kept))

    run()
