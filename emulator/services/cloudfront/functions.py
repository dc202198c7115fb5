"""CloudFront Functions: Create, Describe, Get, Update, Publish (DEVELOPMENT -> LIVE),
Delete, List, and TestFunction, which runs the stage's code on the given event object and
answers with its output, logs, error and compute utilization.

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateFunction.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_TestFunction.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/test-function.html
"""

from __future__ import annotations

import json
import re
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudfront import names
from emulator.services.cloudfront.common import CloudFrontBase, items_of, moment
from emulator.services.cloudfront.models import FunctionRecord, FunctionStage

MAX_CODE_BYTES = 10 * 1024  # the function size quota
NAME_PATTERN = "[a-zA-Z0-9-_]{1,64}"  # the API's FunctionName pattern
_NAME = re.compile(NAME_PATTERN)


def _missing() -> ServiceError:
    return ServiceError("NoSuchFunctionExists", "The function does not exist.")


class FunctionsApi(CloudFrontBase):
    def _function(self, ctx: RequestContext, name: str) -> FunctionRecord:
        return self.found(self.functions(ctx).get(name), _missing())

    @staticmethod
    def _stage(record: FunctionRecord, stage: str | None) -> FunctionStage:
        if stage == "LIVE":
            if record.live is None:
                raise _missing()
            return record.live
        return record.development

    def _summary(self, record: FunctionRecord, stage_name: str | None) -> dict[str, Any]:
        stage = self._stage(record, stage_name)
        config: dict[str, Any] = {"Comment": stage.comment, "Runtime": stage.runtime}
        if stage.key_value_stores:
            config["KeyValueStoreAssociations"] = {
                "Quantity": len(stage.key_value_stores),
                "Items": [{"KeyValueStoreARN": arn} for arn in stage.key_value_stores]}
        live = stage_name == "LIVE"
        return {"Name": record.name,
                "Status": "UNASSOCIATED" if live or record.live is not None
                else "UNPUBLISHED",
                "FunctionConfig": config,
                "FunctionMetadata": {"FunctionARN": record.arn,
                                     "Stage": "LIVE" if live else "DEVELOPMENT",
                                     "CreatedTime": moment(stage.created),
                                     "LastModifiedTime": moment(stage.last_modified)}}

    def _new_stage(self, config: dict[str, Any], code: bytes, created: float | None = None
                   ) -> FunctionStage:
        if len(code) > MAX_CODE_BYTES:
            raise ServiceError("FunctionSizeLimitExceeded",
                               "The function is too large. For more information, see Quotas "
                               "(formerly known as limits) in the Amazon CloudFront Developer "
                               "Guide.")
        try:
            text = code.decode()
        except UnicodeDecodeError:
            raise ServiceError("InvalidArgument",
                               "The function code must be UTF-8 text.") from None
        now = self.clock.now()
        stores = [item["KeyValueStoreARN"] for item in
                  items_of(config, "KeyValueStoreAssociations")]
        return FunctionStage(code=text, comment=config.get("Comment", ""),
                             runtime=config["Runtime"], key_value_stores=stores,
                             etag=names.etag(), created=created or now, last_modified=now)

    def create_function(self, ctx: RequestContext, *, name: str,
                        function_config: dict[str, Any], function_code: bytes, **_: Any
                        ) -> dict[str, Any]:
        if not _NAME.fullmatch(name):
            # Checked here, not left to the Location header, which cannot carry such a name.
            raise ServiceError(
                "InvalidArgument", f"1 validation error detected: Value '{name}' at 'name' "
                "failed to satisfy constraint: Member must satisfy regular expression pattern: "
                f"{NAME_PATTERN}")
        table = self.functions(ctx)
        if name in table:
            raise ServiceError(
                "FunctionAlreadyExists",
                "A function with the same name already exists in this account. To create a "
                "function, you must provide a unique name. To update an existing function, "
                "use UpdateFunction.")
        record = FunctionRecord(name=name, arn=names.function_arn(ctx.account_id, name),
                                development=self._new_stage(function_config, function_code))
        table.put(name, record)
        return {"FunctionSummary": self._summary(record, None),
                "Location": f"https://cloudfront.amazonaws.com/2020-05-31/function/{record.arn}",
                "ETag": record.development.etag}

    def describe_function(self, ctx: RequestContext, *, name: str, stage: str | None = None,
                          **_: Any) -> dict[str, Any]:
        record = self._function(ctx, name)
        return {"FunctionSummary": self._summary(record, stage),
                "ETag": self._stage(record, stage).etag}

    def get_function(self, ctx: RequestContext, *, name: str, stage: str | None = None,
                     **_: Any) -> dict[str, Any]:
        chosen = self._stage(self._function(ctx, name), stage)
        return {"FunctionCode": chosen.code.encode(), "ETag": chosen.etag,
                "ContentType": "application/octet-stream"}

    def update_function(self, ctx: RequestContext, *, name: str, if_match: str | None = None,
                        function_config: dict[str, Any], function_code: bytes, **_: Any
                        ) -> dict[str, Any]:
        record = self._function(ctx, name)
        self.check_if_match(if_match, record.development.etag)
        record.development = self._new_stage(function_config, function_code,
                                             record.development.created)
        self.functions(ctx).put(name, record)
        return {"FunctionSummary": self._summary(record, None),
                "ETag": record.development.etag}

    def publish_function(self, ctx: RequestContext, *, name: str,
                         if_match: str | None = None, **_: Any) -> dict[str, Any]:
        record = self._function(ctx, name)
        self.check_if_match(if_match, record.development.etag)
        record.live = record.development.model_copy(update={"etag": names.etag()})
        self.functions(ctx).put(name, record)
        return {"FunctionSummary": self._summary(record, "LIVE")}

    def delete_function(self, ctx: RequestContext, *, name: str, if_match: str | None = None,
                        **_: Any) -> None:
        record = self._function(ctx, name)
        self.check_if_match(if_match, record.development.etag)
        users = 0
        for distribution in self.distributions(ctx).values():
            behaviours = [distribution.config.get("DefaultCacheBehavior") or {},
                          *items_of(distribution.config, "CacheBehaviors")]
            users += any(item.get("FunctionARN") == record.arn for behaviour in behaviours
                         for item in items_of(behaviour, "FunctionAssociations"))
        if users:
            # The message AWS answers (as SDKs report it).
            raise ServiceError("FunctionInUse",
                               f"Cannot delete function {name}, it is in use by {users} "
                               "distributions")
        self.functions(ctx).delete(name)

    def list_functions(self, ctx: RequestContext, *, stage: str | None = None, **_: Any
                       ) -> dict[str, Any]:
        records = sorted(self.functions(ctx).values(), key=lambda r: r.name)
        if stage == "LIVE":
            records = [r for r in records if r.live is not None]
        items = [self._summary(r, stage) for r in records]
        listing: dict[str, Any] = {"MaxItems": 100, "Quantity": len(items)}
        if items:
            listing["Items"] = items
        return {"FunctionList": listing}

    async def test_function(self, ctx: RequestContext, *, name: str,
                            if_match: str | None = None, stage: str | None = None,
                            event_object: bytes, **_: Any) -> dict[str, Any]:
        record = self._function(ctx, name)
        chosen = self._stage(record, stage)
        self.check_if_match(if_match, chosen.etag)
        try:
            event = json.loads(event_object)
        except ValueError:
            raise ServiceError("InvalidArgument",
                               "The event object is not valid JSON.") from None
        if not isinstance(event, dict) or not isinstance(event.get("context"), dict):
            raise ServiceError("InvalidArgument",
                               "The event object must have a context with an eventType.")
        event_type = event["context"].get("eventType")
        if event_type not in ("viewer-request", "viewer-response"):
            raise ServiceError("InvalidArgument",
                               "The eventType must be viewer-request or viewer-response.")
        outcome = await self.edge.functions.test(
            chosen.runtime, chosen.code, event,
            self.function_store(ctx.account_id, chosen.key_value_stores))
        result: dict[str, Any] = {
            "FunctionSummary": self._summary(record, stage),
            "ComputeUtilization": str(outcome.utilization),
            "FunctionExecutionLogs": outcome.logs,
            "FunctionErrorMessage": outcome.error or ""}
        if outcome.error is None:
            output = outcome.output if isinstance(outcome.output, dict) else {}
            kind = "response" if "statusCode" in output or event_type == \
                "viewer-response" else "request"
            result["FunctionOutput"] = json.dumps({kind: output}, separators=(",", ":"))
        return {"TestResult": result}


__all__ = ["FunctionsApi"]
