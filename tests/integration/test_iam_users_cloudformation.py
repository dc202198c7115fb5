"""IAM users, access keys and groups, through boto3 and through CloudFormation.

Sources (Ref and Fn::GetAtt values):
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-user.html
(Ref: the user name; GetAtt Arn)
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-accesskey.html
(Ref: the access key ID; GetAtt SecretAccessKey)
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-group.html
(Ref: the group name; GetAtt Arn)
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from cloudformation_support import create, delete, outputs, stack_name

from emulator.testing import EmulatorHandle

POLICY = {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}

TEMPLATE = json.dumps({
    "Resources": {
        "Readers": {"Type": "AWS::IAM::Group",
                    "Properties": {"Policies": [{"PolicyName": "read",
                                                 "PolicyDocument": POLICY}]}},
        "Reader": {"Type": "AWS::IAM::User",
                   "Properties": {"Groups": [{"Ref": "Readers"}], "Path": "/apps/"}},
        "ReaderKey": {"Type": "AWS::IAM::AccessKey",
                      "Properties": {"UserName": {"Ref": "Reader"}}},
        "Extra": {"Type": "AWS::IAM::Policy",
                  "Properties": {"PolicyName": "extra", "PolicyDocument": POLICY,
                                 "Users": [{"Ref": "Reader"}]}},
    },
    "Outputs": {
        "User": {"Value": {"Ref": "Reader"}},
        "UserArn": {"Value": {"Fn::GetAtt": ["Reader", "Arn"]}},
        "Key": {"Value": {"Ref": "ReaderKey"}},
        "Secret": {"Value": {"Fn::GetAtt": ["ReaderKey", "SecretAccessKey"]}},
        "Group": {"Value": {"Ref": "Readers"}},
        "GroupArn": {"Value": {"Fn::GetAtt": ["Readers", "Arn"]}},
    },
})


def test_a_stack_makes_a_user_with_an_access_key_in_a_group(emulator: EmulatorHandle) -> None:
    cfn, iam = emulator.client("cloudformation"), emulator.client("iam")
    name = stack_name("iam-users")
    create(cfn, name, TEMPLATE, Capabilities=["CAPABILITY_IAM"])
    out = outputs(cfn, name)
    user = iam.get_user(UserName=out["User"])["User"]
    assert out["UserArn"] == user["Arn"] == (
        f"arn:aws:iam::000000000000:user/apps/{out['User']}")
    keys = iam.list_access_keys(UserName=out["User"])["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in keys] == [(out["Key"], "Active")]
    assert out["Key"].startswith("AKIA") and len(out["Key"]) == 20
    assert len(out["Secret"]) == 40
    group = iam.get_group(GroupName=out["Group"])
    assert group["Group"]["Arn"] == out["GroupArn"]
    assert [u["UserName"] for u in group["Users"]] == [out["User"]]
    assert iam.list_group_policies(GroupName=out["Group"])["PolicyNames"] == ["read"]
    assert iam.list_user_policies(UserName=out["User"])["PolicyNames"] == ["extra"]
    delete(cfn, name)
    with pytest.raises(ClientError) as gone:
        iam.get_user(UserName=out["User"])
    assert gone.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError):
        iam.get_group(GroupName=out["Group"])


def test_users_keep_their_keys_and_groups_until_released(emulator: EmulatorHandle) -> None:
    iam = emulator.client("iam")
    iam.create_user(UserName="ada-keys")
    key = iam.create_access_key(UserName="ada-keys")["AccessKey"]
    iam.create_access_key(UserName="ada-keys")
    with pytest.raises(ClientError) as quota:
        iam.create_access_key(UserName="ada-keys")
    assert quota.value.response["Error"]["Code"] == "LimitExceeded"
    with pytest.raises(ClientError) as conflict:
        iam.delete_user(UserName="ada-keys")
    assert conflict.value.response["Error"]["Code"] == "DeleteConflict"
    iam.create_group(GroupName="ada-group")
    iam.add_user_to_group(GroupName="ada-group", UserName="ada-keys")
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="ada-keys")["Groups"]] \
        == ["ada-group"]
    iam.update_access_key(UserName="ada-keys", AccessKeyId=key["AccessKeyId"],
                          Status="Inactive")
    statuses = {k["AccessKeyId"]: k["Status"]
                for k in iam.list_access_keys(UserName="ada-keys")["AccessKeyMetadata"]}
    assert statuses[key["AccessKeyId"]] == "Inactive"
    for key_id in statuses:
        iam.delete_access_key(UserName="ada-keys", AccessKeyId=key_id)
    iam.remove_user_from_group(GroupName="ada-group", UserName="ada-keys")
    iam.delete_user(UserName="ada-keys")
    iam.delete_group(GroupName="ada-group")
    assert "ada-keys" not in [u["UserName"] for u in iam.list_users()["Users"]]


def test_access_key_calls_without_a_user_name(emulator: EmulatorHandle) -> None:
    """UserName is optional in UpdateAccessKey, DeleteAccessKey and ListAccessKeys: IAM then
    works on the caller's keys (here the root user's, of which there are none kept; a key id
    still names the user holding it).
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html"""
    iam = emulator.client("iam")
    iam.create_user(UserName="ada-nameless")
    key = iam.create_access_key(UserName="ada-nameless")["AccessKey"]["AccessKeyId"]
    assert iam.list_access_keys()["AccessKeyMetadata"] == []
    iam.update_access_key(AccessKeyId=key, Status="Inactive")
    listed = iam.list_access_keys(UserName="ada-nameless")["AccessKeyMetadata"]
    assert [(k["AccessKeyId"], k["Status"]) for k in listed] == [(key, "Inactive")]
    iam.delete_access_key(AccessKeyId=key)
    assert iam.list_access_keys(UserName="ada-nameless")["AccessKeyMetadata"] == []
    with pytest.raises(ClientError) as missing:
        iam.delete_access_key(AccessKeyId=key)
    assert missing.value.response["Error"]["Code"] == "NoSuchEntity"
    iam.delete_user(UserName="ada-nameless")


def test_a_policy_attached_to_users_and_groups_counts_them(emulator: EmulatorHandle) -> None:
    """AttachmentCount counts the users, groups and roles a managed policy is attached to,
    and OnlyAttached lists it.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html"""
    iam = emulator.client("iam")
    arn = iam.create_policy(PolicyName="ada-counted",
                            PolicyDocument=json.dumps(POLICY))["Policy"]["Arn"]
    iam.create_user(UserName="ada-counted-user")
    iam.create_group(GroupName="ada-counted-group")
    iam.attach_user_policy(UserName="ada-counted-user", PolicyArn=arn)
    iam.attach_group_policy(GroupName="ada-counted-group", PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 2
    listed = iam.list_policies(OnlyAttached=True)["Policies"]
    assert arn in [policy["Arn"] for policy in listed]
    with pytest.raises(ClientError) as conflict:
        iam.delete_policy(PolicyArn=arn)
    assert conflict.value.response["Error"]["Code"] == "DeleteConflict"
    iam.detach_user_policy(UserName="ada-counted-user", PolicyArn=arn)
    iam.detach_group_policy(GroupName="ada-counted-group", PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 0
    iam.delete_policy(PolicyArn=arn)
    iam.delete_user(UserName="ada-counted-user")
    iam.delete_group(GroupName="ada-counted-group")
