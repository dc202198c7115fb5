"""Versions and aliases of state machines: PublishStateMachineVersion,
ListStateMachineVersions, DeleteStateMachineVersion and the alias operations."""

from __future__ import annotations

from typing import Any

from emulator import inbound
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.stepfunctions.common import StepFunctionsBase
from emulator.services.stepfunctions.models import AliasRecord
from emulator.services.stepfunctions.naming import check_name, listing, machine_arn_of


class VersionsApi(StepFunctionsBase):
    """Published versions, and aliases that route between them."""

    def publish_state_machine_version(
        self, ctx: RequestContext, *, state_machine_arn: str, revision_id: str | None = None,
        description: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        record = self._machine(ctx, state_machine_arn)
        if revision_id is not None and revision_id != record.revision_id:
            raise ServiceError(
                "ConflictException",
                f"Failed to publish the State Machine version for revision {revision_id}. "
                f"The current State Machine revision is {record.revision_id}.",
            )
        arn = self._publish(ctx, record, description)
        version = self._versions(ctx.account_id, ctx.region).get(arn)
        assert version is not None
        return {"creationDate": version.creation_date, "stateMachineVersionArn": arn}

    def list_state_machine_versions(
        self, ctx: RequestContext, *, state_machine_arn: str, next_token: str | None = None,
        max_results: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        record = self._machine(ctx, state_machine_arn)
        versions = sorted(
            (v for v in self._versions(ctx.account_id, ctx.region).values()
             if v.machine_arn == record.arn),
            key=lambda v: v.number, reverse=True,
        )
        return listing("stateMachineVersions", [
            {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date}
            for v in versions], next_token, max_results)

    def delete_state_machine_version(
        self, ctx: RequestContext, *, state_machine_version_arn: str, **_: Any
    ) -> dict[str, Any]:
        _base, qualifier = machine_arn_of(state_machine_version_arn)
        if qualifier is None or not qualifier.isdigit():
            raise ServiceError("ValidationException",
                               f"Invalid version ARN: '{state_machine_version_arn}'")
        using = [a.arn for a in self._aliases(ctx.account_id, ctx.region).values()
                 if any(r.get("stateMachineVersionArn") == state_machine_version_arn
                        for r in a.routing)]
        if using:
            raise ServiceError(
                "ConflictException",
                "Version to be deleted must not be referenced by an alias. Current list of "
                f"aliases referencing this version: [{', '.join(using)}]",
            )
        self._versions(ctx.account_id, ctx.region).delete(state_machine_version_arn)
        return {}

    # ----- aliases ------------------------------------------------------------------------

    def _check_routing(self, ctx: RequestContext, routing: list[dict[str, Any]]) -> str:
        machines = set()
        for route in routing:
            arn = route["stateMachineVersionArn"]
            base, qualifier = machine_arn_of(arn)
            if qualifier is None or not qualifier.isdigit():
                raise ServiceError("ValidationException",
                                   f"Invalid version ARN in routing configuration: '{arn}'")
            if self._versions(ctx.account_id, ctx.region).get(arn) is None:
                raise ServiceError("ResourceNotFound", f"Resource not found: '{arn}'")
            machines.add(base)
        if len(machines) != 1:
            raise ServiceError("ValidationException",
                               "All versions in a routing configuration must belong to the same "
                               "state machine")
        if len({r["stateMachineVersionArn"] for r in routing}) != len(routing):
            raise ServiceError("ValidationException",
                               "Routing configuration must contain distinct versions")
        if sum(int(r["weight"]) for r in routing) != 100:
            raise ServiceError("ValidationException",
                               "Sum of routing configuration weights must be equal to 100")
        return machines.pop()

    def create_state_machine_alias(
        self, ctx: RequestContext, *, name: str, routing_configuration: list[dict[str, Any]],
        description: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        check_name(name)
        if name.isdigit():
            raise ServiceError("ValidationException", f"Invalid alias name: '{name}'")
        machine_arn = self._check_routing(ctx, routing_configuration)
        if self._machines(ctx.account_id, ctx.region).get(machine_arn) is None:
            raise ServiceError("ResourceNotFound", f"Resource not found: '{machine_arn}'")
        arn = f"{machine_arn}:{name}"
        table = self._aliases(ctx.account_id, ctx.region)
        existing = table.get(arn)
        if existing is not None:
            if existing.routing == routing_configuration and existing.description == description:
                return {"stateMachineAliasArn": arn, "creationDate": existing.creation_date}
            raise ServiceError("ConflictException",
                               f"Failed to create alias because an alias with the same name "
                               f"and a different routing configuration already exists: '{arn}'")
        record = AliasRecord(arn=arn, machine_arn=machine_arn, name=name,
                             description=description, routing=routing_configuration,
                             creation_date=self._now())
        table.put(arn, record)
        return {"stateMachineAliasArn": arn, "creationDate": record.creation_date}

    def _alias(self, ctx: RequestContext, arn: str) -> AliasRecord:
        _base, qualifier = machine_arn_of(arn)
        if qualifier is None or qualifier.isdigit():
            raise ServiceError("ValidationException", f"Invalid alias ARN: '{arn}'")
        record = self._aliases(ctx.account_id, ctx.region).get(arn)
        if record is None:
            raise ServiceError("ResourceNotFound", f"Resource not found: '{arn}'")
        return record

    def describe_state_machine_alias(
        self, ctx: RequestContext, *, state_machine_alias_arn: str, **_: Any
    ) -> dict[str, Any]:
        record = self._alias(ctx, state_machine_alias_arn)
        reply: dict[str, Any] = {
            "stateMachineAliasArn": record.arn, "name": record.name,
            "routingConfiguration": record.routing, "creationDate": record.creation_date,
        }
        if record.description is not None:
            reply["description"] = record.description
        if record.update_date is not None:
            reply["updateDate"] = record.update_date
        return reply

    def update_state_machine_alias(
        self, ctx: RequestContext, *, state_machine_alias_arn: str,
        description: str | None = None,
        routing_configuration: list[dict[str, Any]] | None = None, **_: Any,
    ) -> dict[str, Any]:
        record = self._alias(ctx, state_machine_alias_arn)
        if description is None and routing_configuration is None:
            raise ServiceError("ValidationException",
                               "Either the description or the RoutingConfiguration must be "
                               "specified")
        if routing_configuration is not None:
            self._check_routing(ctx, routing_configuration)
            record.routing = routing_configuration
        if description is not None:
            record.description = description
        record.update_date = self._now()
        self._aliases(ctx.account_id, ctx.region).put(record.arn, record)
        return {"updateDate": record.update_date}

    def delete_state_machine_alias(
        self, ctx: RequestContext, *, state_machine_alias_arn: str, **_: Any
    ) -> dict[str, Any]:
        self._alias(ctx, state_machine_alias_arn)
        self._aliases(ctx.account_id, ctx.region).delete(state_machine_alias_arn)
        return {}

    def list_state_machine_aliases(
        self, ctx: RequestContext, *, state_machine_arn: str, next_token: str | None = None,
        max_results: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        record = self._machine(ctx, state_machine_arn)
        aliases = sorted((a for a in self._aliases(ctx.account_id, ctx.region).values()
                          if a.machine_arn == record.arn), key=lambda a: a.creation_date)
        return listing("stateMachineAliases", [
            {"stateMachineAliasArn": a.arn, "creationDate": a.creation_date}
            for a in aliases], next_token, max_results)


def _json(text: str) -> Any:
    return inbound.loads(text)


__all__ = ["VersionsApi"]
