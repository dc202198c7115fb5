"""Activities and task tokens: CreateActivity, DescribeActivity, ListActivities,
DeleteActivity, GetActivityTask (a long poll on the clock), and SendTaskSuccess,
SendTaskFailure and SendTaskHeartbeat for activity tasks and ``.waitForTaskToken`` callbacks.
"""

from __future__ import annotations

from typing import Any

from emulator import inbound
from emulator.asl.integrations.callbacks import CallbackError
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.stepfunctions.common import StepFunctionsBase
from emulator.services.stepfunctions.models import ActivityRecord
from emulator.services.stepfunctions.naming import check_name, listing, parse_arn

POLL_SECONDS = 60.0
MAX_OUTPUT = 256 * 1024


class ActivitiesApi(StepFunctionsBase):
    """Activities, their workers' long polls, and the task-token answers."""

    poll_seconds = POLL_SECONDS

    @staticmethod
    def _activity_arn(arn: str) -> str:
        parsed = parse_arn(arn)
        if parsed.kind != "activity" or len(parsed.parts) != 1:
            raise ServiceError("InvalidArn", f"Invalid Arn: '{arn}'")
        return arn

    def _activity(self, ctx: RequestContext, arn: str) -> ActivityRecord:
        record = self._activities(ctx.account_id, ctx.region).get(self._activity_arn(arn))
        if record is None:
            raise ServiceError("ActivityDoesNotExist", f"Activity Does Not Exist: '{arn}'")
        return record

    def create_activity(
        self, ctx: RequestContext, *, name: str, tags: list[dict[str, str]] | None = None,
        encryption_configuration: dict[str, Any] | None = None, **_: Any,
    ) -> dict[str, Any]:
        check_name(name)
        arn = f"arn:aws:states:{ctx.region}:{ctx.account_id}:activity:{name}"
        table = self._activities(ctx.account_id, ctx.region)
        existing = table.get(arn)
        if existing is not None:  # idempotent by name, whatever the tags
            return {"activityArn": arn, "creationDate": existing.creation_date}
        record = ActivityRecord(
            arn=arn, name=name, creation_date=self._now(),
            tags={str(t.get("key", "")): str(t.get("value", "")) for t in tags or []},
        )
        if encryption_configuration:
            record.encryption = dict(encryption_configuration)
        table.put(arn, record)
        return {"activityArn": arn, "creationDate": record.creation_date}

    def describe_activity(
        self, ctx: RequestContext, *, activity_arn: str, **_: Any
    ) -> dict[str, Any]:
        record = self._activity(ctx, activity_arn)
        return {"activityArn": record.arn, "name": record.name,
                "creationDate": record.creation_date,
                "encryptionConfiguration": record.encryption}

    def list_activities(
        self, ctx: RequestContext, *, max_results: int | None = None,
        next_token: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        records = sorted(self._activities(ctx.account_id, ctx.region).values(),
                         key=lambda r: r.creation_date)
        return listing("activities", [
            {"activityArn": r.arn, "name": r.name, "creationDate": r.creation_date}
            for r in records], next_token, max_results)

    def delete_activity(
        self, ctx: RequestContext, *, activity_arn: str, **_: Any
    ) -> dict[str, Any]:
        arn = self._activity_arn(activity_arn)
        self._activities(ctx.account_id, ctx.region).delete(arn)
        self.callbacks.forget_activity(arn)
        return {}

    async def get_activity_task(
        self, ctx: RequestContext, *, activity_arn: str, worker_name: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        record = self._activity(ctx, activity_arn)
        pending = await self.callbacks.poll(record.arn, worker_name or "", self.poll_seconds)
        if pending is None:
            return {}
        return {"taskToken": pending.token, "input": pending.input}

    # ----- task tokens -----------------------------------------------------------------------

    def send_task_success(
        self, ctx: RequestContext, *, task_token: str, output: str, **_: Any
    ) -> dict[str, Any]:
        if len(output.encode("utf-8", "surrogatepass")) > MAX_OUTPUT:
            raise ServiceError("InvalidOutput", "Invalid Output: 'The output exceeds the "
                               "maximum size of 262144 bytes.'")
        try:
            value = inbound.loads(output)
        except (ValueError, RecursionError):
            raise ServiceError("InvalidOutput", f"Invalid Output: '{output}'") from None
        try:
            self.callbacks.succeed(task_token, value)
        except CallbackError as error:
            raise ServiceError(error.code, error.message) from None
        return {}

    def send_task_failure(
        self, ctx: RequestContext, *, task_token: str, error: str | None = None,
        cause: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        try:
            self.callbacks.fail(task_token, error, cause)
        except CallbackError as refused:
            raise ServiceError(refused.code, refused.message) from None
        return {}

    def send_task_heartbeat(
        self, ctx: RequestContext, *, task_token: str, **_: Any
    ) -> dict[str, Any]:
        try:
            self.callbacks.heartbeat(task_token)
        except CallbackError as error:
            raise ServiceError(error.code, error.message) from None
        return {}


__all__ = ["ActivitiesApi"]
