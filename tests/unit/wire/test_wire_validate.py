"""Input validation worded the way AWS words it.

Coral services answer one ValidationException listing every problem, e.g.
"1 validation error detected: Value null at 'queueName' failed to satisfy constraint:
Member must not be null"; query services answer MissingParameter / InvalidParameterValue.
"""

from __future__ import annotations

from typing import Any

from emulator.errors import ServiceError
from emulator.wire import specs
from emulator.wire.validate import Problem, check, validation_failure


def coral(service: str, operation: str, params: dict[str, Any]) -> ServiceError:
    shape = specs.service_model(service).operation_model(operation).input_shape
    return validation_failure(check(shape, params))


def problems(service: str, operation: str, params: dict[str, Any]) -> list[Problem]:
    return check(specs.service_model(service).operation_model(operation).input_shape, params)


def test_missing_required_member() -> None:
    error = coral("sqs", "CreateQueue", {})
    assert (error.code, error.status) == ("ValidationException", 400)
    assert error.message == (
        "1 validation error detected: Value null at 'queueName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_valid_input_has_no_problems() -> None:
    assert problems("stepfunctions", "StartExecution", {"stateMachineArn": "arn:sfn"}) == []
    assert problems("lambda", "ListFunctions", {"MaxItems": 50}) == []


def test_every_problem_is_listed_in_one_message() -> None:
    error = coral("lambda", "CreateFunction", {"FunctionName": "", "Timeout": 0,
                                               "Role": "arn:aws:iam::1:role/r", "Code": {}})
    assert error.message.startswith("2 validation errors detected: ")
    assert (
        "Value '' at 'functionName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    ) in error.message
    assert (
        "Value '0' at 'timeout' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    ) in error.message
    assert error.message.count("; Value ") == 1


def test_range_maximum_quotes_the_number() -> None:
    error = coral("lambda", "ListFunctions", {"MaxItems": 10001})
    assert error.message == (
        "1 validation error detected: Value '10001' at 'maxItems' failed to satisfy "
        "constraint: Member must have value less than or equal to 10000"
    )


def test_length_maximum() -> None:
    # AWS's answer to StartExecution with an 81-character name, quoted from a real run in
    # https://github.com/wolfeidau/buildkite-serverless-agent/issues/37
    name = "x" * 81
    error = coral("stepfunctions", "StartExecution", {"stateMachineArn": "arn", "name": name})
    assert error.message == (
        f"1 validation error detected: Value '{name}' at 'name' failed to satisfy "
        "constraint: Member must have length less than or equal to 80"
    )


def test_enum_lists_the_allowed_values() -> None:
    error = coral("lambda", "ListFunctions", {"FunctionVersion": "SOME"})
    assert error.message == (
        "1 validation error detected: Value 'SOME' at 'functionVersion' failed to satisfy "
        "constraint: Member must satisfy enum value set: [ALL]"
    )


def test_nested_paths_name_list_items_like_coral() -> None:
    found = problems("sqs", "SendMessageBatch", {
        "QueueUrl": "u", "Entries": [{"Id": "1", "MessageBody": "b"}, {"Id": "2"}],
    })
    assert [(p.path, p.constraint) for p in found] == [
        (["Entries", "2", "member", "MessageBody"], "required")
    ]
    error = validation_failure(found)
    assert "Value null at 'entries.2.member.messageBody'" in error.message


def test_list_length_renders_the_list() -> None:
    error = coral("lambda", "CreateFunction", {
        "FunctionName": "f", "Role": "arn:aws:iam::1:role/r", "Code": {},
        "Architectures": ["x86_64", "arm64"],
    })
    assert error.message == (
        "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' failed to "
        "satisfy constraint: Member must have length less than or equal to 1"
    )


def test_blob_lengths_are_checked() -> None:
    found = problems("sqs", "SendMessage", {
        "QueueUrl": "u", "MessageBody": "b",
        "MessageAttributes": {"a": {"DataType": "Binary", "BinaryValue": b""}},
    })
    assert found == []  # BinaryValue has no length limit; the shape decides, not the type
    found = problems("lambda", "Invoke", {"FunctionName": "f", "Payload": b"{}"})
    assert found == []


def test_query_style_missing_and_invalid_parameters() -> None:
    shape = specs.query_model("sqs").operation_model("CreateQueue").input_shape
    error = validation_failure(check(shape, {}), style="query")
    assert (error.code, error.status) == ("MissingParameter", 400)
    assert error.message == "The request must contain the parameter QueueName."
    shape = specs.service_model("sns").operation_model("ListTopics").input_shape
    assert check(shape, {}) == []
    shape = specs.service_model("lambda").operation_model("ListFunctions").input_shape
    error = validation_failure(check(shape, {"MaxItems": 0}), style="query")
    assert (error.code, error.status) == ("InvalidParameterValue", 400)
    assert error.message == (
        "Value 0 for parameter MaxItems is invalid. "
        "Reason: Member must have value greater than or equal to 1."
    )


def test_sensitive_values_are_left_out_of_the_message() -> None:
    error = coral("stepfunctions", "CreateStateMachine",
                  {"name": "m", "definition": "", "roleArn": "arn"})
    assert error.message == (
        "1 validation error detected: Value at 'definition' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )
    shape = specs.service_model("stepfunctions").operation_model(
        "CreateStateMachine").input_shape
    error = validation_failure(check(shape, {"name": "m", "definition": "", "roleArn": "a"}),
                               style="query")
    assert error.message.startswith("Value for parameter definition is invalid.")
