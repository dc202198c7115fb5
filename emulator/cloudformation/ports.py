"""What the engine needs from the rest of the emulator, as small protocols with fakes in tests.

``ServiceCall`` is the registry's one in-process operation call bound to an account and a
region: params and results are keyed by the operation's member names, as boto3 sends and
reads them, so a resource made by a template is exactly what a client would have made.
"""

from __future__ import annotations

from typing import Any, Protocol


class ServiceFailure(Exception):
    """An operation answered with an error, as the service's own API would answer it."""

    def __init__(self, service: str, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.service = service
        self.code = code
        self.message = message
        self.status = status


class ServiceCall(Protocol):
    async def __call__(self, service: str, operation: str,
                       params: dict[str, Any]) -> dict[str, Any]:
        """Run one operation; raises ServiceFailure with the service's error."""
        ...


class Lookups(Protocol):
    """Values a template reads from outside the stack."""

    async def ssm_parameter(self, name: str) -> str:
        """The value of a Parameter Store parameter (raises ServiceFailure when missing)."""
        ...

    async def export(self, name: str) -> str | None:
        """The value of an export of another stack in the same account and region."""
        ...


class CustomResponses(Protocol):
    """Where custom resources answer: presigned S3 PUT URLs, and the answers read back."""

    async def url(self, key: str) -> str:
        """A presigned PUT URL for the answer stored under ``key``."""
        ...

    async def wait(self, key: str, timeout: float) -> dict[str, Any] | None:
        """The answer once it is stored (None if ``timeout`` seconds pass on the clock);
        raises ValueError for an answer that is not a JSON object."""
        ...


class MacroRegistry(Protocol):
    """The account and region's macros (AWS::CloudFormation::Macro), by name."""

    def function(self, name: str) -> str | None:
        """The Lambda function a registered macro invokes, or None for an unknown name."""
        ...

    def register(self, name: str, definition: dict[str, Any], owner: str) -> bool:
        """Register (or, for its owning stack, redefine) a macro; False if the name is
        taken by another stack."""
        ...

    def unregister(self, name: str, owner: str) -> None:
        """Remove the macro, if ``owner`` registered it."""
        ...


class NestedStacks(Protocol):
    """Child stacks of AWS::CloudFormation::Stack resources, run to completion."""

    async def create(self, parent_id: str, logical_id: str, properties: dict[str, Any],
                     tags: list[dict[str, str]]) -> tuple[str, dict[str, str]]:
        """Create and deploy a child stack; returns its id and outputs. Raises ResourceError
        with the child's failure."""
        ...

    async def update(self, stack_id: str, properties: dict[str, Any],
                     tags: list[dict[str, str]]) -> dict[str, str]:
        """Update a child stack to completion; returns its outputs."""
        ...

    async def delete(self, stack_id: str) -> None:
        """Delete a child stack to completion."""
        ...


__all__ = ["CustomResponses", "Lookups", "MacroRegistry", "NestedStacks", "ServiceCall",
           "ServiceFailure"]
