"""Where an archived version's restore stands at a moment of the emulator's clock, and what
GET, HEAD and CopyObject make of it (restore.py runs the restores).

https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import formatdate
from typing import Any

from emulator.services.s3.errors import s3_error
from emulator.services.s3.models import ObjectVersion

ARCHIVED = ("GLACIER", "DEEP_ARCHIVE")
MINUTE, HOUR = 60.0, 3600.0
# How long a restore takes: the upper end of each tier's documented typical time.
RESTORE_TIMES: dict[str, dict[str, float]] = {
    "GLACIER": {"Expedited": 5 * MINUTE, "Standard": 5 * HOUR, "Bulk": 12 * HOUR},
    "DEEP_ARCHIVE": {"Standard": 12 * HOUR, "Bulk": 48 * HOUR},
}
TIERS = ("Expedited", "Standard", "Bulk")


def restore_state(version: ObjectVersion, now: float) -> str | None:
    """``ongoing`` while a restore runs, ``restored`` while its copy lives, else None."""
    restore = version.restore
    if restore is None or now >= restore.expires:
        return None
    return "ongoing" if now < restore.completes else "restored"


def restore_header(version: ObjectVersion, now: float) -> str | None:
    """The ``x-amz-restore`` value for a version a restore was asked for."""
    state = restore_state(version, now)
    if state == "ongoing":
        return 'ongoing-request="true"'
    if state == "restored":
        assert version.restore is not None
        return (f'ongoing-request="false", '
                f'expiry-date="{formatdate(version.restore.expires, usegmt=True)}"')
    return None


def restore_status(version: ObjectVersion, now: float) -> dict[str, Any] | None:
    """The ``RestoreStatus`` a listing shows when asked (``OptionalObjectAttributes``):
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreStatus.html"""
    state = restore_state(version, now)
    if state is None:
        return None
    assert version.restore is not None
    if state == "ongoing":
        return {"IsRestoreInProgress": True}
    return {"IsRestoreInProgress": False,
            "RestoreExpiryDate": datetime.fromtimestamp(version.restore.expires, tz=UTC)}


def check_readable(version: ObjectVersion, now: float) -> None:
    """Refuse to read an archived version that has no restored copy."""
    if version.storage_class in ARCHIVED and restore_state(version, now) != "restored":
        raise s3_error("InvalidObjectState", "The operation is not valid for the object's "
                       "storage class", 403, StorageClass=version.storage_class)


__all__ = ["ARCHIVED", "RESTORE_TIMES", "TIERS", "check_readable", "restore_header",
           "restore_state", "restore_status"]
