"""What every part of the Step Functions provider shares: the running executions, the
compiled definitions, the tables, the seams the engine reaches other services through, and
the lookups of state machines, versions and aliases."""

from __future__ import annotations

import asyncio
import random
from abc import ABC, abstractmethod
from typing import Any

from emulator.asl.diagnostics import InvalidDefinition
from emulator.asl.integrations.base import Services
from emulator.asl.integrations.callbacks import Callbacks
from emulator.asl.interpreter import Execution
from emulator.asl.loader import load, validate
from emulator.asl.map_runs import MapRunProgress
from emulator.asl.nodes import Machine
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.gateway import http_client
from emulator.ports import FunctionInvoker
from emulator.services.base import Provider, TableOf
from emulator.services.stepfunctions.mock_config import MockConfigFile
from emulator.services.stepfunctions.models import (
    ActivityRecord,
    AliasRecord,
    ExecutionRecord,
    MachineRecord,
    VersionRecord,
)
from emulator.services.stepfunctions.naming import machine_arn_of
from emulator.services.stepfunctions.nested import NestedExecutions
from emulator.services.stepfunctions.sdk import WireSdk

MAX_TAGS = 50


class Target:
    """What StartExecution resolved its ARN to: the machine and the definition to run."""

    def __init__(self, machine: MachineRecord, definition: str, role_arn: str,
                 version_arn: str | None, alias_arn: str | None, revision_id: str) -> None:
        self.machine = machine
        self.definition = definition
        self.role_arn = role_arn
        self.version_arn = version_arn
        self.alias_arn = alias_arn
        self.revision_id = revision_id


def pick_version(routing: list[dict[str, Any]]) -> str:
    """A version ARN from an alias's routing configuration, by weight."""
    total = sum(int(r.get("weight", 0)) for r in routing)
    point = random.uniform(0, total) if total else 0
    for route in routing:
        point -= int(route.get("weight", 0))
        if point <= 0:
            return str(route["stateMachineVersionArn"])
    return str(routing[-1]["stateMachineVersionArn"])


class StepFunctionsBase(Provider, ABC):
    """State and lookups shared by the provider's parts."""

    service_name = "stepfunctions"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._running: dict[str, tuple[Execution, asyncio.Task[Any]]] = {}
        self.launched: dict[str, tuple[Execution, asyncio.Task[Any], ExecutionRecord]] = {}
        self.children: dict[str, tuple[Execution, asyncio.Task[Any], ExecutionRecord]] = {}
        # Distributed Map runs of running executions, by execution ARN (stored when it ends).
        self.map_runs: dict[str, list[MapRunProgress]] = {}
        self._compiled: dict[str, Machine] = {}
        self._generation = 0
        self.callbacks = Callbacks(self.clock)
        self.mock_file = MockConfigFile(self.settings.sfn_mock_config)
        self._sdk = WireSdk(self.ports, self.settings)
        self._nested = NestedExecutions(self)
        self.metrics = self.ports.published_metrics()

    # ----- plumbing -------------------------------------------------------------------------

    @abstractmethod
    def start_execution(self, ctx: RequestContext, *, state_machine_arn: str,
                        name: str | None = None, input: str | None = None,
                        trace_header: str | None = None, **_: Any) -> dict[str, Any]:
        """StartExecution (ExecutionsApi): nested executions and the ``executions`` port
        start executions through it."""

    @abstractmethod
    def map_run_children(self, ctx: RequestContext, map_run_arn: str) -> list[dict[str, Any]]:
        """A map run's started child executions (MapRunsApi), as ListExecutions lists them."""

    @abstractmethod
    def map_run_child(self, ctx: RequestContext, arn: str) -> dict[str, Any] | None:
        """One child execution of a map run (MapRunsApi), or None when ``arn`` names none."""

    @abstractmethod
    def map_run_of_child(self, ctx: RequestContext, arn: str) -> dict[str, Any] | None:
        """The map run of the child execution ``arn`` names (MapRunsApi), or None."""

    @abstractmethod
    def map_run_child_events(self, ctx: RequestContext,
                             arn: str) -> list[dict[str, Any]] | None:
        """The own history of the STANDARD map run child ``arn`` names (MapRunsApi), or
        None."""

    def _now(self) -> float:
        return self.clock.now()

    def _wait_scale(self) -> float:
        return self.settings.sfn_wait_scale

    def _persistent(self) -> bool:
        return self.settings.state_dir is not None

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
                        executions=self._nested, callbacks=self.callbacks,
                        endpoint_url=self._sdk.endpoint_url, http=http_client.shared)

    _machines = TableOf("machines", MachineRecord)
    _versions = TableOf("versions", VersionRecord)
    _aliases = TableOf("aliases", AliasRecord)
    _executions = TableOf("executions", ExecutionRecord)
    _activities = TableOf("activities", ActivityRecord)

    def _compile(self, definition: str) -> Machine:
        machine = self._compiled.get(definition)
        if machine is None:
            machine = load(definition)
            if len(self._compiled) > 256:
                self._compiled.clear()
            self._compiled[definition] = machine
        return machine


    def _check_definition(self, definition: str, kind: str = "STANDARD") -> None:
        try:
            self._compile(definition)
        except InvalidDefinition as error:
            raise ServiceError("InvalidDefinition", str(error)) from None
        if kind == "EXPRESS":  # no .sync, .waitForTaskToken or activities
            problems = [d for d in validate(definition, express=True) if d.severity == "ERROR"]
            if problems:
                raise ServiceError("InvalidDefinition", str(InvalidDefinition(problems)))

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

    @staticmethod
    def _check_tags(tags: list[dict[str, str]] | None) -> dict[str, str]:
        found = {str(t.get("key", "")): str(t.get("value", "")) for t in tags or []}
        if len(found) > MAX_TAGS:
            raise ServiceError("TooManyTags", "Too many tags.")
        return found



__all__ = ["MAX_TAGS", "StepFunctionsBase", "Target", "pick_version"]
