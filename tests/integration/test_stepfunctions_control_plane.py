"""Step Functions control plane through boto3: state machines, versions, aliases, tags,
validation and invalid definitions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from sfn_helpers import ROLE, machine, pass_chain, sfn

HELLO = {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": "hi", "End": True}}}


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_describe_update_delete(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    arn = machine(client, "hello", HELLO, tags=[{"key": "team", "value": "core"}])
    assert arn == "arn:aws:states:us-east-1:000000000000:stateMachine:hello"
    described = client.describe_state_machine(stateMachineArn=arn)
    assert described["name"] == "hello"
    assert described["status"] == "ACTIVE"
    assert described["type"] == "STANDARD"
    assert json.loads(described["definition"]) == HELLO
    assert described["roleArn"] == ROLE
    assert described["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
    first_revision = described["revisionId"]

    updated = client.update_state_machine(
        stateMachineArn=arn, definition=json.dumps(pass_chain(2)), publish=True,
        versionDescription="two passes",
    )
    assert updated["revisionId"] != first_revision
    assert updated["stateMachineVersionArn"] == f"{arn}:1"
    assert json.loads(client.describe_state_machine(stateMachineArn=arn)["definition"]) == (
        pass_chain(2)
    )
    listed = client.list_state_machines()["stateMachines"]
    assert [m["name"] for m in listed] == ["hello"]
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "team", "value": "core"}
    ]
    client.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "dev"}])
    client.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "env", "value": "dev"}
    ]

    client.delete_state_machine(stateMachineArn=arn)
    with pytest.raises(ClientError) as excinfo:
        client.describe_state_machine(stateMachineArn=arn)
    assert _error(excinfo) == ("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def test_create_is_idempotent_and_conflicts(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    arn = machine(client, "same", HELLO)
    assert machine(client, "same", HELLO) == arn
    with pytest.raises(ClientError) as excinfo:
        machine(client, "same", pass_chain(1))
    assert _error(excinfo) == (
        "StateMachineAlreadyExists", f"State Machine Already Exists: '{arn}'"
    )


def test_invalid_definitions_get_aws_errors(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    bad = {"StartAt": "pass1", "States": {
        "pass1": {"Type": "Pass", "Next": "pass3"}, "pass2": {"Type": "Pass", "End": True}}}
    with pytest.raises(ClientError) as excinfo:
        machine(client, "bad", bad)
    assert _error(excinfo) == (
        "InvalidDefinition",
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: "
        "pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is not "
        "reachable. at /States/pass2'",
    )
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    arn = machine(client, "good", HELLO)
    with pytest.raises(ClientError) as excinfo:
        client.update_state_machine(stateMachineArn=arn, definition="{not json")
    assert _error(excinfo)[0] == "InvalidDefinition"
    assert "INVALID_JSON_DESCRIPTION" in _error(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        client.create_state_machine(name="has space", definition=json.dumps(HELLO), roleArn=ROLE)
    assert _error(excinfo)[0] == "InvalidName"
    with pytest.raises(ClientError) as excinfo:
        client.update_state_machine(stateMachineArn=arn)
    assert _error(excinfo)[0] == "MissingRequiredParameter"


def test_validate_state_machine_definition(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    assert client.validate_state_machine_definition(definition=json.dumps(HELLO))[
        "result"
    ] == "OK"
    loop = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "NOPE"}}}
    reply = client.validate_state_machine_definition(definition=json.dumps(loop))
    assert reply["result"] == "FAIL"
    assert reply["truncated"] is False
    assert reply["diagnostics"] == [
        {"severity": "ERROR", "code": "MISSING_TRANSITION_TARGET",
         "message": "Missing 'Next' target: NOPE", "location": "/States/A/Next"},
        {"severity": "ERROR", "code": "MISSING_END_STATE",
         "message": "Workflow has no terminal state"},
    ]


def test_versions_and_aliases(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    arn = machine(client, "versioned", HELLO)
    v1 = client.publish_state_machine_version(stateMachineArn=arn, description="one")
    assert v1["stateMachineVersionArn"] == f"{arn}:1"
    # Publishing an unchanged revision returns the same version.
    assert client.publish_state_machine_version(stateMachineArn=arn)[
        "stateMachineVersionArn"
    ] == f"{arn}:1"
    client.update_state_machine(stateMachineArn=arn, definition=json.dumps(pass_chain(1)))
    v2 = client.publish_state_machine_version(stateMachineArn=arn)["stateMachineVersionArn"]
    assert v2 == f"{arn}:2"
    versions = client.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in versions] == [v2, f"{arn}:1"]
    described = client.describe_state_machine(stateMachineArn=f"{arn}:1")
    assert json.loads(described["definition"]) == HELLO
    assert described["description"] == "one"

    alias = client.create_state_machine_alias(
        name="live", routingConfiguration=[{"stateMachineVersionArn": f"{arn}:1", "weight": 100}]
    )["stateMachineAliasArn"]
    assert alias == f"{arn}:live"
    assert client.describe_state_machine_alias(stateMachineAliasArn=alias)[
        "routingConfiguration"
    ] == [{"stateMachineVersionArn": f"{arn}:1", "weight": 100}]
    assert [a["stateMachineAliasArn"] for a in client.list_state_machine_aliases(
        stateMachineArn=arn)["stateMachineAliases"]] == [alias]
    execution = client.start_execution(stateMachineArn=alias)["executionArn"]
    from sfn_helpers import finished

    done = finished(client, execution)
    assert done["output"] == '"hi"'
    assert done["stateMachineAliasArn"] == alias
    assert done["stateMachineVersionArn"] == f"{arn}:1"
    with pytest.raises(ClientError) as excinfo:
        client.delete_state_machine_version(stateMachineVersionArn=f"{arn}:1")
    assert _error(excinfo)[0] == "ConflictException"
    client.update_state_machine_alias(
        stateMachineAliasArn=alias,
        routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}],
    )
    client.delete_state_machine_version(stateMachineVersionArn=f"{arn}:1")
    client.delete_state_machine_alias(stateMachineAliasArn=alias)
    with pytest.raises(ClientError) as excinfo:
        client.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert _error(excinfo)[0] == "ResourceNotFound"


def test_list_state_machines_pagination(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    for index in range(5):
        machine(client, f"m{index}", HELLO)
    names: list[str] = []
    for page in client.get_paginator("list_state_machines").paginate(
        PaginationConfig={"PageSize": 2}
    ):
        names += [m["name"] for m in page["stateMachines"]]
    assert names == [f"m{i}" for i in range(5)]
    with pytest.raises(ClientError) as excinfo:
        client.list_state_machines(nextToken="garbage")
    assert _error(excinfo)[0] == "InvalidToken"


def test_arn_errors_are_worded_as_aws_words_them(fresh_emulator: Any) -> None:
    client = sfn(fresh_emulator)
    arn = machine(client, "arns", HELLO)
    with pytest.raises(ClientError) as excinfo:
        client.list_executions(stateMachineArn="not-an-arn")
    assert _error(excinfo) == ("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: not-an-arn'")
    with pytest.raises(ClientError) as excinfo:
        client.describe_execution(executionArn=arn)
    assert _error(excinfo) == (
        "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: stateMachine'"
    )
    execution = arn.replace(":stateMachine:", ":execution:") + ":missing"
    with pytest.raises(ClientError) as excinfo:
        client.start_execution(stateMachineArn=execution)
    assert _error(excinfo) == (
        "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: execution'"
    )
    with pytest.raises(ClientError) as excinfo:
        client.describe_execution(executionArn=execution)
    assert _error(excinfo) == ("ExecutionDoesNotExist", f"Execution Does Not Exist: '{execution}'")
