"""ECR repositories through boto3: create, describe (all, by name, in pages) and delete, and
the RepositoryNotFoundException that deployment tools look for before they create or remove
a repository (the Serverless Framework's `serverless remove` asks for its image repository
and goes on only on that error).

References: CreateRepository, DescribeRepositories and DeleteRepository in the Amazon ECR API
Reference (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html),
RepositoryNotFoundException
(https://docs.aws.amazon.com/botocore/latest/reference/services/ecr/client/exceptions/RepositoryNotFoundException.html).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.config import DEFAULT_ACCOUNT
from emulator.testing import EmulatorHandle


@pytest.fixture
def ecr(emulator: EmulatorHandle) -> Any:
    return emulator.client("ecr")


def test_a_missing_repository_is_repository_not_found(ecr: Any) -> None:
    name = f"serverless-missing-{uuid.uuid4().hex[:8]}-dev"
    with pytest.raises(ClientError) as missing:
        ecr.describe_repositories(repositoryNames=[name], registryId=DEFAULT_ACCOUNT)
    error = missing.value.response["Error"]
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert (error["Code"], error["Message"]) == (
        "RepositoryNotFoundException",
        f"The repository with name '{name}' does not exist in the registry with id "
        f"'{DEFAULT_ACCOUNT}'")
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.delete_repository(repositoryName=name, force=True)


def test_create_describe_and_delete(ecr: Any, emulator: EmulatorHandle) -> None:
    name = f"app/{uuid.uuid4().hex[:8]}"
    created = ecr.create_repository(repositoryName=name,
                                    imageScanningConfiguration={"scanOnPush": True})
    repository = created["repository"]
    region = emulator.region
    assert repository["repositoryArn"] == (
        f"arn:aws:ecr:{region}:{DEFAULT_ACCOUNT}:repository/{name}")
    assert repository["repositoryUri"] == (
        f"{DEFAULT_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{name}")
    assert (repository["imageTagMutability"], repository["imageScanningConfiguration"]) == (
        "MUTABLE", {"scanOnPush": True})
    with pytest.raises(ecr.exceptions.RepositoryAlreadyExistsException):
        ecr.create_repository(repositoryName=name)
    found = ecr.describe_repositories(repositoryNames=[name])["repositories"]
    assert [entry["repositoryUri"] for entry in found] == [repository["repositoryUri"]]
    assert name in [entry["repositoryName"] for entry in
                    ecr.get_paginator("describe_repositories").paginate().build_full_result()[
                        "repositories"]]
    deleted = ecr.delete_repository(repositoryName=name, force=True)["repository"]
    assert deleted["repositoryArn"] == repository["repositoryArn"]
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.describe_repositories(repositoryNames=[name])


def test_listing_comes_in_pages(ecr: Any) -> None:
    prefix = f"paged-{uuid.uuid4().hex[:8]}"
    names = [f"{prefix}/{index}" for index in range(3)]
    for name in names:
        ecr.create_repository(repositoryName=name)
    seen = []
    token: dict[str, str] = {}
    while True:
        page = ecr.describe_repositories(maxResults=1, **token)
        assert len(page["repositories"]) <= 1
        seen += [entry["repositoryName"] for entry in page["repositories"]]
        if "nextToken" not in page:
            break
        token = {"nextToken": page["nextToken"]}
    assert [name for name in seen if name.startswith(prefix)] == names
    for name in names:
        ecr.delete_repository(repositoryName=name)
