"""What every part of the Lambda provider shares: tables, names and ARNs, the code store,
the runtime, and the FunctionConfiguration shape."""

from __future__ import annotations

import logging
import random
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import InvokeResult
from emulator.runtime import node_sdk, runtimes
from emulator.runtime.event_queue import AsyncConfig
from emulator.runtime.invoker import LogSink, Runtime
from emulator.runtime.jsonlogs import LogSettings
from emulator.runtime.spec import FunctionSpec
from emulator.services.base import Provider, ScopeTables, TableOf
from emulator.services.lambda_.code import CodeStore
from emulator.services.lambda_.models import (
    ALIASES,
    COUNTERS,
    FUNCTIONS,
    LAYERS,
    POLICIES,
    URLS,
    VERSIONS,
    AliasRecord,
    CodeRef,
    CounterRecord,
    FunctionRecord,
    LayerVersionRecord,
    PolicyRecord,
    UrlConfigRecord,
)
from emulator.services.lambda_.names import (
    Scope,
    function_arn,
    invalid_parameter,
    new_revision,
    scope_and_name,
    timestamp,
)
from emulator.services.lambda_.tracing import xray_variables

EXECUTOR_TAG = "emulator:executor"


# What makes two versions the same: PublishVersion returns the last one when nothing changed.
_VERSION_FIELDS = {"runtime", "role", "handler", "description", "timeout", "memory_size",
                   "environment", "layers", "architectures", "ephemeral_storage",
                   "tracing_mode", "dead_letter_target", "kms_key_arn", "logging_config",
                   "vpc_config"}


_LOG_LEVELS = ("ApplicationLogLevel", "SystemLogLevel")


def logging_settings(stored: dict[str, Any], requested: dict[str, Any]) -> dict[str, Any]:
    """``LoggingConfig`` after a request: log levels need the JSON format, and switching
    back to Text drops them."""
    merged = {**stored, **requested}
    if merged.get("LogFormat", "Text") != "JSON":
        if any(key in requested for key in _LOG_LEVELS):
            raise invalid_parameter(
                'LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel '
                'from your request or change the LogFormat to "Json" and try again.')
        for key in _LOG_LEVELS:
            merged.pop(key, None)
    return merged


def _logging_config(stored: dict[str, Any], log_group: str) -> dict[str, Any]:
    """``LoggingConfig`` as answered: JSON brings its two levels, INFO unless set."""
    config: dict[str, Any] = {"LogFormat": "Text", **stored, "LogGroup": log_group}
    if config["LogFormat"] == "JSON":
        config.setdefault("ApplicationLogLevel", "INFO")
        config.setdefault("SystemLogLevel", "INFO")
    return config


def _same(a: FunctionRecord, b: FunctionRecord) -> bool:
    fields = _VERSION_FIELDS - {"description"}
    return a.code.sha256 == b.code.sha256 and a.model_dump(include=fields) == b.model_dump(
        include=fields)

log = logging.getLogger("emulator.lambda")
_EMPTY_LAYERS_NOTED: set[str] = set()  # another account's layers taken as empty, warned once


class Tables(ScopeTables):
    """The tables of one scope, each looked up when used: an invocation reads one or two."""

    functions = TableOf(FUNCTIONS, FunctionRecord)
    versions = TableOf(VERSIONS, FunctionRecord)
    aliases = TableOf(ALIASES, AliasRecord)
    layers = TableOf(LAYERS, LayerVersionRecord)
    urls = TableOf(URLS, UrlConfigRecord)
    policies = TableOf(POLICIES, PolicyRecord)
    counters = TableOf(COUNTERS, CounterRecord)


class LambdaBase(Provider, ABC):
    """State and helpers shared by the provider's parts, and the hooks parts offer each
    other (implemented by InvokeApi, AsyncEventsApi and EventInvokeApi)."""

    service_name = "lambda"
    error_fields: ClassVar[dict[str, Any]] = {"Type": "User"}

    @abstractmethod
    async def invoke_function(
        self, scope: Scope, function: str, payload: bytes, *, qualifier: str | None = None,
        invocation_type: str = "RequestResponse", client_context: str | None = None,
        trace_header: str | None = None, tail: bool = False, request_id: str | None = None,
        traced: bool = True, response_stream: bool = False,
    ) -> InvokeResult:
        """One invocation, raising ServiceError as the Invoke API answers (InvokeApi)."""

    @abstractmethod
    def accept_event(self, scope: Scope, name: str, qualifier: str | None, payload: bytes,
                     request_id: str, trace_header: str | None,
                     trace: str | None = None) -> None:
        """Queue an asynchronous invocation, stored before it is answered (AsyncEventsApi)."""

    @abstractmethod
    def async_config(self, scope: Scope, name: str, qualifier: str,
                     dead_letter: str | None) -> AsyncConfig:
        """The retries, event age and destinations of a version's async events
        (EventInvokeApi)."""

    def setup(self) -> None:
        self.code = CodeStore(self.own_folder)
        self._runtime: Runtime | None = None
        # Specs built since the store last changed: (account, region, name, version) ->
        # the record they were built from, the X-Ray variables, and the spec.
        self._specs: dict[tuple[str, str, str, str],
                          tuple[FunctionRecord, dict[str, str], FunctionSpec]] = {}
        self._specs_changes = -1
        self._xray: dict[str, str] = {}

    # -- scope and lookups -----------------------------------------------------------------

    def tables(self, scope: Scope) -> Tables:
        return Tables(self.store, scope.account, scope.region)

    def latest(self, scope: Scope, name: str) -> FunctionRecord:
        record = self.tables(scope).functions.get(name)
        if record is None:
            raise self.not_found(f"Function not found: {function_arn(scope, name)}")
        return record

    def named_function(self, ctx: RequestContext, function_name: str
                       ) -> tuple[Scope, str, FunctionRecord]:
        """The caller's scope, and the name and $LATEST record of the function that
        ``function_name`` (a name, an ARN or a partial ARN; any qualifier aside) names."""
        scope, name = scope_and_name(ctx, function_name)
        return scope, name, self.latest(scope, name)

    def version_record(self, scope: Scope, name: str, qualifier: str | None) -> FunctionRecord:
        """$LATEST, a published version, or the version an alias points at (its main one)."""
        latest = self.latest(scope, name)
        if qualifier in (None, "$LATEST"):
            return latest
        assert qualifier is not None
        tables = self.tables(scope)
        if qualifier.isdigit():
            record = tables.versions.get(f"{name}:{qualifier}")
        else:
            alias = tables.aliases.get(f"{name}:{qualifier}")
            record = None if alias is None else self.version_record(
                scope, name, alias.function_version)
        if record is None:
            raise self.not_found(f"Function not found: {function_arn(scope, name, qualifier)}")
        return record

    def publish(self, scope: Scope, record: FunctionRecord,
                description: str | None) -> FunctionRecord:
        """A new version of ``record`` (the last one when nothing changed since)."""
        tables = self.tables(scope)
        published = [v for key, v in tables.versions.items() if key.startswith(f"{record.name}:")]
        if published:
            last = max(published, key=lambda v: int(v.version))
            if _same(last, record) and record.code.hot_reload_path is None:
                return last
        number = self.next_number(scope, f"function:{record.name}")
        version = record.model_copy(deep=True)
        version.version = str(number)
        version.description = description if description else record.description
        version.revision_id = new_revision()
        version.last_modified = self.clock.now()
        version.tags = {}
        version.reserved_concurrency = None
        tables.versions.put(f"{record.name}:{number}", version)
        return version

    def _alias(self, scope: Scope, function_name: str, alias: str) -> AliasRecord:
        record = self.tables(scope).aliases.get(f"{function_name}:{alias}")
        if record is None:
            raise self.not_found(f"Alias not found: {function_arn(scope, function_name, alias)}")
        return record

    def route_alias(self, scope: Scope, function: str, alias_name: str) -> str:
        """The version an invocation through this alias runs, drawn by the alias's weights."""
        alias = self._alias(scope, function, alias_name)
        draw = random.random()
        for version, weight in alias.additional_weights.items():
            if draw < weight:
                return version
            draw -= weight
        return alias.function_version

    def next_number(self, scope: Scope, key: str) -> int:
        counters = self.tables(scope).counters
        counter = counters.get(key) or CounterRecord()
        counter.last += 1
        counters.put(key, counter)
        return counter.last

    # -- the engine ------------------------------------------------------------------------

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            from emulator.runtime.executors.inprocess import InProcessExecutor

            def process_executor() -> Any:
                from emulator.runtime.executors.process import ProcessExecutor

                return ProcessExecutor(self.clock,
                                       match_interpreter=self.settings.lambda_match_interpreter)

            def runtime_api_executor() -> Any:
                from emulator.runtime.executors.runtime_api import RuntimeApiExecutor

                return RuntimeApiExecutor(self.clock)

            self._runtime = Runtime(
                self.clock,
                {"inprocess": lambda: InProcessExecutor(self.clock), "process": process_executor,
                 "runtime-api": runtime_api_executor},
                account_limit=self.settings.lambda_account_concurrency,
                idle_seconds=self.settings.lambda_idle_seconds,
                log_sink=self._log_sink(),
                metric_sink=self.ports.published_metrics(),
            )
        return self._runtime

    def _log_sink(self) -> LogSink | None:
        try:
            sink = self.ports.get("logs")
        except LookupError:
            return None
        return sink  # type: ignore[return-value]

    def endpoint_url(self) -> str:
        host = self.settings.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        return f"http://{host}:{self.settings.port}"

    def reserved_total(self, scope: Scope) -> int:
        return sum(
            record.reserved_concurrency or 0 for record in self.tables(scope).functions.values()
        )

    def spec(self, scope: Scope, record: FunctionRecord) -> FunctionSpec:
        """What the runtime needs to run ``record``; built again only once any Lambda record
        (this one, $LATEST's tags and reservation, layers, other reservations) changed."""
        if self._specs_changes != self.store.changes:
            self._specs.clear()
            self._specs_changes = self.store.changes
        key = (scope.account, scope.region, record.name, record.version)
        xray = self._xray_variables()
        cached = self._specs.get(key)
        if cached is not None and cached[0] is record and cached[1] == xray:
            return cached[2]
        spec = self._build_spec(scope, record, xray)
        self._specs[key] = (record, xray, spec)
        return spec

    def _xray_variables(self) -> dict[str, str]:
        """The X-Ray daemon's address for functions' environments: read until the daemon is
        found, then kept (it listens on one address for as long as the server runs)."""
        if not self._xray:
            self._xray = xray_variables(self.ports)
        return self._xray

    def _build_spec(self, scope: Scope, record: FunctionRecord,
                    xray: dict[str, str]) -> FunctionSpec:
        latest = self.latest(scope, record.name)
        layer_dirs = tuple(folder for arn in record.layers
                           if (folder := self.layer_folder(scope, arn)) is not None)
        executor = latest.tags.get(EXECUTOR_TAG, self.settings.lambda_executor)
        if runtimes.family(record.runtime) != "python":
            executor = "runtime-api"
        return FunctionSpec(
            account=scope.account,
            region=scope.region,
            function_name=record.name,
            function_arn=function_arn(scope, record.name),
            version=record.version,
            runtime=record.runtime or "",
            handler=record.handler or "",
            code_dir=self.code.folder(record.code),
            layer_dirs=layer_dirs,
            environment={**xray, **record.environment},
            timeout=float(record.timeout),
            memory_size=record.memory_size,
            revision=f"{record.revision_id}:{executor}",
            hot_reload=record.code.hot_reload_path is not None,
            executor=("runtime-api" if executor == "runtime-api"
                      else "process" if executor == "process" else "inprocess"),
            reserved_concurrency=latest.reserved_concurrency,
            unreserved_limit=self.settings.lambda_account_concurrency - self.reserved_total(scope),
            log_group=record.logging_config.get("LogGroup") or f"/aws/lambda/{record.name}",
            log_settings=LogSettings.of(record.logging_config),
            endpoint_url=self.endpoint_url(),
            nodejs_sdk_dir=node_sdk.folder(self.settings.lambda_nodejs_sdk_dir)
            if self.settings.lambda_nodejs_sdk else None,
        )

    def code_from_s3(self, content: dict[str, Any], operation: str) -> CodeRef:
        """A zip read from an S3 object (``S3Bucket``, ``S3Key``, ``S3ObjectVersion``); S3's
        errors are reported the way Lambda reports them."""
        try:
            body = self.ports.objects.open(content["S3Bucket"], content.get("S3Key") or "",
                                           version_id=content.get("S3ObjectVersion"))
            data = body.read()
        except ServiceError as error:
            raise ServiceError(
                "InvalidParameterValueException",
                f"Error occurred while GetObject. S3 Error Code: {error.code}. S3 Error "
                f"Message: {error.message}", fields={"Type": "User"}) from None
        return self.code.put_zip(data, operation)

    def layer_folder(self, scope: Scope, arn: str) -> Path | None:
        """The folder of a layer version held here. Another account's layer version this
        emulator does not hold (the layers AWS and vendors publish for every account:
        Powertools, Lambda Insights, ...) is taken as empty, so a template naming one still
        deploys; a missing layer of the caller's own account is refused as AWS refuses it."""
        parts = arn.split(":")
        record = self.tables(Scope(parts[4], parts[3])).layers.get(f"{parts[6]}:{parts[7]}")
        if record is not None:
            return self.code.folder(record.code)
        if parts[4] == scope.account:
            raise invalid_parameter(f"Layer version {arn} does not exist.")
        if arn not in _EMPTY_LAYERS_NOTED:
            _EMPTY_LAYERS_NOTED.add(arn)
            log.warning("layer version %s is another account's and not held here: functions "
                        "get it empty (publish it in account %s to provide its content)",
                        arn, parts[4])
        return None

    # -- shapes ----------------------------------------------------------------------------

    def layer_size(self, arn: str) -> int:
        parts = arn.split(":")
        if len(parts) != 8:
            return 0
        record = self.tables(Scope(parts[4], parts[3])).layers.get(f"{parts[6]}:{parts[7]}")
        return record.code.size if record is not None else 0

    def configuration(self, scope: Scope, record: FunctionRecord) -> dict[str, Any]:
        qualifier = None if record.version == "$LATEST" else record.version
        log_group = record.logging_config.get("LogGroup") or f"/aws/lambda/{record.name}"
        config: dict[str, Any] = {
            "FunctionName": record.name,
            "FunctionArn": function_arn(scope, record.name, qualifier),
            "Runtime": record.runtime,
            "Role": record.role,
            "Handler": record.handler,
            "CodeSize": record.code.size,
            "Description": record.description,
            "Timeout": record.timeout,
            "MemorySize": record.memory_size,
            "LastModified": timestamp(record.last_modified),
            "CodeSha256": record.code.sha256,
            "Version": record.version,
            "TracingConfig": {"Mode": record.tracing_mode},
            "RevisionId": record.revision_id,
            "State": "Active",
            "LastUpdateStatus": record.last_update_status,
            "PackageType": record.package_type,
            "Architectures": list(record.architectures),
            "EphemeralStorage": {"Size": record.ephemeral_storage},
            "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": _logging_config(record.logging_config, log_group),
        }
        if record.runtime:
            config["RuntimeVersionConfig"] = {
                "RuntimeVersionArn": f"arn:aws:lambda:{scope.region}::runtime:"
                + record.code.sha256.encode().hex()[:64]
            }
        if record.environment:
            config["Environment"] = {"Variables": dict(record.environment)}
        if record.layers:
            config["Layers"] = [{"Arn": arn, "CodeSize": self.layer_size(arn)}
                                for arn in record.layers]
        if record.dead_letter_target:
            config["DeadLetterConfig"] = {"TargetArn": record.dead_letter_target}
        if record.kms_key_arn:
            config["KMSKeyArn"] = record.kms_key_arn
        if record.vpc_config:
            config["VpcConfig"] = dict(record.vpc_config)
        return config

    # -- lifecycle -------------------------------------------------------------------------

    async def stop(self) -> None:
        if self._runtime is not None:
            self._runtime.shutdown()
            self._runtime = None
        self._xray = {}
        self.code.close()

    def reset(self) -> None:
        if self._runtime is not None:
            self._runtime.retire()
        super().reset()




__all__ = ["EXECUTOR_TAG", "LambdaBase", "Tables", "logging_settings"]
