"""What every integration shares: the services it may reach, one call, and AWS's error shapes.

Integrations reach other services only through the ports and small protocols bundled in
:class:`Services`; the Step Functions provider fills them in (the engine never imports the wire
layer or a service).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, Protocol

from emulator import ids
from emulator.asl.errors import StatesError
from emulator.asl.integrations import catalog
from emulator.asl.integrations.callbacks import Callbacks
from emulator.asl.resources import Resource
from emulator.clock import Clock
from emulator.errors import ServiceError
from emulator.ports import FunctionInvoker


class SdkCaller(Protocol):
    """Calls any implemented AWS API by botocore service and operation name.

    ``params`` use the API's member names in PascalCase, as AWS SDK integrations write them;
    the answer is JSON-ready (PascalCase members, ISO-8601 timestamps). Failures raise
    StatesError named as AWS SDK integrations name them (``Sqs.QueueDoesNotExistException``).
    With ``generic_error`` (optimized integrations, which use the SDK for Java 1.x), an error
    the service does not model is named ``<prefix>.<generic_error>`` and causes are in that
    SDK's words.
    """

    async def call(self, service: str, operation: str, params: dict[str, Any], *,
                   account: str, region: str, error_prefix: str,
                   generic_error: str | None = None) -> dict[str, Any]: ...


@dataclass
class Child:
    """An execution started from a task (``states:startExecution``)."""

    arn: str
    start_date: float


class ExecutionStarter(Protocol):
    """Starts and follows executions of other state machines, for ``states:startExecution``.

    Failures raise StatesError named as the optimized integration names them.
    """

    async def start(self, params: dict[str, Any], *, account: str, region: str,
                    parent_arn: str) -> Child: ...

    async def finished(self, arn: str, *, account: str, region: str) -> dict[str, Any]:
        """Wait for the execution to end; its DescribeExecution answer (camelCase members,
        epoch-second dates, as the API returns them)."""
        ...

    def stop(self, arn: str, *, account: str, region: str) -> None: ...


def _none() -> Any:
    return None


def _no_port(name: str) -> object | None:
    return None


@dataclass
class Services:
    """The seams integrations use, filled in by the Step Functions provider."""

    functions: Callable[[], FunctionInvoker | None] = _none
    port: Callable[[str], object | None] = _no_port  # "queues", "topics", "buses", ...
    sdk: SdkCaller | None = None
    executions: ExecutionStarter | None = None
    callbacks: Callbacks | None = None
    http_timeout: float = 60.0
    # The emulator's shared HTTP client (an httpx.AsyncClient made once per event loop);
    # None: each request gets a client of its own.
    http: Callable[[], Any] | None = None
    endpoint_url: str = ""  # the emulator's own address (API Gateway tasks call its APIs)


@dataclass
class Call:
    """One attempt of a Task state against its resource."""

    resource: Resource
    parameters: Any
    account: str
    region: str
    execution_arn: str
    state_machine_arn: str
    services: Services
    clock: Clock
    task_token: str | None = None
    trace_header: str | None = None  # X-Amzn-Trace-Id for the service, when traced
    extra: dict[str, Any] = field(default_factory=dict)

    def params(self) -> dict[str, Any]:
        """The parameters as an object (integrations take named parameters)."""
        if not isinstance(self.parameters, dict):
            raise StatesError(
                "States.Runtime",
                f"The parameters of the {self.resource.resource_type}:"
                f"{self.resource.action} integration must be a JSON object",
            )
        return self.parameters

    def required(self, name: str) -> Any:
        params = self.params()
        if params.get(name) is None:
            raise StatesError(
                "States.Runtime",
                f"The field '{name}' is required for the {self.resource.resource_type}:"
                f"{self.resource.action} integration",
            )
        return params[name]


def sdk_metadata(call: Call, length: int = 0, content_type: str = "text/xml") -> dict[str, Any]:
    """``SdkHttpMetadata`` and ``SdkResponseMetadata``, as optimized integrations add them,
    dated by the emulator clock."""
    request_id = ids.request_id()
    now = call.clock.now()
    headers = {
        "Content-Length": str(length),
        "Content-Type": content_type,
        "Date": format_datetime(datetime.fromtimestamp(now, UTC), usegmt=True),
        "x-amzn-RequestId": request_id,
    }
    return {
        "SdkHttpMetadata": {
            "AllHttpHeaders": {key: [value] for key, value in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def optimized_failure(service: str, error: BaseException) -> StatesError:
    """A service's error as an optimized integration reports it: ``SQS.<Code>Exception`` and a
    cause in the SDK for Java 1.x's words."""
    if isinstance(error, StatesError):
        return error
    prefix, generic = catalog.OPTIMIZED_ERRORS.get(service, (service.capitalize(),
                                                            "AmazonServiceException"))
    code, message, status = "", str(error), 400
    if isinstance(error, ServiceError):
        code, message, status = error.code, error.message or str(error), error.status or 400
    name = catalog.exception_name(prefix, code) if code else f"{prefix}.{generic}"
    service_name = catalog.sdk_v1_service_name(service, generic)
    cause = (f"{message} (Service: {service_name}; Status Code: {status}; Error Code: "
             f"{code or generic}; Request ID: {ids.request_id()}; Proxy: null)")
    return StatesError(name, cause)


def unsupported(resource: Resource, why: str = "") -> StatesError:
    return StatesError(
        "States.Runtime",
        f"The {resource.resource_type}:{resource.resource_name} integration is not supported "
        f"by this emulator{why}.",
    )


__all__ = [
    "Call", "Child", "ExecutionStarter", "SdkCaller", "Services",
    "optimized_failure", "sdk_metadata", "unsupported",
]
