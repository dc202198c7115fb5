"""The ECR provider: CreateRepository, DescribeRepositories and DeleteRepository, enough for
the tools that look a repository up before they push to it or remove it (the Serverless
Framework's deploy and remove), and a repository's settings, lifecycle and repository
policies and tags (what AWS::ECR::Repository sets: the CDK's bootstrap stack has one). A
repository holds no images here, so DeleteRepository never needs ``force`` and image lists are
empty.

https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html
https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_TagResource.html
"""

from __future__ import annotations

from typing import Any

from emulator import arns
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import paging
from emulator.services.base import Provider, TableOf
from emulator.services.ecr.models import REPOSITORIES, RepositoryRecord

PAGE = 100  # DescribeRepositories' default and largest maxResults


def _not_found(name: str, registry: str) -> ServiceError:
    return ServiceError("RepositoryNotFoundException",
                        f"The repository with name '{name}' does not exist in the registry "
                        f"with id '{registry}'", status=400)


class EcrProvider(Provider):
    service_name = "ecr"
    repositories = TableOf(REPOSITORIES, RepositoryRecord)

    def _shape(self, ctx: RequestContext, record: RepositoryRecord) -> dict[str, Any]:
        account, region = ctx.account_id, ctx.region
        return {
            "repositoryArn": f"arn:aws:ecr:{region}:{account}:repository/{record.name}",
            "registryId": account, "repositoryName": record.name,
            "repositoryUri": f"{account}.dkr.ecr.{region}.amazonaws.com/{record.name}",
            "createdAt": record.created, "imageTagMutability": record.image_tag_mutability,
            "imageScanningConfiguration": {"scanOnPush": record.scan_on_push},
            "encryptionConfiguration": dict(record.encryption),
        }

    def create_repository(self, ctx: RequestContext, *, repository_name: str,
                          tags: list[dict[str, str]] | None = None,
                          image_tag_mutability: str | None = None,
                          image_scanning_configuration: dict[str, Any] | None = None,
                          encryption_configuration: dict[str, str] | None = None,
                          **_: Any) -> dict[str, Any]:
        table = self.repositories(ctx)
        if table.get(repository_name) is not None:
            raise ServiceError("RepositoryAlreadyExistsException",
                               f"The repository with name '{repository_name}' already exists "
                               f"in the registry with id '{ctx.account_id}'", status=400)
        record = RepositoryRecord(
            name=repository_name, created=self.clock.now(),
            image_tag_mutability=image_tag_mutability or "MUTABLE",
            scan_on_push=bool((image_scanning_configuration or {}).get("scanOnPush")),
            tags=tags or [])
        if encryption_configuration:
            record.encryption = dict(encryption_configuration)
        table.put(repository_name, record)
        return {"repository": self._shape(ctx, record)}

    def describe_repositories(self, ctx: RequestContext, *, registry_id: str | None = None,
                              repository_names: list[str] | None = None,
                              next_token: str | None = None, max_results: int | None = None,
                              **_: Any) -> dict[str, Any]:
        table = self.repositories(ctx)
        if repository_names:
            records = []
            for name in repository_names:
                record = table.get(name)
                if record is None:
                    raise _not_found(name, registry_id or ctx.account_id)
                records.append(record)
        else:
            records = sorted(table.values(), key=lambda record: record.created)
        return paging.answer("repositories", records, next_token, max_results or PAGE,
                             token_member="nextToken", tokens=paging.BASE64,
                             shape=lambda record: self._shape(ctx, record))

    def delete_repository(self, ctx: RequestContext, *, repository_name: str,
                          registry_id: str | None = None, **_: Any) -> dict[str, Any]:
        table = self.repositories(ctx)
        record = table.get(repository_name)
        if record is None:
            raise _not_found(repository_name, registry_id or ctx.account_id)
        table.delete(repository_name)
        return {"repository": self._shape(ctx, record)}

    # -- a repository's settings, policies and tags -------------------------------------------

    def _repository(self, ctx: RequestContext, name: str,
                    registry_id: str | None = None) -> RepositoryRecord:
        record = self.repositories(ctx).get(name)
        if record is None:
            raise _not_found(name, registry_id or ctx.account_id)
        return record

    def _by_arn(self, ctx: RequestContext, arn: str) -> RepositoryRecord:
        parsed = arns.parse_or_none(arn)
        if parsed is None or parsed.service != "ecr" or not parsed.resource.startswith(
                "repository/"):
            raise ServiceError("InvalidParameterException", "Invalid parameter at "
                               "'resourceArn' failed to satisfy constraint: 'Invalid ARN'")
        return self._repository(ctx, parsed.resource.removeprefix("repository/"))

    def _save(self, ctx: RequestContext, record: RepositoryRecord) -> dict[str, str]:
        self.repositories(ctx).put(record.name, record)
        return {"registryId": ctx.account_id, "repositoryName": record.name}

    def put_image_tag_mutability(self, ctx: RequestContext, *, repository_name: str,
                                 image_tag_mutability: str, **_: Any) -> dict[str, Any]:
        record = self._repository(ctx, repository_name)
        record.image_tag_mutability = image_tag_mutability
        return {**self._save(ctx, record), "imageTagMutability": image_tag_mutability}

    def put_image_scanning_configuration(self, ctx: RequestContext, *, repository_name: str,
                                         image_scanning_configuration: dict[str, Any],
                                         **_: Any) -> dict[str, Any]:
        record = self._repository(ctx, repository_name)
        record.scan_on_push = bool(image_scanning_configuration.get("scanOnPush"))
        return {**self._save(ctx, record),
                "imageScanningConfiguration": {"scanOnPush": record.scan_on_push}}

    # A repository's two policies: (record field, answer member, error code, what it is).
    _POLICIES = {"lifecycle": ("lifecycle_policy", "lifecyclePolicyText",
                               "LifecyclePolicyNotFoundException", "Lifecycle policy"),
                 "repository": ("policy", "policyText", "RepositoryPolicyNotFoundException",
                                "Repository policy")}

    def _put_policy(self, ctx: RequestContext, kind: str, name: str,
                    text: str | None) -> dict[str, Any]:
        field, member, _, _ = self._POLICIES[kind]
        record = self._repository(ctx, name)
        setattr(record, field, text)
        return {**self._save(ctx, record), member: text}

    def _policy(self, ctx: RequestContext, kind: str, name: str) -> dict[str, Any]:
        field, member, code, what = self._POLICIES[kind]
        text = getattr(self._repository(ctx, name), field)
        if text is None:
            raise ServiceError(code, f"{what} does not exist for the repository with name "
                               f"'{name}' in the registry with id '{ctx.account_id}'",
                               status=400)
        return {"registryId": ctx.account_id, "repositoryName": name, member: text}

    def _delete_policy(self, ctx: RequestContext, kind: str, name: str) -> dict[str, Any]:
        answer = self._policy(ctx, kind, name)
        self._put_policy(ctx, kind, name, None)
        return answer

    def put_lifecycle_policy(self, ctx: RequestContext, *, repository_name: str,
                             lifecycle_policy_text: str, **_: Any) -> dict[str, Any]:
        return self._put_policy(ctx, "lifecycle", repository_name, lifecycle_policy_text)

    def get_lifecycle_policy(self, ctx: RequestContext, *, repository_name: str,
                             **_: Any) -> dict[str, Any]:
        return self._policy(ctx, "lifecycle", repository_name)

    def delete_lifecycle_policy(self, ctx: RequestContext, *, repository_name: str,
                                **_: Any) -> dict[str, Any]:
        return self._delete_policy(ctx, "lifecycle", repository_name)

    def set_repository_policy(self, ctx: RequestContext, *, repository_name: str,
                              policy_text: str, **_: Any) -> dict[str, Any]:
        return self._put_policy(ctx, "repository", repository_name, policy_text)

    def get_repository_policy(self, ctx: RequestContext, *, repository_name: str,
                              **_: Any) -> dict[str, Any]:
        return self._policy(ctx, "repository", repository_name)

    def delete_repository_policy(self, ctx: RequestContext, *, repository_name: str,
                                 **_: Any) -> dict[str, Any]:
        return self._delete_policy(ctx, "repository", repository_name)

    def list_images(self, ctx: RequestContext, *, repository_name: str,
                    **_: Any) -> dict[str, Any]:
        self._repository(ctx, repository_name)
        return {"imageIds": []}

    def describe_images(self, ctx: RequestContext, *, repository_name: str,
                        **_: Any) -> dict[str, Any]:
        self._repository(ctx, repository_name)
        return {"imageDetails": []}

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str,
                     tags: list[dict[str, str]], **_: Any) -> dict[str, Any]:
        record = self._by_arn(ctx, resource_arn)
        merged = {tag["Key"]: tag["Value"] for tag in [*record.tags, *tags]}
        record.tags = [{"Key": key, "Value": value} for key, value in merged.items()]
        self._save(ctx, record)
        return {}

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        record = self._by_arn(ctx, resource_arn)
        record.tags = [tag for tag in record.tags if tag["Key"] not in tag_keys]
        self._save(ctx, record)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        return {"tags": list(self._by_arn(ctx, resource_arn).tags)}

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"repositories": [{"name": record.name, "account": account, "region": region}
                                 for account, region, record in self.repositories.everywhere()]}


__all__ = ["EcrProvider"]
