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


__all__ = ["Lookups", "ServiceCall", "ServiceFailure"]
