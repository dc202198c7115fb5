"""Who may act on a bucket: signed requests may (IAM stays as elsewhere in the emulator);
anonymous ones only where a bucket policy or a public ACL lets everyone, and Block Public
Access does not stop it. Presigned URLs expire on the emulator's clock.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from emulator import inbound
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.s3.errors import (
    access_denied,
    acls_not_supported,
    invalid_argument,
    s3_error,
)
from emulator.services.s3.models import BucketRecord

MAX_EXPIRES = 604800  # a week, the longest a SigV4 presigned URL may live
BUCKET_READS = {"s3:ListBucket", "s3:ListBucketVersions"}
OBJECT_READS = {"s3:GetObject", "s3:GetObjectVersion"}
WRITE_ACTIONS = {"s3:PutObject", "s3:DeleteObject"}


def _presigned(ctx: RequestContext, now: float) -> None:
    if "X-Amz-Expires" not in ctx.query_string:
        if "AWSAccessKeyId=" in ctx.query_string:
            _presigned_v2(dict(parse_qsl(ctx.query_string, keep_blank_values=True)), now)
        return
    query = dict(parse_qsl(ctx.query_string, keep_blank_values=True))
    expires_text, date_text = query.get("X-Amz-Expires"), query.get("X-Amz-Date")
    if expires_text is None or date_text is None:
        return
    try:
        expires = int(expires_text)
        signed_at = datetime.strptime(date_text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise s3_error("AuthorizationQueryParametersError",
                       "X-Amz-Expires should be a number") from None
    if expires > MAX_EXPIRES:
        raise s3_error("AuthorizationQueryParametersError",
                       "X-Amz-Expires must be less than a week (in seconds) that is; 604800")
    if expires < 0:
        raise s3_error("AuthorizationQueryParametersError",
                       "X-Amz-Expires must be non-negative")
    deadline = signed_at.timestamp() + expires
    if now > deadline:
        raise access_denied(
            "Request has expired", **{"X-Amz-Expires": str(expires),
                                      "Expires": _iso(deadline), "ServerTime": _iso(now)})


def _presigned_v2(query: dict[str, str], now: float) -> None:
    """The older query signature: ``Expires`` is the epoch second the URL stops working."""
    expires = query.get("Expires")
    if expires is None:
        return
    if not expires.isdigit():
        raise access_denied("Invalid date (should be seconds since epoch): " + expires)
    if now > int(expires):
        raise access_denied("Request has expired", Expires=_iso(int(expires)),
                            ServerTime=_iso(now))


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check(ctx: RequestContext, bucket: BucketRecord, action: str, key: str | None,
          now: float, object_acl: Callable[[], str | None] | None = None) -> None:
    """Raise AccessDenied unless the request may take ``action`` on the bucket (or key);
    ``object_acl`` gives the canned ACL of the object an anonymous read asks for."""
    _presigned(ctx, now)
    if ctx.signed:
        return
    if action in OBJECT_READS and object_acl is not None and object_acl() is None:
        # A missing object is NoSuchKey only to whoever may list the bucket, AccessDenied to
        # others (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
        if public_allows(bucket, "s3:ListBucket", None):
            return
        raise access_denied()
    if public_allows(bucket, action, key, object_acl):
        return
    raise access_denied()


def check_presigned(ctx: RequestContext, now: float) -> None:
    _presigned(ctx, now)


def _block(bucket: BucketRecord, setting: str) -> bool:
    return bool((bucket.public_access_block or {}).get(setting))


def public_allows(bucket: BucketRecord, action: str, key: str | None,
                  object_acl: Callable[[], str | None] | None = None) -> bool:
    """Whether everyone may take ``action``: by the bucket policy, else the ACLs. A bucket's
    READ lets everyone list it and its WRITE lets everyone write objects; reading an object
    takes the object's own READ (https://docs.aws.amazon.com/AmazonS3/latest/userguide/
    acl-overview.html#permissions)."""
    if bucket.policy and not _block(bucket, "RestrictPublicBuckets"):
        verdict = evaluate(parse_policy(bucket.policy), action, resource(bucket.name, key))
        if verdict is not None:
            return verdict
    if _block(bucket, "IgnorePublicAcls") or bucket.ownership == "BucketOwnerEnforced":
        return False
    if action in BUCKET_READS:
        return bucket.acl in ("public-read", "public-read-write")
    if action in WRITE_ACTIONS:
        return bucket.acl == "public-read-write"
    if action in OBJECT_READS and object_acl is not None:
        return object_acl() in ("public-read", "public-read-write")
    return False


# https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
OBJECT_CANNED_ACLS = {"private", "public-read", "public-read-write", "authenticated-read",
                      "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control"}
# Buckets that enforce bucket ownership (every new bucket since April 2023) have ACLs
# disabled: https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
ALLOWED_WHEN_ENFORCED = {"private", "bucket-owner-full-control"}


def checked_object_acl(bucket: BucketRecord, acl: str | None) -> str:
    """The canned ACL an object gets (``private`` when none is given), or S3's error."""
    if acl is None:
        return "private"
    if acl not in OBJECT_CANNED_ACLS:
        raise invalid_argument("", "x-amz-acl", acl)
    if bucket.ownership == "BucketOwnerEnforced" and acl not in ALLOWED_WHEN_ENFORCED:
        raise acls_not_supported()
    if acl.startswith("public") and _block(bucket, "BlockPublicAcls"):
        raise access_denied()
    return acl


def resource(bucket: str, key: str | None) -> str:
    return f"arn:aws:s3:::{bucket}" if key is None else f"arn:aws:s3:::{bucket}/{key}"


def parse_policy(text: str) -> dict[str, Any]:
    try:
        document = inbound.loads(text)
    except ValueError:
        raise s3_error("MalformedPolicy", "Policies must be valid JSON and the first byte "
                       "must be '{'") from None
    if not isinstance(document, dict) or not isinstance(document.get("Statement"),
                                                         (list, dict)):
        raise s3_error("MalformedPolicy", "Missing required field Statement")
    statements = document["Statement"]
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            raise s3_error("MalformedPolicy", "Invalid effect")
        if "Action" not in statement and "NotAction" not in statement:
            raise s3_error("MalformedPolicy", "Missing required field Action")
        if "Resource" not in statement and "NotResource" not in statement:
            raise s3_error("MalformedPolicy", "Missing required field Resource")
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise s3_error("MalformedPolicy", "Missing required field Principal")
    return document


def _items(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return [] if value is None else [str(value)]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return "*" in _items(principal.get("AWS"))
    return False


def _matches(patterns: list[str], value: str, case_sensitive: bool) -> bool:
    if not case_sensitive:
        return any(fnmatch.fnmatch(value.lower(), pattern.lower()) for pattern in patterns)
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


def evaluate(policy: dict[str, Any], action: str, arn: str) -> bool | None:
    """True when a statement allows everyone and none denies, False when one denies, None
    when no statement speaks to the request. Statements with conditions are left out: the
    emulator does not evaluate condition keys."""
    statements = policy.get("Statement", [])
    allowed = False
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Condition") or not _everyone(statement.get("Principal")):
            continue
        if not _matches(_items(statement.get("Action")), action, case_sensitive=False):
            continue
        if not _matches(_items(statement.get("Resource")), arn, case_sensitive=True):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = True
    return True if allowed else None


def is_public(policy: dict[str, Any]) -> bool:
    statements = policy.get("Statement", [])
    return any(
        statement.get("Effect") == "Allow" and _everyone(statement.get("Principal"))
        and not statement.get("Condition")
        for statement in (statements if isinstance(statements, list) else [statements])
    )


__all__ = [
    "ServiceError",
    "check",
    "check_presigned",
    "checked_object_acl",
    "evaluate",
    "is_public",
    "parse_policy",
    "public_allows",
    "resource",
]
