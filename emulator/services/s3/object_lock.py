"""S3 Object Lock's operations: the bucket's lock configuration, and each version's retention
and legal hold (the rules they follow are in lock_rules.py).

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectRetention.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLegalHold.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.s3.common import moment
from emulator.services.s3.errors import invalid_argument, malformed_xml, s3_error
from emulator.services.s3.lock_rules import (
    HOLDS,
    MODES,
    checked_rule,
    epoch,
    missing_configuration,
    no_version_lock,
    protected,
)
from emulator.services.s3.models import BucketRecord
from emulator.services.s3.objects import ObjectsApi


class ObjectLockApi(ObjectsApi):
    def _locked_bucket(self, ctx: RequestContext, bucket: str, action: str,
                       key: str) -> BucketRecord:
        record = self.bucket_for(ctx, bucket, action, key)
        if record.object_lock is None:
            raise missing_configuration()
        return record

    def put_object_lock_configuration(self, ctx: RequestContext, *, bucket: str,
                                      object_lock_configuration: dict[str, Any] | None = None,
                                      **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketObjectLockConfiguration")
        configuration = object_lock_configuration or {}
        if configuration.get("ObjectLockEnabled") != "Enabled":
            raise malformed_xml()
        rule = checked_rule(configuration.get("Rule"))
        if record.object_lock is None and record.versioning != "Enabled":
            # An existing bucket takes Object Lock once versioning is enabled on it.
            raise s3_error("InvalidBucketState", "Versioning must be 'Enabled' on the bucket "
                           "to apply a Object Lock configuration", 409)
        record.object_lock = {"ObjectLockEnabled": "Enabled", **({"Rule": rule} if rule else {})}
        self.buckets().put(bucket, record)
        return {}

    def get_object_lock_configuration(self, ctx: RequestContext, *, bucket: str,
                                      **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketObjectLockConfiguration")
        if record.object_lock is None:
            raise s3_error("ObjectLockConfigurationNotFoundError", "Object Lock configuration "
                           "does not exist for this bucket", 404, BucketName=bucket)
        return {"ObjectLockConfiguration": record.object_lock}

    def put_object_retention(self, ctx: RequestContext, *, bucket: str, key: str,
                             retention: dict[str, Any] | None = None,
                             version_id: str | None = None,
                             bypass_governance_retention: bool | None = None,
                             **_: Any) -> dict[str, Any]:
        self._locked_bucket(ctx, bucket, "s3:PutObjectRetention", key)
        version = self.find(bucket, key, version_id)
        wanted = retention or {}
        mode, until = wanted.get("Mode"), wanted.get("RetainUntilDate")
        if mode is not None and mode not in MODES:
            raise malformed_xml()
        if (mode is None) != (until is None):
            raise malformed_xml()
        now = self.clock.now()
        new_until = epoch(until) if until is not None else None
        if new_until is not None and new_until <= now:
            raise invalid_argument("The retain until date must be in the future!")
        active = version.lock_until is not None and version.lock_until > now
        if active:
            assert version.lock_until is not None
            weaker = mode != version.lock_mode or new_until is None or (
                new_until < version.lock_until)
            if weaker and (version.lock_mode == "COMPLIANCE"
                           or not bypass_governance_retention):
                raise protected()
        version.lock_mode, version.lock_until = mode, new_until
        self.objects(bucket).put(key, self.objects(bucket).get(key))  # type: ignore[arg-type]
        return {}

    def get_object_retention(self, ctx: RequestContext, *, bucket: str, key: str,
                             version_id: str | None = None, **_: Any) -> dict[str, Any]:
        self._locked_bucket(ctx, bucket, "s3:GetObjectRetention", key)
        version = self.find(bucket, key, version_id)
        if version.lock_mode is None or version.lock_until is None:
            raise no_version_lock()
        return {"Retention": {"Mode": version.lock_mode,
                              "RetainUntilDate": moment(version.lock_until)}}

    def put_object_legal_hold(self, ctx: RequestContext, *, bucket: str, key: str,
                              legal_hold: dict[str, Any] | None = None,
                              version_id: str | None = None, **_: Any) -> dict[str, Any]:
        self._locked_bucket(ctx, bucket, "s3:PutObjectLegalHold", key)
        version = self.find(bucket, key, version_id)
        status = (legal_hold or {}).get("Status")
        if status not in HOLDS:
            raise malformed_xml()
        version.legal_hold = status
        self.objects(bucket).put(key, self.objects(bucket).get(key))  # type: ignore[arg-type]
        return {}

    def get_object_legal_hold(self, ctx: RequestContext, *, bucket: str, key: str,
                              version_id: str | None = None, **_: Any) -> dict[str, Any]:
        self._locked_bucket(ctx, bucket, "s3:GetObjectLegalHold", key)
        version = self.find(bucket, key, version_id)
        if version.legal_hold is None:
            raise no_version_lock()
        return {"LegalHold": {"Status": version.legal_hold}}


__all__ = ["ObjectLockApi"]
