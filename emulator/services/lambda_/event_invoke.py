"""Asynchronous invocation configuration: Put/Get/Update/Delete/ListFunctionEventInvokeConfig.

One configuration per function version or alias (``$LATEST`` when unqualified): retry attempts,
maximum event age, and the OnSuccess / OnFailure destinations.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.context import RequestContext
from emulator.runtime.destinations import DESTINATION_SERVICES, service_of
from emulator.runtime.event_queue import AsyncConfig
from emulator.services import paging
from emulator.services.lambda_.common import LambdaBase
from emulator.services.lambda_.names import (
    Scope,
    function_arn,
    invalid_parameter,
    scope_of,
    split_function_name,
)
from emulator.store import Record, Table

EVENT_INVOKE_CONFIGS = "event-invoke-configs"  # key: "name:qualifier"


class EventInvokeConfigRecord(Record):
    function_name: str
    qualifier: str
    maximum_retry_attempts: int | None = None
    maximum_event_age: int | None = None
    destinations: dict[str, str] = Field(default_factory=dict)  # OnSuccess/OnFailure -> ARN
    last_modified: float


def _destinations(config: dict[str, Any] | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for kind in ("OnSuccess", "OnFailure"):
        arn = ((config or {}).get(kind) or {}).get("Destination")
        if not arn:
            continue
        if service_of(arn) not in DESTINATION_SERVICES or len(arn.split(":")) < 6:
            raise invalid_parameter(
                f"The destination ARN {arn} is invalid: destinations are SQS queues, SNS "
                "topics, Lambda functions and EventBridge event buses."
            )
        found[kind] = arn
    return found


class EventInvokeApi(LambdaBase):
    def _configs(self, scope: Scope) -> Table[EventInvokeConfigRecord]:
        return self.store.table(scope.account, scope.region, EVENT_INVOKE_CONFIGS,
                                EventInvokeConfigRecord)

    def _config_target(self, scope: Scope, function_name: str,
                       qualifier: str | None) -> tuple[str, str]:
        name, qualifier = split_function_name(function_name, qualifier)
        qualifier = qualifier or "$LATEST"
        self.version_record(scope, name, qualifier)  # ResourceNotFound when it is not there
        return name, qualifier

    def _config_shape(self, scope: Scope, record: EventInvokeConfigRecord) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "LastModified": record.last_modified,
            "FunctionArn": function_arn(scope, record.function_name, record.qualifier),
            "DestinationConfig": {
                kind: ({"Destination": record.destinations[kind]}
                       if kind in record.destinations else {})
                for kind in ("OnSuccess", "OnFailure")
            },
        }
        if record.maximum_retry_attempts is not None:
            shape["MaximumRetryAttempts"] = record.maximum_retry_attempts
        if record.maximum_event_age is not None:
            shape["MaximumEventAgeInSeconds"] = record.maximum_event_age
        return shape

    def _store_config(self, scope: Scope, record: EventInvokeConfigRecord) -> dict[str, Any]:
        record.last_modified = self.clock.now()
        self._configs(scope).put(f"{record.function_name}:{record.qualifier}", record)
        return self._config_shape(scope, record)

    def put_function_event_invoke_config(self, ctx: RequestContext, **config: Any
                                         ) -> dict[str, Any]:
        """Replace the configuration: what is not given is unset."""
        return self._write_config(ctx, replace=True, **config)

    def update_function_event_invoke_config(self, ctx: RequestContext, **config: Any
                                            ) -> dict[str, Any]:
        """Change what is given, keep the rest (a destination given as {} is removed)."""
        return self._write_config(ctx, replace=False, **config)

    def _write_config(self, ctx: RequestContext, *, replace: bool, function_name: str,
                      qualifier: str | None = None, maximum_retry_attempts: int | None = None,
                      maximum_event_age_in_seconds: int | None = None,
                      destination_config: dict[str, Any] | None = None, **_: Any
                      ) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier = self._config_target(scope, function_name, qualifier)
        stored = None if replace else self._configs(scope).get(f"{name}:{qualifier}")
        record = stored or EventInvokeConfigRecord(function_name=name, qualifier=qualifier,
                                                   last_modified=0.0)
        if replace or maximum_retry_attempts is not None:
            record.maximum_retry_attempts = maximum_retry_attempts
        if replace or maximum_event_age_in_seconds is not None:
            record.maximum_event_age = maximum_event_age_in_seconds
        if destination_config is not None:
            changed = _destinations(destination_config)
            for kind in ("OnSuccess", "OnFailure"):
                if kind in destination_config:
                    record.destinations.pop(kind, None)
                    if kind in changed:
                        record.destinations[kind] = changed[kind]
        return self._store_config(scope, record)

    def _existing_config(self, scope: Scope, name: str,
                         qualifier: str) -> EventInvokeConfigRecord:
        record = self._configs(scope).get(f"{name}:{qualifier}")
        if record is None:
            raise self.not_found(f"The function {function_arn(scope, name, qualifier)} doesn't "
                                 "have an EventInvokeConfig")
        return record

    def get_function_event_invoke_config(
        self, ctx: RequestContext, *, function_name: str, qualifier: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier = self._config_target(scope, function_name, qualifier)
        return self._config_shape(scope, self._existing_config(scope, name, qualifier))

    def delete_function_event_invoke_config(
        self, ctx: RequestContext, *, function_name: str, qualifier: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier = self._config_target(scope, function_name, qualifier)
        self._existing_config(scope, name, qualifier)
        self._configs(scope).delete(f"{name}:{qualifier}")
        return {}

    def list_function_event_invoke_configs(
        self, ctx: RequestContext, *, function_name: str, marker: str | None = None,
        max_items: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        scope, name, _latest = self.named_function(ctx, function_name)
        records = [r for r in self._configs(scope).values() if r.function_name == name]
        return paging.answer("FunctionEventInvokeConfigs", records, marker, max_items or 50,
                             token_member="NextMarker",
                             shape=lambda r: self._config_shape(scope, r))

    def async_config(self, scope: Scope, name: str, qualifier: str,
                     dead_letter: str | None) -> AsyncConfig:
        """The configuration an event invoked through ``qualifier`` runs under."""
        record = self._configs(scope).get(f"{name}:{qualifier}")
        config = AsyncConfig(dead_letter=dead_letter)
        if record is not None:
            if record.maximum_retry_attempts is not None:
                config.maximum_retry_attempts = record.maximum_retry_attempts
            if record.maximum_event_age is not None:
                config.maximum_event_age = record.maximum_event_age
            config.on_success = record.destinations.get("OnSuccess")
            config.on_failure = record.destinations.get("OnFailure")
        return config

    def forget_configs(self, scope: Scope, name: str) -> None:
        table = self._configs(scope)
        for key in list(table):
            if key.startswith(f"{name}:"):
                table.delete(key)


__all__ = ["EVENT_INVOKE_CONFIGS", "EventInvokeApi", "EventInvokeConfigRecord"]
