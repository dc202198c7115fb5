"""ECR repositories through boto3: create, describe, the errors AWS gives for a name taken or
missing, policies, settings and tags. No images are served, so every repository is empty.

- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html
- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
- https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html
"""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_a_repository_lives_and_dies(emulator: EmulatorHandle) -> None:
    ecr = emulator.client("ecr")
    name = f"app/{uuid.uuid4().hex[:8]}"
    made = ecr.create_repository(repositoryName=name, tags=[{"Key": "a", "Value": "1"}])
    repository = made["repository"]
    assert repository["repositoryUri"] == f"000000000000.dkr.ecr.us-east-1.amazonaws.com/{name}"
    assert repository["imageTagMutability"] == "MUTABLE"
    assert repository["encryptionConfiguration"] == {"encryptionType": "AES256"}
    with pytest.raises(ClientError) as taken:
        ecr.create_repository(repositoryName=name)
    assert _code(taken) == "RepositoryAlreadyExistsException"
    assert taken.value.response["Error"]["Message"] == (
        f"The repository with name '{name}' already exists in the registry with id "
        "'000000000000'")
    listed = [r["repositoryName"] for r in ecr.describe_repositories()["repositories"]]
    assert name in listed
    ecr.put_image_tag_mutability(repositoryName=name, imageTagMutability="IMMUTABLE")
    arn = repository["repositoryArn"]
    ecr.tag_resource(resourceArn=arn, tags=[{"Key": "b", "Value": "2"}])
    ecr.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert ecr.list_tags_for_resource(resourceArn=arn)["tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ClientError) as no_policy:
        ecr.get_lifecycle_policy(repositoryName=name)
    assert _code(no_policy) == "LifecyclePolicyNotFoundException"
    ecr.set_repository_policy(repositoryName=name, policyText='{"Statement": []}')
    removed = ecr.delete_repository_policy(repositoryName=name)
    assert removed["policyText"] == '{"Statement": []}'
    with pytest.raises(ClientError) as no_repository_policy:
        ecr.get_repository_policy(repositoryName=name)
    assert _code(no_repository_policy) == "RepositoryPolicyNotFoundException"
    assert ecr.list_images(repositoryName=name)["imageIds"] == []
    gone = ecr.delete_repository(repositoryName=name)["repository"]
    assert gone["imageTagMutability"] == "IMMUTABLE"
    with pytest.raises(ClientError) as missing:
        ecr.describe_repositories(repositoryNames=[name])
    assert _code(missing) == "RepositoryNotFoundException"
    assert missing.value.response["Error"]["Message"] == (
        f"The repository with name '{name}' does not exist in the registry with id "
        "'000000000000'")
