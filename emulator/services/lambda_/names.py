"""Lambda's names, qualifiers and ARNs, the account and region a call acts in, and the
errors Lambda answers for its users' mistakes (``Type: User``)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from emulator import arns
from emulator.errors import ServiceError

NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
QUALIFIER = re.compile(r"^(\$LATEST|[a-zA-Z0-9_-]+)$")
_FUNCTION_ARN = re.compile(
    r"^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:(?P<region>[a-z0-9-]+):)?(?:(?P<account>\d{12}):)?"
    r"(?:function:)?(?P<name>[a-zA-Z0-9_.-]+)(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]+))?$"
)

def user_error(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, fields={"Type": "User"})


def invalid_parameter(message: str) -> ServiceError:
    return user_error("InvalidParameterValueException", message)


def new_revision() -> str:
    return str(uuid.uuid4())


def timestamp(epoch: float) -> str:
    """Lambda's LastModified format: ``2024-01-31T12:00:00.000+0000``."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


@dataclass(frozen=True)
class Scope:
    account: str
    region: str


def scope_of(ctx: Any) -> Scope:
    return Scope(ctx.account_id, ctx.region)


def function_arn(scope: Scope, name: str, qualifier: str | None = None) -> str:
    base = arns.build("lambda", scope.region, scope.account, f"function:{name}")
    return f"{base}:{qualifier}" if qualifier else base


def layer_arn(scope: Scope, name: str, version: int | None = None) -> str:
    base = arns.build("lambda", scope.region, scope.account, f"layer:{name}")
    return f"{base}:{version}" if version is not None else base


def split_function_name(function_name: str, qualifier: str | None = None) -> tuple[str, str | None]:
    """A name, ARN or partial ARN (each maybe qualified) as (name, qualifier)."""
    match = _FUNCTION_ARN.match(function_name)
    if match is None or len(match["name"]) > 64:
        raise ServiceError(
            "ValidationException",
            f"1 validation error detected: Value '{function_name}' at 'functionName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
            "(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?",
            status=400,
        )
    derived = match["qualifier"]
    if derived and qualifier and derived != qualifier:
        raise invalid_parameter(
            "The derived qualifier from the function name does not match the specified "
            "qualifier."
        )
    return match["name"], derived or qualifier


def scope_and_name(ctx: Any, function_name: str) -> tuple[Scope, str]:
    """The caller's scope and the name of the function that ``function_name`` (a name, an
    ARN or a partial ARN) names, any qualifier aside."""
    name, _qualifier = split_function_name(function_name)
    return scope_of(ctx), name


__all__ = ["NAME", "QUALIFIER", "Scope", "function_arn", "invalid_parameter", "layer_arn",
           "new_revision", "scope_and_name", "scope_of", "split_function_name", "timestamp",
           "user_error"]
