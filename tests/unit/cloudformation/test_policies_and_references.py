"""Stack policies as AWS evaluates them, and dynamic references read through a fake call."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from emulator.cloudformation import dynamic
from emulator.cloudformation.errors import ResourceError
from emulator.cloudformation.ports import ServiceFailure
from emulator.cloudformation.stack_policy import denial

POLICY = json.dumps({"Statement": [
    {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
    {"Effect": "Deny", "Action": ["Update:Replace", "Update:Delete"], "Principal": "*",
     "Resource": "LogicalResourceId/Prod*"},
    {"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "*",
     "Condition": {"StringEquals": {"ResourceType": ["AWS::RDS::DBInstance"]}}},
]})


@pytest.mark.parametrize(("logical_id", "type_name", "action", "denied"), [
    ("Queue", "AWS::SQS::Queue", "Update:Modify", False),
    ("ProdQueue", "AWS::SQS::Queue", "Update:Modify", False),
    ("ProdQueue", "AWS::SQS::Queue", "Update:Replace", True),
    ("ProdTable", "AWS::DynamoDB::Table", "Update:Delete", True),
    ("Db", "AWS::RDS::DBInstance", "Update:Modify", True),
])
def test_stack_policy_statements(logical_id: str, type_name: str, action: str,
                                 denied: bool) -> None:
    assert (denial(POLICY, logical_id, type_name, action) is not None) is denied


def test_no_policy_allows_everything_and_an_empty_one_nothing() -> None:
    assert denial(None, "Queue", "AWS::SQS::Queue", "Update:Replace") is None
    empty = json.dumps({"Statement": []})
    assert denial(empty, "Queue", "AWS::SQS::Queue", "Update:Modify") is not None


class FakeCall:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    async def __call__(self, service: str, operation: str,
                       params: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((service, operation, params))
        if operation == "GetParameter":
            if params["Name"].startswith("/missing"):
                raise ServiceFailure("ssm", "ParameterNotFound", "not found")
            return {"Parameter": {"Value": f"value-of-{params['Name']}"}}
        return {"SecretString": json.dumps({"user": "app", "port": 5432})}


def test_dynamic_references_read_parameters_and_secrets() -> None:
    call = FakeCall()
    value = {"A": "{{resolve:ssm:/app/url:3}}", "B": ["x-{{resolve:ssm-secure:/app/key}}-y"],
             "C": "{{resolve:secretsmanager:db:SecretString:port}}", "D": 5}
    resolved = asyncio.run(dynamic.resolve(value, call))
    assert resolved == {"A": "value-of-/app/url:3", "B": ["x-value-of-/app/key-y"],
                        "C": "5432", "D": 5}
    assert call.calls[1][2] == {"Name": "/app/key", "WithDecryption": True}
    assert call.calls[2] == ("secretsmanager", "GetSecretValue", {"SecretId": "db"})
    with pytest.raises(ResourceError) as missing:
        asyncio.run(dynamic.resolve("{{resolve:ssm:/missing/one}}", call))
    assert missing.value.message == "Parameters: [ssm:/missing/one] cannot be found."
