"""The services this emulator implements, created lazily on first use."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from typing import Any

from emulator.api_calls import CallLog
from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.ports import PORT_OWNERS, Ports
from emulator.services.base import Provider
from emulator.store.backend import Backend

# botocore service name -> "module:Class"; adding a service is one line here.
PROVIDERS: dict[str, str] = {
    "sqs": "emulator.services.sqs.provider:SqsProvider",
    "lambda": "emulator.services.lambda_.provider:LambdaProvider",
    "logs": "emulator.services.logs.provider:LogsProvider",
    "stepfunctions": "emulator.services.stepfunctions.provider:StepFunctionsProvider",
    "sns": "emulator.services.sns.provider:SnsProvider",
    "events": "emulator.services.events.provider:EventsProvider",
    "pipes": "emulator.services.pipes.provider:PipesProvider",
    "scheduler": "emulator.services.scheduler.provider:SchedulerProvider",
    "apigateway": "emulator.services.apigateway.provider:ApiGatewayProvider",
    "apigatewayv2": "emulator.services.apigatewayv2.provider:ApiGatewayV2Provider",
    "xray": "emulator.services.xray.provider:XrayProvider",
    "cognito-idp": "emulator.services.cognito_idp.provider:CognitoIdpProvider",
    "kinesis": "emulator.services.kinesis.provider:KinesisProvider",
    "dynamodbstreams": "emulator.services.dynamodbstreams.provider:DynamoDbStreamsProvider",
    "apigatewaymanagementapi": "emulator.services.apigatewaymanagementapi.provider:ManagementApiProvider",  # noqa: E501
    "cloudformation": "emulator.services.cloudformation.provider:CloudFormationProvider",
    "iam": "emulator.services.iam.provider:IamProvider",
    "secretsmanager": "emulator.services.secretsmanager.provider:SecretsManagerProvider",
    "kms": "emulator.services.kms.provider:KmsProvider",
    "dynamodb": "emulator.services.dynamodb.provider:DynamoDBProvider",
    "s3": "emulator.services.s3.provider:S3Provider",
    "ssm": "emulator.services.ssm.provider:SsmProvider",
    "cloudwatch": "emulator.services.cloudwatch.provider:CloudWatchProvider",
    "cloudfront": "emulator.services.cloudfront.provider:CloudFrontProvider",
    "cloudtrail": "emulator.services.cloudtrail.provider:CloudTrailProvider",
    "wafv2": "emulator.services.wafv2.provider:Wafv2Provider",
    "ec2": "emulator.services.ec2.provider:Ec2Provider",
    "sts": "emulator.services.sts.provider:StsProvider",
    "ecr": "emulator.services.ecr.provider:EcrProvider",
    "cloudcontrol": "emulator.services.cloudcontrol.provider:CloudControlProvider",
    "firehose": "emulator.services.firehose.provider:FirehoseProvider",
    "cloudfront-keyvaluestore": "emulator.services.cloudfront_keyvaluestore.provider:CloudFrontKeyValueStoreProvider",  # noqa: E501
}


class ServiceRegistry:
    def __init__(self, settings: Settings, clock: Clock, backend: Backend) -> None:
        self.settings = settings
        self.clock = clock
        self.backend = backend
        self._providers: dict[str, Provider] = {}
        self._ports: dict[str, object] = {}  # a provider's ports live as long as it does
        self._running: set[str] = set()
        self._broken: dict[str, str] = {}  # service -> why its code did not load
        self.started = False
        self.ports = Ports(self._resolve_port, self, loaded=self._loaded_port,
                           started=self._started_port, api_calls=CallLog(
                               clock.now, settings.api_call_history))

    @property
    def names(self) -> list[str]:
        return list(PROVIDERS)

    def loaded(self) -> dict[str, Provider]:
        return dict(self._providers)

    def get(self, service: str) -> Provider | None:
        """The provider of ``service``, or None when it is not implemented."""
        provider = self._providers.get(service)
        if provider is not None or service not in PROVIDERS:
            return provider
        from emulator.store.tables import ServiceStore

        module_name, class_name = PROVIDERS[service].split(":")
        try:
            provider_class: type[Provider] = getattr(importlib.import_module(module_name),
                                                     class_name)
        except (ImportError, AttributeError, SyntaxError) as error:
            self._broken[service] = f"{type(error).__name__}: {error}"
            raise
        self._broken.pop(service, None)
        provider = provider_class(
            self.settings, self.clock, ServiceStore(service, self.backend), self.ports
        )
        self._providers[service] = provider
        return provider

    def _resolve_port(self, name: str) -> object:
        port = self._ports.get(name)
        if port is not None:
            return port
        owner = PORT_OWNERS.get(name)
        provider = self.get(owner) if owner else None
        port = provider.port(name) if provider is not None else None
        if port is None:
            raise LookupError(f"no service offers the {name!r} port")
        self._ports[name] = port
        return port

    def _loaded_port(self, name: str) -> object | None:
        port = self._ports.get(name)
        if port is not None:
            return port
        owner = PORT_OWNERS.get(name)
        return self._resolve_port(name) if owner in self._providers else None

    async def _started_port(self, name: str) -> object:
        port = self._resolve_port(name)
        owner = PORT_OWNERS[name]
        if owner not in self._running:
            await self.ensure_started(owner, self._providers[owner])
        return port

    async def start(self) -> None:
        """Start services created before the server and every service with stored records,
        so work stored before a restart (timers, pollers, executions) resumes."""
        self.started = True
        stored = self.backend.stored_services()
        names = [name for name in PROVIDERS if name in stored or name in self._providers]
        for name in names:
            provider = self.get(name)
            if provider is not None:
                await self.ensure_started(name, provider)

    async def call(self, ctx: RequestContext, service: str, operation: str,
                   params: Mapping[str, Any]) -> dict[str, Any]:
        """Answer one operation in-process, exactly as a client's request is answered.

        ``service`` is the botocore service name (``sqs``, ``cognito-idp``), ``operation``
        the operation's name (``CreateQueue``) and ``params`` its input, named as the input
        shape names its members and typed as a parsed request is (int, bool, bytes for
        blobs, datetime or epoch seconds for timestamps). The input is checked against the
        model first (AWS's ValidationException or the query services' errors), then the
        service is started if it is not yet and its provider method is called with ``ctx``
        (``RequestContext.internal(account, region)`` for a call made inside the emulator;
        the service and operation are filled in). Returns the output shape's members as a
        dict (``{}`` for an operation without output); raises ServiceError: the service's
        own errors, ``UnknownOperationException`` for an operation its model lacks, and
        ``NotImplemented`` (501) for one this emulator does not answer.
        """
        from emulator.services import operations  # botocore loads with the first call

        return await operations.call(self, ctx, service, operation, params)

    def query_input(self, service: str, operation: str,
                    fields: Mapping[str, str]) -> dict[str, Any]:
        """A query-protocol request's fields as the service reads them; see
        ``Operations.query_input``."""
        from emulator.services import operations  # botocore loads with the first call

        return operations.query_input(service, operation, fields)

    async def call_json(self, ctx: RequestContext, endpoint_prefix: str, operation: str,
                        body: bytes) -> tuple[int, dict[str, str], bytes] | None:
        """One operation of a json-protocol service with a JSON body, answered as that
        protocol answers (API Gateway's AWS integrations); see ``Operations.call_json``."""
        from emulator.services import operations  # botocore loads with the first call

        return await operations.call_json(self, ctx, endpoint_prefix, operation, body)

    async def ensure_started(self, service: str, provider: Provider) -> None:
        if self.started and service not in self._running:
            self._running.add(service)
            await provider.start()

    async def stop(self) -> None:
        for name in list(self._running):
            await self._providers[name].stop()
        self._running.clear()
        self.started = False

    def reset(self, service: str | None = None) -> list[str]:
        """Forget state of one service or all; returns the services reset."""
        targets = [service] if service else self.names
        for name in targets:
            # A service never loaded holds nothing in memory; its stored rows go below.
            provider = self.get(name) if service else self._providers.get(name)
            if provider is not None:
                provider.reset()
        if service is None:
            self.backend.clear()
        return targets

    def busy(self) -> list[str]:
        """What the loaded services are still doing (see Provider.busy)."""
        return [f"{name}: {item}" for name, provider in list(self._providers.items())
                for item in provider.busy()]

    def status(self) -> dict[str, str]:
        """Each service as health reports it: ``running`` (loaded), ``available`` (its code
        is there to load on first use) or ``unavailable`` (see :meth:`problems`)."""
        problems = self.problems()
        return {
            name: "running" if name in self._providers
            else "unavailable" if name in problems else "available"
            for name in PROVIDERS
        }

    def problems(self) -> dict[str, str]:
        """Why services that are not loaded cannot load: their import failed, or their
        module is no longer where this process found the package (the install was replaced
        under the running server)."""
        found = dict(self._broken)
        for name, target in PROVIDERS.items():
            if name in self._providers or name in found:
                continue
            module_name = target.split(":")[0]
            try:
                spec = importlib.util.find_spec(module_name)
            except (ImportError, ValueError) as error:
                found[name] = f"{type(error).__name__}: {error}"
                continue
            if spec is None or (spec.origin is not None and not _exists(spec.origin)):
                found[name] = f"ModuleNotFoundError: No module named {module_name!r}"
        return found

    def resources(self) -> dict[str, Any]:
        """What each service holds; a service never used (nothing loaded, nothing stored)
        holds nothing, and is not loaded just to say so."""
        used = set(self._providers) | set(self.backend.stored_services())
        return {name: (self.get(name).resources()  # type: ignore[union-attr]
                       if name in used else {}) for name in PROVIDERS}


def _exists(path: str) -> bool:
    import os

    return os.path.exists(path)


__all__ = ["PROVIDERS", "ServiceRegistry"]
