"""Published versions and aliases (with weighted routing between two versions)."""

from __future__ import annotations

import re
from typing import Any

from emulator.context import RequestContext
from emulator.services import paging
from emulator.services.lambda_.common import LambdaBase
from emulator.services.lambda_.models import AliasRecord
from emulator.services.lambda_.names import (
    Scope,
    function_arn,
    invalid_parameter,
    new_revision,
    scope_of,
    split_function_name,
    user_error,
)

ALIAS_NAME = re.compile(r"^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$")
class VersionsApi(LambdaBase):
    def publish_version(self, ctx: RequestContext, *, function_name: str,
                        code_sha256: str | None = None, description: str | None = None,
                        revision_id: str | None = None, **_: Any) -> dict[str, Any]:
        scope, _name, record = self.named_function(ctx, function_name)
        if code_sha256 is not None and code_sha256 != record.code.sha256:
            raise invalid_parameter(
                f"CodeSHA256 ({code_sha256}) is different from current CodeSHA256 in $LATEST "
                f"({record.code.sha256}). Please try again with the CodeSHA256 in $LATEST."
            )
        if revision_id is not None and revision_id != record.revision_id:
            raise user_error(
                "PreconditionFailedException",
                "The Revision Id provided does not match the latest Revision Id. Call the "
                "GetFunction/GetAlias API to retrieve the latest Revision Id",
            )
        return self.configuration(scope, self.publish(scope, record, description))

    def list_versions_by_function(self, ctx: RequestContext, *, function_name: str,
                                  marker: str | None = None, max_items: int | None = None, **_: Any
                                  ) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, _qualifier = split_function_name(function_name)
        records = [self.latest(scope, name)]
        versions = [v for key, v in self.tables(scope).versions.items()
                    if key.startswith(f"{name}:")]
        records.extend(sorted(versions, key=lambda v: int(v.version)))
        return paging.answer("Versions", records, marker, max_items or 50,
                             token_member="NextMarker",
                             shape=lambda r: self.configuration(scope, r))

    # -- aliases ---------------------------------------------------------------------------

    def _alias_arn(self, scope: Scope, alias: AliasRecord) -> str:
        return function_arn(scope, alias.function_name, alias.name)

    def _alias_shape(self, scope: Scope, alias: AliasRecord) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "AliasArn": self._alias_arn(scope, alias),
            "Name": alias.name,
            "FunctionVersion": alias.function_version,
            "Description": alias.description,
            "RevisionId": alias.revision_id,
        }
        if alias.additional_weights:
            shape["RoutingConfig"] = {"AdditionalVersionWeights": dict(alias.additional_weights)}
        return shape

    def _check_target(self, scope: Scope, name: str, version: str,
                      routing: dict[str, Any] | None) -> dict[str, float]:
        tables = self.tables(scope)
        if version != "$LATEST" and f"{name}:{version}" not in tables.versions:
            raise self.not_found(f"Function not found: {function_arn(scope, name, version)}")
        weights: dict[str, float] = dict((routing or {}).get("AdditionalVersionWeights") or {})
        if weights and version == "$LATEST":
            raise invalid_parameter(
                "$LATEST is not supported for an alias pointing to more than 1 version"
            )
        if len(weights) > 1:
            raise invalid_parameter("Number of items in AdditionalVersionWeights cannot be "
                                    "greater than 1")
        for extra, weight in weights.items():
            if extra == version:
                raise invalid_parameter(f"Function version {extra} is already included in "
                                        "routing configuration.")
            if f"{name}:{extra}" not in tables.versions:
                raise self.not_found(f"Function not found: {function_arn(scope, name, extra)}")
            if not 0.0 <= weight <= 1.0:
                raise invalid_parameter("Weights must be between 0.0 and 1.0.")
        return weights

    def create_alias(self, ctx: RequestContext, *, function_name: str, name: str,
                     function_version: str, description: str = "",
                     routing_config: dict[str, Any] | None = None, **_: Any) -> dict[str, Any]:
        scope, function, _latest = self.named_function(ctx, function_name)
        if not ALIAS_NAME.match(name):
            raise invalid_parameter(f"Alias name {name} is not valid: an alias name cannot be "
                                    "a version number.")
        weights = self._check_target(scope, function, function_version, routing_config)
        key = f"{function}:{name}"
        tables = self.tables(scope)
        if key in tables.aliases:
            raise self.conflict(f"Alias already exists: {function_arn(scope, function, name)}")
        alias = AliasRecord(name=name, function_name=function, function_version=function_version,
                            description=description, additional_weights=weights,
                            revision_id=new_revision())
        tables.aliases.put(key, alias)
        return self._alias_shape(scope, alias)

    def get_alias(
        self, ctx: RequestContext, *, function_name: str, name: str, **_: Any
    ) -> dict[str, Any]:
        scope, function, _latest = self.named_function(ctx, function_name)
        return self._alias_shape(scope, self._alias(scope, function, name))

    def update_alias(self, ctx: RequestContext, *, function_name: str, name: str,
                     function_version: str | None = None, description: str | None = None,
                     routing_config: dict[str, Any] | None = None, revision_id: str | None = None,
                     **_: Any) -> dict[str, Any]:
        scope, function, _latest = self.named_function(ctx, function_name)
        alias = self._alias(scope, function, name)
        if revision_id is not None and revision_id != alias.revision_id:
            raise user_error(
                "PreconditionFailedException",
                "The Revision Id provided does not match the latest Revision Id. Call the "
                "GetFunction/GetAlias API to retrieve the latest Revision Id",
            )
        version = function_version or alias.function_version
        routing = routing_config if routing_config is not None else {
            "AdditionalVersionWeights": alias.additional_weights}
        alias.additional_weights = self._check_target(scope, function, version, routing)
        alias.function_version = version
        if description is not None:
            alias.description = description
        alias.revision_id = new_revision()
        self.tables(scope).aliases.put(f"{function}:{name}", alias)
        return self._alias_shape(scope, alias)

    def delete_alias(
        self, ctx: RequestContext, *, function_name: str, name: str, **_: Any
    ) -> dict[str, Any]:
        scope, function, _latest = self.named_function(ctx, function_name)
        tables = self.tables(scope)
        tables.aliases.delete(f"{function}:{name}")
        tables.urls.delete(f"{function}:{name}")
        return {}

    def list_aliases(self, ctx: RequestContext, *, function_name: str,
                     function_version: str | None = None, marker: str | None = None,
                     max_items: int | None = None, **_: Any) -> dict[str, Any]:
        scope, function, _latest = self.named_function(ctx, function_name)
        aliases = [a for a in self.tables(scope).aliases.values()
                   if a.function_name == function
                   and (function_version is None or a.function_version == function_version)]
        return paging.answer("Aliases", aliases, marker, max_items or 50,
                             token_member="NextMarker",
                             shape=lambda a: self._alias_shape(scope, a))



__all__ = ["VersionsApi"]
