"""Bucket notifications: the configuration (checked as AWS checks it, with the test event sent
to queues and topics), and object events delivered to Lambda, SQS, SNS and EventBridge through
the ports, in AWS's record shape.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.s3.common import S3Base, canonical_id
from emulator.services.s3.errors import invalid_argument, s3_error
from emulator.services.s3.invoke_permission import allows_s3
from emulator.services.s3.models import BucketRecord, ObjectVersion

log = logging.getLogger("emulator.s3")

EVENT_TYPES = {
    "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload", "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
    "s3:ReducedRedundancyLostObject", "s3:Replication:*", "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete", "s3:ObjectAcl:Put", "s3:TestEvent",
}
TARGETS = (("QueueConfigurations", "QueueArn"), ("TopicConfigurations", "TopicArn"),
           ("LambdaFunctionConfigurations", "LambdaFunctionArn"))
# EventBridge's detail-type and reason for each event name.
BRIDGE = {"ObjectCreated": "Object Created", "ObjectRemoved": "Object Deleted",
          "LifecycleExpiration": "Object Deleted"}
# Restores have a detail-type per step.
RESTORE_BRIDGE = {"ObjectRestore:Post": "Object Restore Initiated",
                  "ObjectRestore:Completed": "Object Restore Completed",
                  "ObjectRestore:Delete": "Object Restore Expired"}
RESTORE_WITH_SIZE = ("ObjectRestore:Post", "ObjectRestore:Completed")
REASONS = {"Put": "PutObject", "Post": "POST Object", "Copy": "CopyObject",
           "CompleteMultipartUpload": "CompleteMultipartUpload", "Delete": "DeleteObject",
           "DeleteMarkerCreated": "DeleteObject"}


def _message_text(document: dict[str, Any]) -> str:
    """A notification message as S3 writes it: compact JSON (``{"Records":[{...}]}``)."""
    return json.dumps(document, separators=(",", ":"))


def _now_text(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _filter_rules(config: dict[str, Any]) -> dict[str, str]:
    rules = ((config.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    return {str(rule.get("Name", "")).lower(): str(rule.get("Value", "")) for rule in rules}


def _matches(config: dict[str, Any], event_name: str, key: str) -> bool:
    kind = event_name.split(":")[0]
    wanted = config.get("Events") or []
    if f"s3:{event_name}" not in wanted and f"s3:{kind}:*" not in wanted:
        return False
    rules = _filter_rules(config)
    return key.startswith(rules.get("prefix", "")) and key.endswith(rules.get("suffix", ""))


class NotificationsApi(S3Base):
    _deliveries: set[asyncio.Task[None]]

    def _pending(self) -> set[asyncio.Task[None]]:
        if not hasattr(self, "_deliveries"):
            self._deliveries = set()
        return self._deliveries

    def busy(self) -> list[str]:
        count = len(self._pending())
        return [f"{count} bucket notification(s) being delivered"] if count else []

    # -- configuration ---------------------------------------------------------------------

    async def put_bucket_notification_configuration(
            self, ctx: RequestContext, *, bucket: str, notification_configuration: dict[str, Any],
            skip_destination_validation: bool = False, **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutBucketNotification")
        config: dict[str, Any] = {}
        unreachable: list[tuple[str, str]] = []  # (destination ARN, why)
        for section, arn_name in TARGETS:
            items = []
            for item in notification_configuration.get(section) or []:
                for event in item.get("Events") or []:
                    if event not in EVENT_TYPES:
                        raise invalid_argument("The event is not supported for notifications",
                                               event, event)
                rules = ((item.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
                for rule in rules:
                    if str(rule.get("Name", "")).lower() not in ("prefix", "suffix"):
                        raise invalid_argument("filter rule name must be either prefix or "
                                               "suffix", "FilterRule.Name", rule.get("Name"))
                arn = str(item.get(arn_name, ""))
                why = None if skip_destination_validation else await self._unreachable(
                    ctx, record, arn_name, arn)
                if why:
                    unreachable.append((arn, why))
                items.append({**item, "Id": item.get("Id") or secrets.token_hex(16)})
            if items:
                config[section] = items
        if unreachable:
            fields: dict[str, Any] = {}
            for number, (arn, why) in enumerate(unreachable, start=1):
                fields[f"ArgumentName{number}"] = arn
                fields[f"ArgumentValue{number}"] = why
            raise s3_error("InvalidArgument", "Unable to validate the following destination "
                           "configurations", **fields)
        if "EventBridgeConfiguration" in notification_configuration:
            config["EventBridgeConfiguration"] = {}
        record.notifications = config
        self.buckets().put(bucket, record)
        self._send_test_events(record, ctx)
        return {}

    def get_bucket_notification_configuration(self, ctx: RequestContext, *, bucket: str,
                                              **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetBucketNotification")
        return dict(record.notifications)

    async def _unreachable(self, ctx: RequestContext, record: BucketRecord, arn_name: str,
                           arn: str) -> str | None:
        """Why S3 cannot deliver to that destination, or None when it can: a function must
        exist and its resource-based policy let S3 invoke it for this bucket."""
        try:
            if arn_name == "QueueArn":
                found = self.ports.queues.exists(arn)
            elif arn_name == "TopicArn":
                found = self.ports.topics.exists(arn)
            else:
                return await self._function_unreachable(ctx, record, arn)
        except (LookupError, ServiceError):
            found = False
        return None if found else ("Permissions on the destination cannot be checked or "
                                   "the destination does not exist")

    async def _function_unreachable(self, ctx: RequestContext, record: BucketRecord,
                                    arn: str) -> str | None:
        parts = arn.split(":")
        scope = ctx
        if len(parts) >= 7 and parts[:3] == ["arn", "aws", "lambda"]:
            scope = RequestContext.internal(parts[4], parts[3] or ctx.region)
        try:
            reply = await self.ports.operations.call(scope, "lambda", "GetPolicy",
                                                     {"FunctionName": arn})
        except ServiceError:  # no such function, or no policy at all
            reply = {}
        if allows_s3(str(reply.get("Policy", "")), f"arn:aws:s3:::{record.name}",
                     record.account):
            return None
        return f"Not authorized to invoke function [{arn}]"

    def _send_test_events(self, record: BucketRecord, ctx: RequestContext) -> None:
        """S3 sends queues and topics a test event when a configuration names them."""
        message = _message_text({
            "Service": "Amazon S3", "Event": "s3:TestEvent",
            "Time": _now_text(self.clock.now()), "Bucket": record.name,
            "RequestId": ctx.request_id, "HostId": secrets.token_urlsafe(48)})
        for item in record.notifications.get("QueueConfigurations", []):
            self.ports.queues.send(item["QueueArn"], message)
        for item in record.notifications.get("TopicConfigurations", []):
            self.ports.topics.publish(item["TopicArn"], message,
                                      subject="Amazon S3 Notification")

    # -- events ----------------------------------------------------------------------------

    def object_event(self, record: BucketRecord, event: str, version: ObjectVersion,
                     ctx: RequestContext | None) -> None:
        config = record.notifications
        if not config:
            return
        deliveries = [(section, arn_name, item) for section, arn_name in TARGETS
                      for item in config.get(section, []) if _matches(item, event, version.key)]
        if not deliveries and "EventBridgeConfiguration" not in config:
            return
        now = self.clock.now()
        source_ip = ctx.headers.get("x-forwarded-for", "127.0.0.1") if ctx else "127.0.0.1"
        principal = f"AWS:{ctx.account_id}" if ctx else "AmazonS3"
        request_id = ctx.request_id if ctx else secrets.token_hex(8).upper()
        sequencer = f"{int(now * 1_000_000):016X}"
        for _section, arn_name, item in deliveries:
            document = self.event_record(record, event, version, item["Id"], now, source_ip,
                                         principal, request_id, sequencer)
            self._deliver(arn_name, item[arn_name], _message_text({"Records": [document]}),
                          ctx.headers.get("x-amzn-trace-id") if ctx else None)
        if "EventBridgeConfiguration" in config:
            self._to_bridge(record, event, version, now, source_ip, request_id, sequencer,
                            ctx.account_id if ctx else "s3.amazonaws.com")

    def event_record(self, record: BucketRecord, event: str, version: ObjectVersion,
                     configuration_id: str, now: float, source_ip: str, principal: str,
                     request_id: str, sequencer: str) -> dict[str, Any]:
        obj: dict[str, Any] = {"key": quote_plus(version.key, safe="/")}
        if event.startswith("ObjectCreated") or event in RESTORE_WITH_SIZE:
            obj.update(size=version.size, eTag=version.etag.strip('"'))
        if record.versioning:
            obj["versionId"] = version.version_id
        obj["sequencer"] = sequencer
        document: dict[str, Any] = {
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": record.region,
            "eventTime": _now_text(now), "eventName": event,
            "userIdentity": {"principalId": principal},
            "requestParameters": {"sourceIPAddress": source_ip},
            "responseElements": {"x-amz-request-id": request_id,
                                 "x-amz-id-2": secrets.token_urlsafe(48)},
            "s3": {
                "s3SchemaVersion": "1.0", "configurationId": configuration_id,
                "bucket": {"name": record.name,
                           "ownerIdentity": {"principalId": canonical_id(record.account)},
                           "arn": f"arn:aws:s3:::{record.name}"},
                "object": obj,
            },
        }
        if event == "ObjectRestore:Completed" and version.restore is not None:
            # Only restore completions carry glacierEventData.
            document["glacierEventData"] = {"restoreEventData": {
                "lifecycleRestorationExpiryTime": _now_text(version.restore.expires),
                "lifecycleRestoreStorageClass": version.storage_class}}
        return document

    def _deliver(self, arn_name: str, arn: str, message: str, trace_header: str | None
                 ) -> None:
        """Send one event record; the request's X-Ray trace header goes with it, as S3
        propagates trace context to its notification destinations."""
        async def send() -> None:
            try:
                if arn_name == "QueueArn":
                    self.ports.queues.send(arn, message, trace_header=trace_header)
                elif arn_name == "TopicArn":
                    self.ports.topics.publish(arn, message, subject="Amazon S3 Notification",
                                              trace_header=trace_header)
                else:
                    parts = arn.split(":")
                    await self.ports.functions.invoke(
                        arn, message.encode(), account=parts[4], region=parts[3],
                        invocation_type="Event", trace_header=trace_header)
            except Exception:  # a target that went away loses the event, as in AWS
                log.warning("s3 notification to %s failed", arn, exc_info=True)

        task = asyncio.get_running_loop().create_task(send())
        pending = self._pending()
        pending.add(task)
        task.add_done_callback(pending.discard)

    def _to_bridge(self, record: BucketRecord, event: str, version: ObjectVersion, now: float,
                   source_ip: str, request_id: str, sequencer: str, requester: str) -> None:
        if event in RESTORE_BRIDGE:
            detail_type, detail = RESTORE_BRIDGE[event], self._restore_detail(
                record, event, version, request_id, source_ip, requester)
        else:
            kind = event.partition(":")[0]
            if kind not in BRIDGE:
                return
            detail_type, detail = BRIDGE[kind], self._change_detail(
                record, event, version, request_id, source_ip, requester, sequencer)
        entry = {"Source": "aws.s3", "DetailType": detail_type, "Detail": json.dumps(detail),
                 "Resources": [f"arn:aws:s3:::{record.name}"], "EventBusName": "default",
                 "Time": datetime.fromtimestamp(now, tz=UTC)}
        try:
            self.ports.buses.put_events([entry], account=record.account, region=record.region)
        except Exception:
            log.warning("s3 event to EventBridge failed", exc_info=True)

    @staticmethod
    def _change_detail(record: BucketRecord, event: str, version: ObjectVersion,
                       request_id: str, source_ip: str, requester: str,
                       sequencer: str) -> dict[str, Any]:
        kind, _, action = event.partition(":")
        obj: dict[str, Any] = {"key": version.key, "sequencer": sequencer}
        if kind == "ObjectCreated":
            obj.update(size=version.size, etag=version.etag.strip('"'))
        if record.versioning:
            obj["version-id"] = version.version_id
        detail: dict[str, Any] = {
            "version": "0", "bucket": {"name": record.name}, "object": obj,
            "request-id": request_id, "requester": requester,
            "source-ip-address": source_ip,
            "reason": "Lifecycle Expiration" if kind == "LifecycleExpiration" else REASONS.get(
                action, action)}
        if action == "DeleteMarkerCreated":
            detail["deletion-type"] = "Delete Marker Created"
        elif kind != "ObjectCreated":
            detail["deletion-type"] = "Permanently Deleted"
        return detail

    @staticmethod
    def _restore_detail(record: BucketRecord, event: str, version: ObjectVersion,
                        request_id: str, source_ip: str, requester: str) -> dict[str, Any]:
        """Initiated carries who asked; Completed and Expired come from S3 itself."""
        obj: dict[str, Any] = {"key": version.key}
        if event in RESTORE_WITH_SIZE:
            obj.update(size=version.size, etag=version.etag.strip('"'))
        if record.versioning:
            obj["version-id"] = version.version_id
        detail: dict[str, Any] = {"version": "0", "bucket": {"name": record.name},
                                  "object": obj, "request-id": request_id,
                                  "requester": requester}
        if event == "ObjectRestore:Post":
            detail["source-ip-address"] = source_ip
        if event in RESTORE_WITH_SIZE:
            if event == "ObjectRestore:Completed" and version.restore is not None:
                detail["restore-expiry-time"] = datetime.fromtimestamp(
                    version.restore.expires, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            detail["source-storage-class"] = version.storage_class
        return detail

__all__ = ["EVENT_TYPES", "NotificationsApi"]
