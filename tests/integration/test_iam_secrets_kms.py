"""IAM (stored, not enforced), Secrets Manager and KMS through boto3, with AWS's errors."""

from __future__ import annotations

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]})


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_roles_with_inline_and_managed_policies(emulator: EmulatorHandle) -> None:
    iam = emulator.client("iam")
    name = _name("role")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, Path="/app/",
                           Tags=[{"Key": "team", "Value": "core"}])["Role"]
    assert role["Arn"] == f"arn:aws:iam::000000000000:role/app/{name}"
    assert role["RoleId"].startswith("AROA") and len(role["RoleId"]) == 21
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == json.loads(TRUST)
    with pytest.raises(ClientError) as duplicate:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    assert duplicate.value.response["Error"]["Code"] == "EntityAlreadyExists"
    assert duplicate.value.response["Error"]["Message"] == f"Role with name {name} already exists."
    iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=POLICY)
    assert iam.get_role_policy(RoleName=name, PolicyName="inline")["PolicyDocument"] == (
        json.loads(POLICY))
    managed = iam.create_policy(PolicyName=_name("policy"), PolicyDocument=POLICY)["Policy"]
    iam.attach_role_policy(RoleName=name, PolicyArn=managed["Arn"])
    iam.attach_role_policy(RoleName=name,
                           PolicyArn="arn:aws:iam::aws:policy/AmazonSQSFullAccess")
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [
        managed["Arn"], "arn:aws:iam::aws:policy/AmazonSQSFullAccess"]
    assert iam.get_policy(PolicyArn=managed["Arn"])["Policy"]["AttachmentCount"] == 1
    with pytest.raises(ClientError) as conflict:
        iam.delete_role(RoleName=name)
    assert conflict.value.response["Error"]["Code"] == "DeleteConflict"
    for policy in attached:
        iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    iam.delete_role_policy(RoleName=name, PolicyName="inline")
    iam.delete_role(RoleName=name)
    with pytest.raises(ClientError) as gone:
        iam.get_role(RoleName=name)
    assert gone.value.response["Error"]["Code"] == "NoSuchEntity"
    assert gone.value.response["Error"]["Message"] == (
        f"The role with name {name} cannot be found.")


def test_lists_come_in_pages_with_a_marker(emulator: EmulatorHandle) -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListRoles.html"""
    iam = emulator.client("iam")
    path = f"/{_name('paged')}/"
    names = sorted(_name("role") for _ in range(3))
    for name in names:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, Path=path)
    first = iam.list_roles(PathPrefix=path, MaxItems=2)
    assert first["IsTruncated"] is True and len(first["Roles"]) == 2
    rest = iam.list_roles(PathPrefix=path, MaxItems=2, Marker=first["Marker"])
    assert rest["IsTruncated"] is False and "Marker" not in rest
    assert sorted(r["RoleName"] for r in first["Roles"] + rest["Roles"]) == names
    for policy in ("a", "b", "c"):
        iam.put_role_policy(RoleName=names[0], PolicyName=policy, PolicyDocument=POLICY)
    page = iam.list_role_policies(RoleName=names[0], MaxItems=2)
    assert page["PolicyNames"] == ["a", "b"] and page["IsTruncated"] is True
    assert iam.list_role_policies(RoleName=names[0], Marker=page["Marker"])["PolicyNames"] == [
        "c"]


def test_instance_profiles_hold_a_role(emulator: EmulatorHandle) -> None:
    iam = emulator.client("iam")
    role, profile = _name("role"), _name("profile")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    got = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == [role]
    iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
    iam.delete_instance_profile(InstanceProfileName=profile)
    with pytest.raises(ClientError) as gone:
        iam.get_instance_profile(InstanceProfileName=profile)
    assert gone.value.response["Error"]["Code"] == "NoSuchEntity"


def test_secrets_keep_versions_and_stages(emulator: EmulatorHandle) -> None:
    sm = emulator.client("secretsmanager")
    name = _name("app/db")
    created = sm.create_secret(Name=name, SecretString='{"password": "one"}')
    assert created["ARN"].startswith(
        f"arn:aws:secretsmanager:{emulator.region}:000000000000:secret:{name}-")
    first = created["VersionId"]
    second = sm.put_secret_value(SecretId=name, SecretString='{"password": "two"}')["VersionId"]
    assert sm.get_secret_value(SecretId=name)["SecretString"] == '{"password": "two"}'
    previous = sm.get_secret_value(SecretId=created["ARN"], VersionStage="AWSPREVIOUS")
    assert previous["VersionId"] == first and previous["SecretString"] == '{"password": "one"}'
    stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    assert stages == {first: ["AWSPREVIOUS"], second: ["AWSCURRENT"]}
    with pytest.raises(ClientError) as missing:
        sm.get_secret_value(SecretId=name, VersionStage="AWSPENDING")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    sm.rotate_secret(SecretId=name, RotationRules={"AutomaticallyAfterDays": 30},
                     RotateImmediately=False)
    assert sm.describe_secret(SecretId=name)["RotationRules"]["AutomaticallyAfterDays"] == 30
    sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    with pytest.raises(ClientError) as deleted:
        sm.get_secret_value(SecretId=name)
    assert deleted.value.response["Error"]["Code"] == "InvalidRequestException"
    sm.restore_secret(SecretId=name)
    assert sm.get_secret_value(SecretId=name)["VersionId"] == second
    sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    with pytest.raises(ClientError) as gone:
        sm.describe_secret(SecretId=name)
    assert gone.value.response["Error"]["Message"] == (
        "Secrets Manager can't find the specified secret.")


def test_kms_keys_encrypt_and_decrypt_through_aliases(emulator: EmulatorHandle) -> None:
    kms = emulator.client("kms")
    key = kms.create_key(Description="app key")["KeyMetadata"]
    assert key["KeyState"] == "Enabled" and key["KeySpec"] == "SYMMETRIC_DEFAULT"
    alias = f"alias/{_name('app')}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    sealed = kms.encrypt(KeyId=alias, Plaintext=b"secret",
                         EncryptionContext={"purpose": "test"})
    assert sealed["KeyId"] == key["Arn"] and b"secret" not in sealed["CiphertextBlob"]
    opened = kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"],
                         EncryptionContext={"purpose": "test"})
    assert opened["Plaintext"] == b"secret" and opened["KeyId"] == key["Arn"]
    with pytest.raises(ClientError) as wrong_context:
        kms.decrypt(CiphertextBlob=sealed["CiphertextBlob"])
    assert wrong_context.value.response["Error"]["Code"] == "InvalidCiphertextException"
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    assert len(data_key["Plaintext"]) == 32
    assert kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"] == (
        data_key["Plaintext"])
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as disabled:
        kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    assert disabled.value.response["Error"]["Code"] == "DisabledException"
    deletion = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert deletion["KeyState"] == "PendingDeletion"
    with pytest.raises(ClientError) as missing:
        kms.describe_key(KeyId="alias/does-not-exist")
    assert missing.value.response["Error"]["Code"] == "NotFoundException"


def test_a_secret_tag_without_a_key_is_a_validation_error(emulator: EmulatorHandle) -> None:
    """The SDK's model makes a tag's Key optional; the service refuses a tag without one
    (it once answered 500: found by the long fuzz profile). A tag without a Value is kept."""
    secrets = emulator.client("secretsmanager")
    name = f"tagged-{uuid.uuid4().hex[:8]}"
    secrets.create_secret(Name=name, SecretString="s")
    for call in (lambda: secrets.tag_resource(SecretId=name, Tags=[{"Value": "v"}]),
                 lambda: secrets.create_secret(Name=name + "-2", SecretString="s", Tags=[{}])):
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["Error"] == {
            "Code": "ValidationException",
            "Message": "1 validation error detected: Value null at 'tags.1.member.key' failed "
                       "to satisfy constraint: Member must not be null"}
    secrets.tag_resource(SecretId=name, Tags=[{"Key": "team"}])
    assert secrets.describe_secret(SecretId=name)["Tags"] == [{"Key": "team"}]
