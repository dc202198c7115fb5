"""The ECR provider: CreateRepository, DescribeRepositories and DeleteRepository, enough for
the tools that look a repository up before they push to it or remove it (the Serverless
Framework's deploy and remove). A repository holds no images here, so DeleteRepository never
needs ``force``."""

from __future__ import annotations

from typing import Any

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

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"repositories": [{"name": record.name, "account": account, "region": region}
                                 for account, region, record in self.repositories.everywhere()]}


__all__ = ["EcrProvider"]
