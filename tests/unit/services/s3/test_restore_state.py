"""Where a restore stands at each moment, and what reads make of it (restore_state.py):
https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html (x-amz-restore)
https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreStatus.html
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emulator.errors import ServiceError
from emulator.services.s3.models import ObjectVersion, RestoreRecord
from emulator.services.s3.restore import INT32_MAX, restore_expiry
from emulator.services.s3.restore_state import (
    check_readable,
    restore_header,
    restore_state,
    restore_status,
)

MIDNIGHT = datetime(2030, 1, 3, tzinfo=UTC).timestamp()


def _version(storage_class: str = "GLACIER", restore: bool = True) -> ObjectVersion:
    record = RestoreRecord(tier="Standard", days=1, requested=100.0, completes=200.0,
                           expires=MIDNIGHT) if restore else None
    return ObjectVersion(key="k", version_id="null", last_modified=0.0,
                         storage_class=storage_class, restore=record)


def test_a_restore_runs_then_lives_until_its_expiry() -> None:
    version = _version()
    assert restore_state(version, 150.0) == "ongoing"
    assert restore_header(version, 150.0) == 'ongoing-request="true"'
    assert restore_status(version, 150.0) == {"IsRestoreInProgress": True}
    assert restore_state(version, 200.0) == "restored"
    assert restore_header(version, 200.0) == (
        'ongoing-request="false", expiry-date="Thu, 03 Jan 2030 00:00:00 GMT"')
    assert restore_status(version, 200.0) == {
        "IsRestoreInProgress": False, "RestoreExpiryDate": datetime(2030, 1, 3, tzinfo=UTC)}
    assert restore_state(version, MIDNIGHT) is None
    assert restore_header(version, MIDNIGHT) is None
    assert restore_status(version, MIDNIGHT) is None


def test_only_archived_classes_without_a_copy_refuse_reads() -> None:
    for storage_class in ("STANDARD", "GLACIER_IR", "INTELLIGENT_TIERING", "STANDARD_IA"):
        check_readable(_version(storage_class, restore=False), 0.0)
    check_readable(_version("DEEP_ARCHIVE"), 250.0)
    for moment in (150.0, MIDNIGHT):
        with pytest.raises(ServiceError) as caught:
            check_readable(_version("GLACIER"), moment)
        assert caught.value.code == "InvalidObjectState"
        assert caught.value.status == 403


def test_the_longest_restore_still_has_a_date() -> None:
    assert restore_expiry(MIDNIGHT - 1, 1) == MIDNIGHT + 86400
    far = restore_expiry(MIDNIGHT, INT32_MAX)
    assert restore_header(_version(restore=False).model_copy(update={"restore": RestoreRecord(
        tier="Bulk", days=INT32_MAX, requested=0.0, completes=1.0, expires=far)}), 2.0) == (
        'ongoing-request="false", expiry-date="Fri, 31 Dec 9999 00:00:00 GMT"')
