"""Log files: every five minutes of the clock, each logging trail's new records go to its S3
bucket as gzipped JSON (``{"Records": [...]}``), one file per region, in AWS's layout
``<prefix>/AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<id>.json.gz``
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html)."""

from __future__ import annotations

import gzip
import json
import logging
from datetime import UTC, datetime

from emulator import ids
from emulator.api_calls import ApiCall
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudtrail import records, selection
from emulator.services.cloudtrail.common import CloudTrailBase
from emulator.services.cloudtrail.models import TRAILS, TrailRecord

log = logging.getLogger("emulator.cloudtrail")
INTERVAL = 300  # seconds of the clock between deliveries


def log_file_key(trail: TrailRecord, account: str, region: str, moment: float) -> str:
    stamp = datetime.fromtimestamp(moment, tz=UTC)
    name = (f"{account}_CloudTrail_{region}_{stamp:%Y%m%dT%H%MZ}_"
            f"{ids.short_id(16)}.json.gz")
    key = f"AWSLogs/{account}/CloudTrail/{region}/{stamp:%Y/%m/%d}/{name}"
    return f"{trail.prefix.rstrip('/')}/{key}" if trail.prefix else key


def log_file(calls: list[ApiCall]) -> bytes:
    body = json.dumps({"Records": [records.record(call) for call in calls]},
                      separators=(",", ":"))
    return gzip.compress(body.encode())


class DeliveryApi(CloudTrailBase):
    async def run_deliveries(self) -> None:
        """Forever: at each five minutes of the clock, deliver what every trail logged."""
        while True:
            now = self.clock.now()
            await self.clock.sleep_until((int(now) // INTERVAL + 1) * INTERVAL, rewound=True)
            await self.deliver_all()

    async def deliver_all(self) -> None:
        for account, region in self.store.scopes(TRAILS):
            for trail in list(self.trails(account, region).values()):
                if trail.logging:
                    await self.deliver(account, region, trail)

    async def deliver(self, account: str, region: str, trail: TrailRecord) -> None:
        now = self.clock.now()
        due = [call for call in self.calls.calls
               if call.account == account and trail.delivered_upto < call.time <= now
               and (trail.multi_region or call.region == region)
               and selection.logs(trail, call)]
        by_region: dict[str, list[ApiCall]] = {}
        for call in due:
            by_region.setdefault(call.region, []).append(call)
        try:
            for where, calls in sorted(by_region.items()):
                await self.ports.operations.call(
                    RequestContext.internal(account, region), "s3", "PutObject",
                    {"Bucket": trail.bucket, "Key": log_file_key(trail, account, where, now),
                     "Body": log_file(calls), "ContentType": "application/json",
                     "ContentEncoding": "gzip"})
        except ServiceError as error:
            trail.delivery_error = error.code
            log.warning("CloudTrail could not deliver trail %s: %s", trail.name, error.code)
        else:
            trail.delivery_error = None
            trail.delivered_upto = now
            if by_region:
                trail.delivered = now
        self.trails(account, region).put(trail.name, trail)


__all__ = ["INTERVAL", "DeliveryApi", "log_file", "log_file_key"]
