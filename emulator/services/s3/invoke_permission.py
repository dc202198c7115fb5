"""Whether a Lambda function's resource-based policy lets S3 invoke it for a bucket: what
PutBucketNotificationConfiguration checks before it accepts a function as a destination.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

S3_PRINCIPAL = "s3.amazonaws.com"
INVOKE = "lambda:invokefunction"


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _names_s3(principal: Any) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return (S3_PRINCIPAL in _listed(principal.get("Service"))
            or "*" in _listed(principal.get("AWS")))


def _holds(operator: str, wanted: list[Any], actual: str) -> bool:
    kind = operator.removesuffix("IfExists")
    if kind in ("ArnLike", "StringLike"):
        return any(fnmatchcase(actual, str(pattern)) for pattern in wanted)
    if kind in ("ArnEquals", "StringEquals"):
        return actual in (str(value) for value in wanted)
    if kind in ("ArnNotLike", "StringNotLike"):
        return not any(fnmatchcase(actual, str(pattern)) for pattern in wanted)
    if kind in ("ArnNotEquals", "StringNotEquals"):
        return actual not in (str(value) for value in wanted)
    return True  # an operator S3's request does not bear on


def allows_s3(policy_text: str, bucket_arn: str, account: str) -> bool:
    """Whether some Allow statement names S3, lambda:InvokeFunction, and conditions on the
    source ARN and account that this bucket meets."""
    try:
        document = json.loads(policy_text)
    except ValueError:
        return False
    request = {"aws:sourcearn": bucket_arn, "aws:sourceaccount": account}
    for statement in _listed(document.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if not _names_s3(statement.get("Principal")):
            continue
        if not any(fnmatchcase(INVOKE, str(action).lower())
                   for action in _listed(statement.get("Action"))):
            continue
        conditions = statement.get("Condition") or {}
        if all(_holds(operator, _listed(wanted), request[key.lower()])
               for operator, keys in conditions.items() if isinstance(keys, dict)
               for key, wanted in keys.items() if key.lower() in request):
            return True
    return False


__all__ = ["allows_s3"]
