"""STS through boto3: GetCallerIdentity, which deployment tools (the Serverless Framework, the
CDK, Terraform) call first to learn the account they deploy into.

References: GetCallerIdentity in the AWS STS API Reference
(https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html) and the
aws:userid column of the principal table, where the root user's id is the account id
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable).
"""

from __future__ import annotations

import boto3

from emulator.config import DEFAULT_ACCOUNT
from emulator.testing import EmulatorHandle


def test_caller_is_the_root_user_of_the_default_account(emulator: EmulatorHandle) -> None:
    identity = emulator.client("sts").get_caller_identity()
    assert (identity["Account"], identity["UserId"], identity["Arn"]) == (
        DEFAULT_ACCOUNT, DEFAULT_ACCOUNT, f"arn:aws:iam::{DEFAULT_ACCOUNT}:root")


def test_a_twelve_digit_access_key_names_the_account(emulator: EmulatorHandle) -> None:
    sts = boto3.client("sts", endpoint_url=emulator.endpoint_url, region_name="eu-west-1",
                       aws_access_key_id="111122223333", aws_secret_access_key="test")
    identity = sts.get_caller_identity()
    assert (identity["Account"], identity["Arn"]) == (
        "111122223333", "arn:aws:iam::111122223333:root")
