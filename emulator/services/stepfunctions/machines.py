"""State machines: CreateStateMachine, DescribeStateMachine, UpdateStateMachine,
DeleteStateMachine, ListStateMachines and ValidateStateMachineDefinition."""

from __future__ import annotations

from typing import Any

from emulator import ids
from emulator.asl.loader import validate
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.stepfunctions.common import StepFunctionsBase
from emulator.services.stepfunctions.models import DEFAULT_LOGGING, DEFAULT_TRACING, MachineRecord
from emulator.services.stepfunctions.naming import check_name, listing, machine_arn_of


class MachinesApi(StepFunctionsBase):
    """State machines and their definitions."""

    def validate_state_machine_definition(
        self, ctx: RequestContext, *, definition: str, type: str | None = None,
        severity: str | None = None, max_results: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        found = validate(definition, express=type == "EXPRESS")
        if severity == "ERROR":
            found = [d for d in found if d.severity == "ERROR"]
        limit = max_results or 100
        diagnostics = [d.as_dict() for d in found[:limit]]
        failed = any(d.severity == "ERROR" for d in found)
        return {"result": "FAIL" if failed else "OK", "diagnostics": diagnostics,
                "truncated": len(found) > limit}

    def create_state_machine(
        self, ctx: RequestContext, *, name: str, definition: str, role_arn: str,
        type: str | None = None, logging_configuration: dict[str, Any] | None = None,
        tags: list[dict[str, str]] | None = None,
        tracing_configuration: dict[str, Any] | None = None, publish: bool | None = None,
        version_description: str | None = None,
        encryption_configuration: dict[str, Any] | None = None, **_: Any,
    ) -> dict[str, Any]:
        check_name(name)
        self._check_role(role_arn)
        kind = type or "STANDARD"
        self._check_definition(definition, kind)
        arn = f"arn:aws:states:{ctx.region}:{ctx.account_id}:stateMachine:{name}"
        table = self._machines(ctx.account_id, ctx.region)
        logging = {**DEFAULT_LOGGING, **(logging_configuration or {})}
        tracing = {**DEFAULT_TRACING, **(tracing_configuration or {})}
        existing = table.get(arn)
        if existing is not None:
            same = (existing.definition == definition and existing.role_arn == role_arn
                    and existing.type == kind and existing.logging == logging
                    and existing.tracing == tracing)
            if not same:
                raise ServiceError("StateMachineAlreadyExists",
                                   f"State Machine Already Exists: '{arn}'")
            return {"stateMachineArn": arn, "creationDate": existing.creation_date}
        record = MachineRecord(
            arn=arn, name=name, definition=definition, role_arn=role_arn, type=kind,
            creation_date=self._now(), logging=logging, tracing=tracing,
            revision_id=ids.uuid4(), tags=self._check_tags(tags),
        )
        if encryption_configuration:
            record.encryption = dict(encryption_configuration)
        table.put(arn, record)
        reply: dict[str, Any] = {"stateMachineArn": arn, "creationDate": record.creation_date}
        if publish:
            reply["stateMachineVersionArn"] = self._publish(ctx, record, version_description)
        return reply

    @staticmethod
    def _check_role(role_arn: str) -> None:
        try:
            parts = role_arn.split(":")
            if len(parts) < 6 or parts[0] != "arn" or parts[2] != "iam":
                raise ValueError(role_arn)
        except ValueError:
            raise ServiceError("InvalidArn", f"Invalid Arn: '{role_arn}'") from None

    def describe_state_machine(
        self, ctx: RequestContext, *, state_machine_arn: str, included_data: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        record = self._machine(ctx, state_machine_arn)
        _base, qualifier = machine_arn_of(state_machine_arn)
        reply: dict[str, Any] = {
            "stateMachineArn": state_machine_arn, "name": record.name, "status": record.status,
            "definition": record.definition, "roleArn": record.role_arn, "type": record.type,
            "creationDate": record.creation_date, "loggingConfiguration": record.logging,
            "tracingConfiguration": record.tracing, "revisionId": record.revision_id,
            "encryptionConfiguration": record.encryption,
        }
        if qualifier is not None:
            version = self._versions(ctx.account_id, ctx.region).get(state_machine_arn)
            if version is None or not qualifier.isdigit():
                raise ServiceError("StateMachineDoesNotExist",
                                   f"State Machine Does Not Exist: '{state_machine_arn}'")
            reply.update({
                "definition": version.definition, "roleArn": version.role_arn,
                "creationDate": version.creation_date, "revisionId": version.revision_id,
                "loggingConfiguration": version.logging, "tracingConfiguration": version.tracing,
            })
            if version.description:
                reply["description"] = version.description
        return reply

    def update_state_machine(
        self, ctx: RequestContext, *, state_machine_arn: str, definition: str | None = None,
        role_arn: str | None = None, logging_configuration: dict[str, Any] | None = None,
        tracing_configuration: dict[str, Any] | None = None, publish: bool | None = None,
        version_description: str | None = None,
        encryption_configuration: dict[str, Any] | None = None, **_: Any,
    ) -> dict[str, Any]:
        _base, qualifier = machine_arn_of(state_machine_arn)
        if qualifier is not None:
            raise ServiceError("ValidationException",
                               "Updating a version or alias ARN is not supported")
        record = self._machine(ctx, state_machine_arn)
        if all(v is None for v in (definition, role_arn, logging_configuration,
                                   tracing_configuration, encryption_configuration)):
            raise ServiceError(
                "MissingRequiredParameter",
                "Either the definition, the role ARN, the LoggingConfiguration, the "
                "EncryptionConfiguration or the TracingConfiguration must be specified",
            )
        if definition is not None:
            self._check_definition(definition, record.type)
            record.definition = definition
        if role_arn is not None:
            self._check_role(role_arn)
            record.role_arn = role_arn
        if logging_configuration is not None:
            record.logging = {**DEFAULT_LOGGING, **logging_configuration}
        if tracing_configuration is not None:
            record.tracing = {**DEFAULT_TRACING, **tracing_configuration}
        if encryption_configuration is not None:
            record.encryption = dict(encryption_configuration)
        record.update_date = self._now()
        record.revision_id = ids.uuid4()
        self._machines(ctx.account_id, ctx.region).put(record.arn, record)
        reply: dict[str, Any] = {"updateDate": record.update_date,
                                 "revisionId": record.revision_id}
        if publish:
            reply["stateMachineVersionArn"] = self._publish(ctx, record, version_description)
        return reply

    def delete_state_machine(
        self, ctx: RequestContext, *, state_machine_arn: str, **_: Any
    ) -> dict[str, Any]:
        base, qualifier = machine_arn_of(state_machine_arn)
        if qualifier is not None:
            raise ServiceError("ValidationException",
                               "Use DeleteStateMachineVersion or DeleteStateMachineAlias to "
                               "delete a version or an alias")
        if self._machines(ctx.account_id, ctx.region).delete(base) is not None:
            for table in (self._versions(ctx.account_id, ctx.region),
                          self._aliases(ctx.account_id, ctx.region)):
                for key, item in table.items():
                    if item.machine_arn == base:
                        table.delete(key)
        return {}

    def list_state_machines(
        self, ctx: RequestContext, *, max_results: int | None = None,
        next_token: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        records = sorted(self._machines(ctx.account_id, ctx.region).values(),
                         key=lambda r: r.creation_date)
        return listing("stateMachines", [
            {"stateMachineArn": r.arn, "name": r.name, "type": r.type,
             "creationDate": r.creation_date} for r in records], next_token, max_results)


__all__ = ["MachinesApi"]
