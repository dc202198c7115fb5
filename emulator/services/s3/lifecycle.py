"""Lifecycle configurations and their expiration actions, run on the emulator's clock.

S3 adds a rule's days to an object's creation time (or the time a version became
noncurrent) and rounds up to the next midnight UTC; the actions run once that moment has
passed. Here they run whenever the clock passes a midnight (a jump wakes them at once).

https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.s3.errors import malformed_xml, missing_configuration, s3_error
from emulator.services.s3.expiry import DAY, applies, expiry, next_midnight, rule_filter
from emulator.services.s3.models import BucketRecord, ObjectEntry
from emulator.services.s3.objects import ObjectsApi

log = logging.getLogger("emulator.s3")

# LifecycleRule's ID: "The value cannot be longer than 255 characters."
# (https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html)
MAX_RULE_ID = 255


def _check(rules: list[dict[str, Any]]) -> None:
    if not rules or len(rules) > 1000:
        raise malformed_xml()
    ids = [rule.get("ID") for rule in rules if rule.get("ID")]
    if len(ids) != len(set(ids)):
        raise s3_error("InvalidArgument", "Rule ID must be unique. Found same ID for more than "
                       "one rule")
    for rule in rules:
        if rule.get("Status") not in ("Enabled", "Disabled"):
            raise malformed_xml()
        if len(rule.get("ID") or "") > MAX_RULE_ID:
            raise s3_error("InvalidArgument", "ID length should not exceed allowed limit of "
                           f"{MAX_RULE_ID}")
        days = (rule.get("Expiration") or {}).get("Days")
        if days is not None and days <= 0:
            raise s3_error("InvalidArgument", "'Days' for Expiration action must be a positive "
                           "integer")
        actions = ("Expiration", "NoncurrentVersionExpiration", "Transitions",
                   "NoncurrentVersionTransitions", "AbortIncompleteMultipartUpload")
        if not any(rule.get(action) for action in actions):
            raise malformed_xml()


# Expirations are LifecycleExpiration events, not ObjectRemoved ones:
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
EXPIRED = "LifecycleExpiration"


class LifecycleApi(ObjectsApi):
    _sweeper: asyncio.Task[None] | None = None

    def put_bucket_lifecycle_configuration(self, ctx: RequestContext, *, bucket: str,
                                           lifecycle_configuration: dict[str, Any] | None = None,
                                           **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutLifecycleConfiguration")
        rules = (lifecycle_configuration or {}).get("Rules") or []
        _check(rules)
        record.lifecycle = [{**rule, "ID": rule.get("ID") or f"rule-{index}"}
                            for index, rule in enumerate(rules)]
        self.buckets().put(bucket, record)
        return {}

    def get_bucket_lifecycle_configuration(self, ctx: RequestContext, *, bucket: str,
                                           **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetLifecycleConfiguration")
        if not record.lifecycle:
            raise missing_configuration("NoSuchLifecycleConfiguration",
                                        "The lifecycle configuration does not exist", bucket)
        return {"Rules": record.lifecycle}

    def delete_bucket_lifecycle(self, ctx: RequestContext, *, bucket: str,
                                **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutLifecycleConfiguration")
        record.lifecycle = None
        self.buckets().put(bucket, record)
        return {}

    # -- running the rules -----------------------------------------------------------------

    def start_lifecycle(self) -> None:
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_daily())

    def stop_lifecycle(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None

    async def _sweep_daily(self) -> None:
        while True:
            now = self.clock.now()
            await self.clock.sleep_until(next_midnight(now + 1), rewound=True)
            try:
                self.run_lifecycle(self.clock.now())
            except Exception:  # one bad rule must not end the daily runs
                log.exception("s3 lifecycle run failed")

    def run_lifecycle(self, now: float) -> None:
        """Apply every enabled rule whose moment has passed."""
        for record in list(self.buckets().values()):
            if record.lifecycle:
                for key, entry in list(self.objects(record.name).items()):
                    self._expire_entry(record, key, entry, now)
                self._abort_stale_uploads(record, now)

    def _expire_entry(self, record: BucketRecord, key: str, entry: ObjectEntry,
                      now: float) -> None:
        rules = record.lifecycle or []
        current = entry.current
        if current is not None and not current.delete_marker:
            for rule in rules:
                due = expiry(rule, current) if applies(rule, current) else None
                if due is not None and now >= due:
                    self._lifecycle_delete(record, key)
                    break
        entry = self.objects(record.name).get(key) or ObjectEntry()
        versions = entry.versions
        for index, version in enumerate(versions[:-1]):
            became_noncurrent = versions[index + 1].last_modified
            for rule in rules:
                days = (rule.get("NoncurrentVersionExpiration") or {}).get("NoncurrentDays")
                if days is not None and applies(rule, version) and now >= next_midnight(
                        became_noncurrent + int(days) * DAY):
                    with contextlib.suppress(ServiceError):  # Object Lock keeps it
                        self.remove(record, key, version.version_id, None, EXPIRED)
                    break
        entry = self.objects(record.name).get(key) or ObjectEntry()
        if len(entry.versions) == 1 and entry.versions[0].delete_marker and any(
                (rule.get("Expiration") or {}).get("ExpiredObjectDeleteMarker")
                for rule in rules if rule.get("Status") == "Enabled"):
            self.remove(record, key, entry.versions[0].version_id, None, EXPIRED)

    def _lifecycle_delete(self, record: BucketRecord, key: str) -> None:
        """Expire the current version: gone when unversioned, a delete marker otherwise."""
        self.remove(record, key, None, None, EXPIRED)

    def _abort_stale_uploads(self, record: BucketRecord, now: float) -> None:
        for rule in record.lifecycle or []:
            days = (rule.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation")
            if days is None or rule.get("Status") != "Enabled":
                continue
            prefix = rule_filter(rule).get("Prefix") or ""
            for upload_id, upload in list(self.uploads(record.name).items()):
                if upload.key.startswith(prefix) and now >= next_midnight(
                        upload.initiated + int(days) * DAY):
                    self.uploads(record.name).delete(upload_id)
                    for part in upload.parts.values():
                        self.blobs.delete(part.blob)



__all__ = ["LifecycleApi"]
