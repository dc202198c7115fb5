"""Checks on function settings, with Lambda's own error messages."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from emulator.errors import ServiceError
from emulator.services.lambda_.names import invalid_parameter

ROLE = re.compile(r"^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$")
RESERVED_VARIABLES = (
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
)
ENVIRONMENT_LIMIT = 4096
MAX_LAYERS = 5
# Runtimes past their "Block function update" date in AWS's deprecated-runtimes table
# (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated):
# no function may be created with them or moved to them any more.
RETIRED_RUNTIMES = frozenset({
    "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
    "nodejs12.x", "nodejs14.x", "python2.7", "python3.6", "python3.7", "dotnetcore1.0",
    "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "ruby2.5",
})
LAYER_VERSION_ARN = re.compile(
    r"^arn:[a-zA-Z0-9-]+:lambda:[a-z0-9-]+:\d{12}:layer:[a-zA-Z0-9_-]+:[0-9]+$"
)


def check_role(role: str) -> None:
    if not ROLE.match(role):
        raise ServiceError(
            "ValidationException",
            f"1 validation error detected: Value '{role}' at 'role' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
            status=400,
        )


def check_runtime(runtime: str | None) -> None:
    if runtime in RETIRED_RUNTIMES:
        raise invalid_parameter(
            f"The runtime parameter of {runtime} is no longer supported for creating or "
            "updating AWS Lambda functions. We recommend you use a supported runtime while "
            "creating or updating functions.")


def environment_variables(environment: Mapping[str, Any] | None) -> dict[str, str]:
    """The Variables of an Environment parameter, checked as Lambda checks them."""
    variables: dict[str, str] = dict((environment or {}).get("Variables") or {})
    reserved = [key for key in variables if key in RESERVED_VARIABLES]
    if reserved:
        raise invalid_parameter(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided contains reserved keys that are currently not "
            f"supported for modification. Reserved keys used in this request: {', '.join(reserved)}"
        )
    for key in variables:
        if not re.match(r"^[a-zA-Z]([a-zA-Z0-9_])*$", key):
            raise invalid_parameter(
                "Lambda was unable to configure your environment variables because the "
                "environment variables you have provided are invalid. Keys must start with a "
                "letter and only contain letters, numbers and underscores."
            )
    measured = json.dumps(variables, separators=(",", ":"))
    if len(measured.encode()) > ENVIRONMENT_LIMIT:
        raise invalid_parameter(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided exceeded the 4KB limit. String measured: " + measured
        )
    return variables


def layer_list(layers: list[str]) -> list[str]:
    if len(layers) > MAX_LAYERS:
        raise invalid_parameter("Cannot reference more than 5 layers.")
    for arn in layers:
        if not LAYER_VERSION_ARN.match(arn):
            raise ServiceError(
                "ValidationException",
                f"1 validation error detected: Value '[{arn}]' at 'layers' failed to satisfy "
                "constraint: Member must satisfy constraint: [Member must satisfy regular "
                "expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:"
                "[a-zA-Z0-9-_]+:[0-9]+]",
                status=400,
            )
    return list(layers)


__all__ = ["RESERVED_VARIABLES", "RETIRED_RUNTIMES", "check_role", "check_runtime",
           "environment_variables", "layer_list"]
