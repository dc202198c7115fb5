"""Archived objects and RestoreObject, on the emulator's clock.

Objects in S3 Glacier Flexible Retrieval (``GLACIER``) and S3 Glacier Deep Archive
(``DEEP_ARCHIVE``) are not readable until a restore makes a temporary copy; S3 Glacier Instant
Retrieval (``GLACIER_IR``) stays readable. A restore takes its tier's time, then the copy
lives ``Days`` days from then, rounded up to the next midnight UTC; asking again while a copy
exists moves its expiry, counted from now. ``x-amz-restore`` on GET and HEAD tells where a
restore stands, and ``ObjectRestore:Post``/``Completed``/``Delete`` notifications follow it.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from emulator.context import RequestContext
from emulator.services.s3.errors import malformed_xml, s3_error
from emulator.services.s3.expiry import DAY, next_midnight
from emulator.services.s3.models import (
    BucketRecord,
    ObjectEntry,
    ObjectVersion,
    RestoreRecord,
)
from emulator.services.s3.objects import ObjectsApi
from emulator.services.s3.restore_state import ARCHIVED, RESTORE_TIMES, TIERS, restore_state

INT32_MAX = 2**31 - 1
LAST_MOMENT = datetime(9999, 12, 31, tzinfo=UTC).timestamp()  # what dates can show


def restore_expiry(start: float, days: int) -> float:
    """The restored copy's end: ``days`` on from ``start``, up to the next midnight UTC."""
    return min(next_midnight(start + days * DAY), LAST_MOMENT)


class RestoreApi(ObjectsApi):
    _followers: set[asyncio.Task[None]]

    def _following(self) -> set[asyncio.Task[None]]:
        if not hasattr(self, "_followers"):
            self._followers = set()
        return self._followers

    def restore_object(self, ctx: RequestContext, *, bucket: str, key: str,
                       version_id: str | None = None,
                       restore_request: dict[str, Any] | None = None,
                       **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:RestoreObject", key)
        found = self.find(bucket, key, version_id)
        if found.storage_class not in ARCHIVED:
            raise s3_error("InvalidObjectState", "Restore is not allowed for the object's "
                           "current storage class", 403)
        request = restore_request or {}
        days = request.get("Days")
        tier = (request.get("GlacierJobParameters") or {}).get("Tier") or "Standard"
        if not isinstance(days, int) or days > INT32_MAX or tier not in TIERS:
            raise malformed_xml()  # Days is an xsd:int
        if days < 1:
            raise s3_error("InvalidArgument", "The Days element must be a positive integer")
        duration = RESTORE_TIMES[found.storage_class].get(tier)
        if duration is None:  # Deep Archive has no Expedited retrievals
            raise s3_error("InvalidArgument", f"{tier} retrieval is not supported for the "
                           f"{found.storage_class} storage class", Tier=tier)
        entry, version = self._entry_version(bucket, key, found.version_id)
        now = self.clock.now()
        state = restore_state(version, now)
        if state == "ongoing":
            raise s3_error("RestoreAlreadyInProgress", "Object restore is already in progress",
                           409)
        if state == "restored":
            assert version.restore is not None
            version.restore.days = days
            version.restore.expires = restore_expiry(now, days)
            self.objects(bucket).put(key, entry)
            return self.version_header(record, version)
        completes = now + duration
        version.restore = RestoreRecord(tier=tier, days=days, requested=now,
                                        completes=completes,
                                        expires=restore_expiry(completes, days))
        self.objects(bucket).put(key, entry)
        ctx.response_status = 202
        self.object_event(record, "ObjectRestore:Post", version, ctx)
        self.follow_restore(bucket, key, version.version_id, now)
        return self.version_header(record, version)

    def _entry_version(self, bucket: str, key: str, version_id: str
                       ) -> tuple[ObjectEntry, ObjectVersion]:
        entry = self.objects(bucket).get(key) or ObjectEntry()
        for version in entry.versions:
            if version.version_id == version_id:
                return entry, version
        raise LookupError(version_id)

    # -- following a restore to its end ----------------------------------------------------

    def follow_restore(self, bucket: str, key: str, version_id: str, requested: float,
                       announced: bool = False) -> None:
        task = asyncio.get_running_loop().create_task(
            self._follow(bucket, key, version_id, requested, announced))
        following = self._following()
        following.add(task)
        task.add_done_callback(following.discard)

    def follow_restores(self) -> None:
        """Pick up the restores a persisted store holds (after a restart)."""
        for record in list(self.buckets().values()):
            for key, entry in list(self.objects(record.name).items()):
                for version in entry.versions:
                    if version.restore is not None:
                        self.follow_restore(
                            record.name, key, version.version_id, version.restore.requested,
                            announced=self.clock.now() >= version.restore.completes)

    def stop_restores(self) -> None:
        for task in list(self._following()):
            task.get_loop().call_soon_threadsafe(task.cancel)

    def reset(self) -> None:
        super().reset()
        self.stop_restores()  # their versions are gone

    def _current_restore(self, bucket: str, key: str, version_id: str, requested: float
                         ) -> tuple[BucketRecord, ObjectEntry, ObjectVersion] | None:
        """The version, while the restore asked for at ``requested`` is still its own."""
        record = self.buckets().get(bucket)
        if record is None:
            return None
        try:
            entry, version = self._entry_version(bucket, key, version_id)
        except LookupError:
            return None
        if version.restore is None or version.restore.requested != requested:
            return None
        return record, entry, version

    async def _follow(self, bucket: str, key: str, version_id: str, requested: float,
                      announced: bool) -> None:
        """Announce the restored copy once ready, and remove it once expired."""
        while True:
            found = self._current_restore(bucket, key, version_id, requested)
            if found is None:
                return
            record, entry, version = found
            assert version.restore is not None
            now = self.clock.now()
            if not announced:
                if now < version.restore.completes:
                    await self.clock.sleep_until(version.restore.completes)
                    continue
                announced = True
                self.object_event(record, "ObjectRestore:Completed", version, None)
                continue
            if now < version.restore.expires:  # a later request may have moved it
                await self.clock.sleep_until(version.restore.expires)
                continue
            version.restore = None
            self.objects(bucket).put(key, entry)
            self.object_event(record, "ObjectRestore:Delete", version, None)
            return

__all__ = ["RestoreApi", "restore_expiry"]
