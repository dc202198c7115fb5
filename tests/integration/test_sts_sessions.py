"""STS sessions as the CDK uses them: temporary credentials for a role (the CDK assumes its
bootstrap roles), who such a session is, and the account an access key belongs to.

- https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html (Account,
  Arn and UserId; an assumed role's ARN is arn:aws:sts::<account>:assumed-role/<role>/<session>)
- https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (Credentials with
  an expiration DurationSeconds away, 3600 by default; AssumedRoleUser)
- https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle

TRUST = json.dumps({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                   "Principal": {"AWS": "arn:aws:iam::000000000000:root"}}]})


def _role(emulator: EmulatorHandle, **keys: str) -> dict[str, str]:
    name = f"deploy-{uuid.uuid4().hex[:8]}"
    role: dict[str, str] = emulator.client("iam", **keys).create_role(
        RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]
    return role


def test_an_assumed_role_session_acts_as_that_role(emulator: EmulatorHandle) -> None:
    role = _role(emulator)
    before = datetime.now(UTC)
    answer = emulator.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="cdk")
    credentials, user = answer["Credentials"], answer["AssumedRoleUser"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert credentials["SecretAccessKey"] and credentials["SessionToken"]
    assert 3590 <= (credentials["Expiration"] - before).total_seconds() <= 3610
    expected = f"arn:aws:sts::000000000000:assumed-role/{role['RoleName']}/cdk"
    assert user == {"AssumedRoleId": f"{role['RoleId']}:cdk", "Arn": expected}
    session = emulator.client("sts", aws_access_key_id=credentials["AccessKeyId"],
                              aws_secret_access_key=credentials["SecretAccessKey"],
                              aws_session_token=credentials["SessionToken"])
    identity = session.get_caller_identity()
    assert identity == {**identity, "Account": "000000000000", "Arn": expected,
                        "UserId": f"{role['RoleId']}:cdk"}


def test_a_session_in_another_account_acts_in_that_account(emulator: EmulatorHandle) -> None:
    account = "444455556666"
    role = _role(emulator, aws_access_key_id=account)
    credentials = emulator.client("sts").assume_role(
        RoleArn=role["Arn"], RoleSessionName="xa", DurationSeconds=900)["Credentials"]
    keys = {"aws_access_key_id": credentials["AccessKeyId"],
            "aws_session_token": credentials["SessionToken"]}
    assert emulator.client("sts", **keys).get_caller_identity()["Account"] == account
    queue = emulator.client("sqs", **keys).create_queue(QueueName=uuid.uuid4().hex[:12])
    assert f"/{account}/" in queue["QueueUrl"]
    info = emulator.client("sts").get_access_key_info(AccessKeyId=credentials["AccessKeyId"])
    assert info["Account"] == account


def test_a_role_that_does_not_exist_cannot_be_assumed(emulator: EmulatorHandle) -> None:
    arn = "arn:aws:iam::000000000000:role/no-such-role"
    with pytest.raises(ClientError) as caught:
        emulator.client("sts").assume_role(RoleArn=arn, RoleSessionName="sa")
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == ("User: arn:aws:iam::000000000000:root is not authorized to "
                                f"perform: sts:AssumeRole on resource: {arn}")


def test_a_session_longer_than_the_role_allows_is_refused(emulator: EmulatorHandle) -> None:
    role = _role(emulator)
    with pytest.raises(ClientError) as caught:
        emulator.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="sa",
                                           DurationSeconds=7200)
    assert caught.value.response["Error"]["Code"] == "ValidationError"
