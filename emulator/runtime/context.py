"""The context object handed to a handler, with the attributes of the Python runtime's.

Standard library only: the process executor's worker loads this module by path. The remaining
time is measured against the emulator's clock, passed in as ``now_ms``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from typing import Any


def shown(value: object, names: tuple[str, ...]) -> str:
    """``Name([field=value,...])``: how the runtime's context objects print."""
    fields = ",".join(f"{name}={getattr(value, name)}" for name in names)
    return f"{type(value).__name__}([{fields}])"


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, identity: Mapping[str, Any] | None = None) -> None:
        identity = identity or {}
        self.cognito_identity_id = identity.get("cognitoIdentityId")
        self.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId")

    def __repr__(self) -> str:
        return shown(self, ("cognito_identity_id", "cognito_identity_pool_id"))


class Client:
    __slots__ = (
        "app_package_name",
        "app_title",
        "app_version_code",
        "app_version_name",
        "installation_id",
    )

    def __init__(self, values: Mapping[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, values.get(name))

    def __repr__(self) -> str:
        return shown(self, ("installation_id", "app_title", "app_version_name",
                            "app_version_code", "app_package_name"))


class ClientContext:
    __slots__ = ("client", "custom", "env")

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.custom = values.get("custom")
        self.env = values.get("env")
        client = values.get("client")
        self.client = Client(client) if isinstance(client, Mapping) else None

    def __repr__(self) -> str:
        return shown(self, ("custom", "env", "client"))


def parse_client_context(raw: str | None) -> ClientContext | None:
    """The ClientContext header's JSON (already base64-decoded) as the runtime exposes it."""
    if not raw:
        return None
    values = json.loads(raw)
    return ClientContext(values) if isinstance(values, Mapping) else None


class LambdaContext:
    """``context`` in ``handler(event, context)``."""

    def __init__(
        self,
        *,
        request_id: str,
        function_name: str,
        function_version: str,
        invoked_function_arn: str,
        memory_limit_in_mb: int,
        log_group_name: str,
        log_stream_name: str,
        deadline_ms: int,
        now_ms: Callable[[], int],
        client_context: ClientContext | None = None,
        identity: CognitoIdentity | None = None,
        tenant_id: str | None = None,
    ) -> None:
        self.aws_request_id = request_id
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = invoked_function_arn
        # The runtime reads this from the environment, so handlers get a string.
        self.memory_limit_in_mb = str(memory_limit_in_mb)
        self.log_group_name = log_group_name
        self.log_stream_name = log_stream_name
        self.client_context = client_context
        self.identity = identity or CognitoIdentity()
        self.tenant_id = tenant_id
        self._deadline_ms = deadline_ms
        self._now_ms = now_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - self._now_ms(), 0)

    def log(self, message: object) -> None:
        """Write to the function's log as it is (no newline added), as AWS's runtime does."""
        sys.stdout.write(str(message))

    def __repr__(self) -> str:
        return shown(self, ("aws_request_id", "log_group_name", "log_stream_name",
                            "function_name", "memory_limit_in_mb", "function_version",
                            "invoked_function_arn", "client_context", "identity", "tenant_id"))


__all__ = ["ClientContext", "CognitoIdentity", "LambdaContext", "parse_client_context"]
