"""AWS Step Functions control plane: state machines, versions, aliases, tags, validation.

Executions live in executions.py, activities and task tokens in activities.py, TestState in
test_state.py. Definitions are compiled once by emulator.asl and cached by their text. The
engine reaches other services through the Services bundle built here: the ports, the AWS SDK
seam (sdk.py) and nested executions (nested.py).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from emulator import ids
from emulator.asl.diagnostics import InvalidDefinition
from emulator.asl.integrations.base import Services
from emulator.asl.integrations.callbacks import Callbacks
from emulator.asl.interpreter import Execution
from emulator.asl.loader import validate
from emulator.asl.nodes import Machine
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import FunctionInvoker
from emulator.services.base import Provider
from emulator.services.stepfunctions.activities import ActivityOperations
from emulator.services.stepfunctions.executions import ExecutionOperations, Target, pick_version
from emulator.services.stepfunctions.mock_config import MockConfigFile
from emulator.services.stepfunctions.models import (
    DEFAULT_LOGGING,
    DEFAULT_TRACING,
    AliasRecord,
    ExecutionRecord,
    MachineRecord,
    VersionRecord,
)
from emulator.services.stepfunctions.naming import check_name, machine_arn_of, page
from emulator.services.stepfunctions.nested import ExecutionsPort, NestedExecutions
from emulator.services.stepfunctions.sdk import WireSdk
from emulator.services.stepfunctions.tags import TagOperations
from emulator.services.stepfunctions.test_state import TestStateOperation
from emulator.store import Table


class StepFunctionsProvider(ExecutionOperations, ActivityOperations, TagOperations,
                            TestStateOperation, Provider):
    service_name = "stepfunctions"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._running: dict[str, tuple[Execution, asyncio.Task[Any]]] = {}
        self.launched: dict[str, tuple[Execution, asyncio.Task[Any], ExecutionRecord]] = {}
        self.children: dict[str, tuple[Execution, asyncio.Task[Any], ExecutionRecord]] = {}
        self._compiled: dict[str, Machine] = {}
        self._generation = 0
        self.callbacks = Callbacks(self.clock)
        self.mock_file = MockConfigFile(self.settings.sfn_mock_config)
        self._sdk = WireSdk(self.ports, self.settings)
        self._nested = NestedExecutions(self)

    # ----- plumbing -------------------------------------------------------------------------

    def _now(self) -> float:
        return self.clock.now()

    def _wait_scale(self) -> float:
        return self.settings.sfn_wait_scale

    def _persistent(self) -> bool:
        return self.settings.state_dir is not None

    def port(self, name: str) -> object | None:
        return ExecutionsPort(self) if name == "executions" else None

    def _invoker(self) -> FunctionInvoker | None:
        try:
            return self.ports.functions
        except LookupError:
            return None

    def _port(self, name: str) -> object | None:
        try:
            return self.ports.get(name)
        except LookupError:
            return None

    def _services(self) -> Services:
        """What the engine may reach: ports, AWS SDK calls, nested executions, task tokens."""
        return Services(functions=self._invoker, port=self._port, sdk=self._sdk,
                        executions=self._nested, callbacks=self.callbacks)

    def _machines(self, account: str, region: str) -> Table[MachineRecord]:
        return self.store.table(account, region, "machines", MachineRecord)

    def _versions(self, account: str, region: str) -> Table[VersionRecord]:
        return self.store.table(account, region, "versions", VersionRecord)

    def _aliases(self, account: str, region: str) -> Table[AliasRecord]:
        return self.store.table(account, region, "aliases", AliasRecord)

    async def start(self) -> None:
        self.resume_stored()

    async def stop(self) -> None:
        for _execution, task, _record in list(self.launched.values()):
            task.cancel()
        self._running.clear()
        self.launched.clear()

    def reset(self) -> None:
        # Reset may come from another thread (the pytest plugin): cancel on each task's loop,
        # and move to a new generation so no execution of the old one writes its record.
        self._generation += 1
        for _execution, task, _record in list(self.launched.values()):
            task.get_loop().call_soon_threadsafe(task.cancel)
        self._running.clear()
        self.launched.clear()
        self.children.clear()
        self.callbacks.reset()
        super().reset()

    def busy(self) -> list[str]:
        """Executions that can move on without the clock or a caller (a task token, an
        activity worker): not yet started, or with a state running."""
        return [f"execution {arn} is running"
                for arn, (execution, task, _record) in list(self.launched.items())
                if not task.done() and (execution.threads == 0 or execution.busy)]

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        machines: list[dict[str, Any]] = []
        executions: list[dict[str, Any]] = []
        for account, region in self.store.scopes("machines"):
            for record in self._machines(account, region).values():
                machines.append({"arn": record.arn, "name": record.name, "type": record.type})
        for account, region in self.store.scopes("executions"):
            for item in self.store.table(account, region, "executions",
                                         ExecutionRecord).values():
                executions.append({"arn": item.arn, "status": item.status})
        activities = [{"arn": record.arn, "name": record.name}
                      for account, region in self.store.scopes("activities")
                      for record in self._activities(account, region).values()]
        return {"stateMachines": machines, "executions": executions, "activities": activities}

    # ----- definitions --------------------------------------------------------------------

    def _check_definition(self, definition: str, kind: str = "STANDARD") -> None:
        try:
            self._compile(definition)
        except InvalidDefinition as error:
            raise ServiceError("InvalidDefinition", str(error)) from None
        if kind == "EXPRESS":  # no .sync, .waitForTaskToken or activities
            problems = [d for d in validate(definition, express=True) if d.severity == "ERROR"]
            if problems:
                raise ServiceError("InvalidDefinition", str(InvalidDefinition(problems)))

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

    # ----- state machines ------------------------------------------------------------------

    def _machine(self, ctx: RequestContext, arn: str) -> MachineRecord:
        base, _qualifier = machine_arn_of(arn)
        record = self._machines(ctx.account_id, ctx.region).get(base)
        if record is None:
            raise ServiceError("StateMachineDoesNotExist",
                               f"State Machine Does Not Exist: '{arn}'")
        return record

    def _target(self, ctx: RequestContext, arn: str) -> Target:
        machine = self._machine(ctx, arn)
        _base, qualifier = machine_arn_of(arn)
        if qualifier is None:
            return Target(machine, machine.definition, machine.role_arn, None, None,
                          machine.revision_id)
        alias_arn = None
        version_arn = arn
        if not qualifier.isdigit():
            alias = self._aliases(ctx.account_id, ctx.region).get(arn)
            if alias is None:
                raise ServiceError("StateMachineDoesNotExist",
                                   f"State Machine Does Not Exist: '{arn}'")
            alias_arn, version_arn = arn, pick_version(alias.routing)
        version = self._versions(ctx.account_id, ctx.region).get(version_arn)
        if version is None:
            raise ServiceError("StateMachineDoesNotExist",
                               f"State Machine Does Not Exist: '{version_arn}'")
        return Target(machine, version.definition, version.role_arn, version_arn, alias_arn,
                      version.revision_id)

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
        chunk, token = page(list(records), next_token, max_results)
        items = [{"stateMachineArn": r.arn, "name": r.name, "type": r.type,  # type: ignore[attr-defined]
                  "creationDate": r.creation_date} for r in chunk]  # type: ignore[attr-defined]
        reply: dict[str, Any] = {"stateMachines": items}
        if token:
            reply["nextToken"] = token
        return reply

    # ----- versions -----------------------------------------------------------------------

    def _publish(self, ctx: RequestContext, record: MachineRecord,
                 description: str | None) -> str:
        versions = self._versions(ctx.account_id, ctx.region)
        for version in versions.values():
            if version.machine_arn == record.arn and version.revision_id == record.revision_id:
                return version.arn
        record.last_version += 1
        arn = f"{record.arn}:{record.last_version}"
        versions.put(arn, VersionRecord(
            arn=arn, machine_arn=record.arn, number=record.last_version,
            definition=record.definition, role_arn=record.role_arn, type=record.type,
            description=description, creation_date=self._now(),
            revision_id=record.revision_id, logging=record.logging, tracing=record.tracing,
            encryption=record.encryption,
        ))
        self._machines(ctx.account_id, ctx.region).put(record.arn, record)
        return arn

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
        chunk, token = page(list(versions), next_token, max_results)
        reply: dict[str, Any] = {"stateMachineVersions": [
            {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date}  # type: ignore[attr-defined]
            for v in chunk
        ]}
        if token:
            reply["nextToken"] = token
        return reply

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
        chunk, token = page(list(aliases), next_token, max_results)
        reply: dict[str, Any] = {"stateMachineAliases": [
            {"stateMachineAliasArn": a.arn, "creationDate": a.creation_date}  # type: ignore[attr-defined]
            for a in chunk
        ]}
        if token:
            reply["nextToken"] = token
        return reply


def _json(text: str) -> Any:
    return json.loads(text)


__all__ = ["StepFunctionsProvider"]
