"""Calling a Lambda authorizer and reading its answer.

:func:`invoke` runs the authorizer function named by its ``authorizerUri`` through the
``functions`` port: a function that fails with the message ``Unauthorized`` means 401, any other
failure (or an answer that is not JSON) is an authorizer configuration error. :func:`policy_answer`
reads the IAM-policy answer of REST API authorizers (and HTTP API payload format 1.0).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from emulator import inbound
from emulator.errors import summary
from emulator.gateway.authorizers import policy
from emulator.ports import Ports

FUNCTION_URI = re.compile(r":lambda:path/[^/]+/functions/(?P<function>.+?)/invocations$")
STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_]+)\}")

ContextValue = str | int | float | bool


class Unauthorized(Exception):
    """The caller is not authenticated: API Gateway answers 401 Unauthorized."""

    def __init__(self, message: str = "Unauthorized") -> None:
        super().__init__(message)
        self.message = message


class Misconfigured(Exception):
    """The authorizer cannot be used as configured, or answered nonsense: a 500."""

    def __init__(self, log: str) -> None:
        super().__init__(log)
        self.log = log


@dataclass
class Invoked:
    answer: Any  # the function's JSON answer
    latency_ms: int


@dataclass
class PolicyAnswer:
    """What a policy-returning authorizer said, kept whole in the authorizer cache."""

    principal_id: str
    statements: tuple[policy.Statement, ...]
    context: dict[str, ContextValue] = field(default_factory=dict)
    usage_identifier_key: str | None = None


def function_of(uri: str, stage_variables: dict[str, str]) -> str:
    """The function an ``authorizerUri`` names (stage variables substituted)."""
    resolved = STAGE_VARIABLE.sub(lambda m: stage_variables.get(m.group(1), ""), uri)
    match = FUNCTION_URI.search(resolved)
    if match is None:
        raise Misconfigured(f"Invalid authorizer URI: {resolved}")
    return match["function"]


async def invoke(ports: Ports, uri: str, event: dict[str, Any], *, account: str, region: str,
                 stage_variables: dict[str, str] | None = None,
                 trace_header: str | None = None) -> Invoked:
    """Run the authorizer function with ``event``; raises Unauthorized or Misconfigured."""
    function = function_of(uri, stage_variables or {})
    started = time.perf_counter()
    try:
        result = await ports.functions.invoke(
            function, json.dumps(event).encode(), account=account, region=region,
            trace_header=trace_header)
    except LookupError:
        raise Misconfigured("the Lambda service is not available") from None
    except Exception as exc:  # the Invoke API's own error, e.g. an unknown function
        raise Misconfigured(summary(exc)) from None
    latency = int((time.perf_counter() - started) * 1000)
    if result.function_error:
        message = _error_message(result.payload)
        if message == "Unauthorized":
            raise Unauthorized()
        raise Misconfigured("Authorizer error: " + result.payload.decode("utf-8", "replace"))
    try:
        answer = inbound.loads(result.payload or b"null")
    except ValueError:
        raise Misconfigured("Invalid JSON in response: "
                            + result.payload.decode("utf-8", "replace")) from None
    return Invoked(answer, latency)


def _error_message(payload: bytes) -> str | None:
    try:
        error = inbound.loads(payload)
    except ValueError:
        return None
    return str(error.get("errorMessage")) if isinstance(error, dict) else None


def policy_answer(answer: Any) -> PolicyAnswer:
    """Read ``{"principalId", "policyDocument", "context", "usageIdentifierKey"}``."""
    if not isinstance(answer, dict):
        raise Misconfigured(f"Invalid JSON in response: {json.dumps(answer)}")
    principal = answer.get("principalId")
    if principal is None or isinstance(principal, (dict, list)):
        raise Misconfigured("Invalid JSON in response: principalId is missing")
    try:
        statements = policy.parse(answer.get("policyDocument"))
    except policy.MalformedPolicy as bad:
        raise Misconfigured(f"Could not parse policy: {bad}") from None
    context = answer.get("context") or {}
    if not isinstance(context, dict) or not all(
            isinstance(value, (str, int, float, bool)) for value in context.values()):
        raise Misconfigured("Invalid JSON in response: context values must be strings, "
                            "numbers or booleans")
    key = answer.get("usageIdentifierKey")
    return PolicyAnswer(str(principal), statements, dict(context),
                        str(key) if key is not None else None)


def stringify(value: ContextValue) -> str:
    """A context value as REST APIs hand it on (every value a string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


__all__ = ["FUNCTION_URI", "ContextValue", "Invoked", "Misconfigured", "PolicyAnswer",
           "Unauthorized", "function_of", "invoke", "policy_answer", "stringify"]
