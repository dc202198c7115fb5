"""The few seams engines use to reach each other, as typing Protocols.

Engines never import ``wire/`` or ``services/``; a provider offers a port (``Provider.port``)
and others reach it through :class:`Ports`, which creates the owning service on first use.
Each protocol is small enough that a fake can sit beside it in tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast


@dataclass
class InvokeResult:
    """What a synchronous Lambda invocation gives back, as the Invoke API reports it."""

    status_code: int
    payload: bytes
    function_error: str | None = None  # "Unhandled" or "Handled", as X-Amz-Function-Error
    log_result: str | None = None  # base64 tail of the log, for LogType=Tail
    executed_version: str = "$LATEST"
    headers: dict[str, str] = field(default_factory=dict)


class FunctionInvoker(Protocol):
    """Runs Lambda functions; offered by the lambda service as the ``functions`` port."""

    async def invoke(
        self,
        function: str,
        payload: bytes,
        *,
        account: str,
        region: str,
        qualifier: str | None = None,
        invocation_type: str = "RequestResponse",
        client_context: str | None = None,
        trace_header: str | None = None,
    ) -> InvokeResult:
        """Invoke by name, ARN or partial ARN; raises ServiceError as the Invoke API would."""
        ...


class QueueAccess(Protocol):
    """SQS by queue ARN, for destinations, integrations and event sources (``queues`` port).

    Results and errors are the SQS API's own (ServiceError with SQS's codes).
    """

    def exists(self, queue_arn: str) -> bool: ...

    def send(
        self,
        queue_arn: str,
        body: str,
        *,
        message_attributes: Mapping[str, Mapping[str, Any]] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        delay_seconds: int | None = None,
    ) -> dict[str, Any]: ...

    async def receive(
        self,
        queue_arn: str,
        *,
        max_messages: int = 10,
        visibility_timeout: int | None = None,
        wait_seconds: int = 0,
    ) -> list[dict[str, Any]]: ...

    def delete(self, queue_arn: str, receipt_handle: str) -> None: ...

    def change_visibility(self, queue_arn: str, receipt_handle: str, timeout: int) -> None: ...


# Which service offers each port.
PORT_OWNERS: dict[str, str] = {
    "functions": "lambda",
    "logs": "logs",
    "queues": "sqs",
}


class Ports:
    """Lazy access to ports offered by other services."""

    def __init__(self, resolve: Callable[[str], object]) -> None:
        self._resolve = resolve

    def get(self, name: str) -> object:
        """The port called ``name``; raises LookupError when no service offers it."""
        return self._resolve(name)

    @property
    def functions(self) -> FunctionInvoker:
        return cast(FunctionInvoker, self._resolve("functions"))

    @property
    def queues(self) -> QueueAccess:
        return cast(QueueAccess, self._resolve("queues"))


__all__ = ["PORT_OWNERS", "FunctionInvoker", "InvokeResult", "Ports", "QueueAccess"]
