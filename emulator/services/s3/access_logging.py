"""Server access logging settings: PutBucketLogging and GetBucketLogging. The setting is
kept and checked (the target bucket exists and has the same owner); no log objects are
written.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLogging.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.s3.common import S3Base
from emulator.services.s3.errors import malformed_xml, s3_error


def _invalid_target(message: str, bucket: str) -> Exception:
    return s3_error("InvalidTargetBucketForLogging", message, TargetBucket=bucket)


class AccessLoggingApi(S3Base):
    def put_bucket_logging(self, ctx: RequestContext, *, bucket: str,
                           bucket_logging_status: dict[str, Any] | None = None,
                           **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketLogging")
        enabled = (bucket_logging_status or {}).get("LoggingEnabled")
        if enabled is not None:
            target = enabled.get("TargetBucket")
            if not target or enabled.get("TargetPrefix") is None:
                raise malformed_xml()
            found = self.buckets().get(target)
            if found is None:
                raise _invalid_target("The target bucket for logging does not exist", target)
            if found.account != record.account:
                raise _invalid_target("The owner for the bucket to be logged and the target "
                                      "bucket must be the same.", target)
        record.logging = enabled
        self.buckets().put(bucket, record)
        return {}

    def get_bucket_logging(self, ctx: RequestContext, *, bucket: str,
                           **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketLogging")
        return {"LoggingEnabled": record.logging} if record.logging else {}


__all__ = ["AccessLoggingApi"]
