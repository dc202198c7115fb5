"""What CloudTrail's parts share: the trails table, the call log the wire layer writes, and
CloudTrail's errors."""

from __future__ import annotations

from emulator import arns
from emulator.api_calls import CallLog
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.base import Provider, TableOf
from emulator.services.cloudtrail.models import TRAILS, TrailRecord


class CloudTrailBase(Provider):
    service_name = "cloudtrail"
    not_found_code = "TrailNotFoundException"

    trails = TableOf(TRAILS, TrailRecord)

    @property
    def calls(self) -> CallLog:
        return self.ports.api_calls

    def trail_arn(self, ctx: RequestContext, name: str) -> str:
        return arns.build("cloudtrail", ctx.region, ctx.account_id, f"trail/{name}")

    def trail(self, ctx: RequestContext, name_or_arn: str) -> TrailRecord:
        """The trail a Name member names (a name or an ARN); TrailNotFoundException."""
        name = name_or_arn.split(":trail/", 1)[1] if ":trail/" in name_or_arn else name_or_arn
        record = self.trails(ctx).get(name)
        if record is None:
            arn = name_or_arn if name_or_arn.startswith("arn:") else self.trail_arn(
                ctx, name_or_arn)
            raise self.not_found(f"Unknown trail: {arn} for the user: {ctx.account_id}")
        return record


def invalid(code: str, message: str) -> ServiceError:
    return ServiceError(code, message)


__all__ = ["CloudTrailBase", "invalid"]
