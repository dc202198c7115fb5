"""S3 Object Lock's rules: a bucket's lock configuration (enabled at creation, or later on a
versioned bucket) with its default retention, and each version's retention (GOVERNANCE or
COMPLIANCE until a date) and legal hold. A protected version cannot be deleted; GOVERNANCE
gives way to ``x-amz-bypass-governance-retention``, COMPLIANCE and a legal hold to nothing.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectRetention.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLegalHold.html
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from emulator.errors import ServiceError
from emulator.services.s3.common import moment
from emulator.services.s3.errors import (
    access_denied,
    invalid_argument,
    invalid_request,
    malformed_xml,
    s3_error,
)
from emulator.services.s3.models import BucketRecord, ObjectVersion

MODES = ("GOVERNANCE", "COMPLIANCE")
HOLDS = ("ON", "OFF")
DAY = 86400.0
YEAR_DAYS = 365


def missing_configuration() -> ServiceError:
    return invalid_request("Bucket is missing Object Lock Configuration")


def protected() -> ServiceError:
    return access_denied("Access Denied because object protected by object lock.")


def no_version_lock() -> ServiceError:
    return s3_error("NoSuchObjectLockConfiguration",
                    "The specified object does not have a ObjectLock configuration", 404)


def locked_versioning() -> ServiceError:
    return s3_error("InvalidBucketState", "An Object Lock configuration is present on this "
                    "bucket, so the versioning state cannot be changed.", 409)


def epoch(value: Any) -> float:
    if isinstance(value, datetime):
        return value.timestamp()
    raise malformed_xml()


def upload_lock(record: BucketRecord, params: dict[str, Any], now: float) -> dict[str, Any]:
    """The lock an upload's ``x-amz-object-lock-*`` headers give the new version (PutObject,
    CopyObject, CreateMultipartUpload); the bucket's default retention fills in later."""
    mode, until = params.get("object_lock_mode"), params.get("object_lock_retain_until_date")
    hold = params.get("object_lock_legal_hold_status")
    if mode is None and until is None and hold is None:
        return {}
    if record.object_lock is None:
        raise invalid_request("Bucket is missing ObjectLockConfiguration")
    fields: dict[str, Any] = {}
    if (mode is None) != (until is None):
        raise invalid_argument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode "
                               "must both be supplied")
    if mode is not None:
        if mode not in MODES:
            raise invalid_argument("Unknown wormMode directive.", "x-amz-object-lock-mode",
                                   mode)
        if epoch(until) <= now:
            raise invalid_argument("The retain until date must be in the future!")
        fields.update(lock_mode=mode, lock_until=epoch(until))
    if hold is not None:
        if hold not in HOLDS:
            raise invalid_argument("Legal Hold must be either of 'ON' or 'OFF'",
                                   "x-amz-object-lock-legal-hold", hold)
        fields["legal_hold"] = hold
    return fields


def check_integrity(record: BucketRecord, locked: bool, headers: dict[str, str],
                    request: str) -> None:
    """An upload Object Lock will protect (``locked``: its own lock headers, or the bucket's
    default retention) must carry Content-MD5 or an ``x-amz-checksum-*`` value; ``request``
    is "Put Object" or "Put Part", as AWS's message names it."""
    if not locked and not ((record.object_lock or {}).get("Rule") or {}).get(
            "DefaultRetention"):
        return
    trailer = headers.get("x-amz-trailer", "")
    if "content-md5" in headers or "x-amz-sdk-checksum-algorithm" in headers or any(
            name.startswith("x-amz-checksum-") for name in headers) or trailer.startswith(
            "x-amz-checksum-"):
        return
    raise invalid_request(f"Content-MD5 OR x-amz-checksum- HTTP header is required for "
                          f"{request} requests with Object Lock parameters")


def apply_default(record: BucketRecord, version: ObjectVersion) -> None:
    """A new version with no retention of its own takes the bucket's default retention,
    counted from when it was stored."""
    rule = ((record.object_lock or {}).get("Rule") or {}).get("DefaultRetention")
    if not rule or version.delete_marker or version.lock_mode is not None:
        return
    days = int(rule.get("Days") or 0) or int(rule.get("Years") or 0) * YEAR_DAYS
    version.lock_mode = rule["Mode"]
    version.lock_until = version.last_modified + days * DAY


def check_removable(version: ObjectVersion, bypass: bool, now: float) -> None:
    """Refuse deleting a version a legal hold or an unexpired retention protects."""
    if version.legal_hold == "ON":
        raise protected()
    active = version.lock_until is not None and version.lock_until > now
    if active and (version.lock_mode == "COMPLIANCE" or not bypass):
        raise protected()


def lock_headers(version: ObjectVersion) -> dict[str, Any]:
    """The ``x-amz-object-lock-*`` headers GetObject and HeadObject answer with."""
    result: dict[str, Any] = {}
    if version.lock_mode is not None and version.lock_until is not None:
        result["ObjectLockMode"] = version.lock_mode
        result["ObjectLockRetainUntilDate"] = moment(version.lock_until)
    if version.legal_hold is not None:
        result["ObjectLockLegalHoldStatus"] = version.legal_hold
    return result


def checked_rule(rule: dict[str, Any] | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    retention = rule.get("DefaultRetention")
    if not isinstance(retention, dict) or retention.get("Mode") not in MODES:
        raise malformed_xml()
    days, years = retention.get("Days"), retention.get("Years")
    if (days is None) == (years is None):
        raise malformed_xml()  # one period, in Days or in Years
    name, period = ("Days", int(days)) if days is not None else ("Years", int(years or 0))
    if period <= 0:
        raise invalid_argument("Default retention period must be a positive integer value.",
                               name, period)
    return {"DefaultRetention": {"Mode": retention["Mode"], name: period}}


__all__ = [
    "HOLDS",
    "MODES",
    "apply_default",
    "check_integrity",
    "check_removable",
    "checked_rule",
    "epoch",
    "lock_headers",
    "locked_versioning",
    "missing_configuration",
    "no_version_lock",
    "protected",
    "upload_lock",
]
