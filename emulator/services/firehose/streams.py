"""Delivery streams: create, describe, list and delete (Direct PUT to an S3 destination)."""

from __future__ import annotations

import re
from typing import Any

from botocore import xform_name

from emulator.context import RequestContext
from emulator.errors import ServiceError, validation_error
from emulator.services.firehose.common import FirehoseBase, invalid_argument, stream_arn
from emulator.services.firehose.models import StreamRecord

# The model's patterns, which the wire layer leaves to the service.
_PATTERNS = {
    "deliveryStreamName": r"[a-zA-Z0-9_.-]+",
    "bucketARN": r"arn:.*:s3:::[\w\.\-]{1,255}",
    "roleARN": r"arn:.*:iam::\d{12}:role/[a-zA-Z_0-9+=,.@\-_/]+",
}
DESTINATION_ID = "destinationId-000000000001"
DEFAULT_HINTS = {"SizeInMBs": 5, "IntervalInSeconds": 300}
NO_ENCRYPTION = {"NoEncryptionConfig": "NoEncryption"}
# What an S3 destination says about itself beside what the request gave (S3DestinationDescription).
_S3_MEMBERS = ("RoleARN", "BucketARN", "Prefix", "ErrorOutputPrefix", "BufferingHints",
               "CompressionFormat", "EncryptionConfiguration", "CloudWatchLoggingOptions")
# Destinations this emulator does not deliver to.
_OTHER_DESTINATIONS = (
    "RedshiftDestinationConfiguration", "ElasticsearchDestinationConfiguration",
    "AmazonopensearchserviceDestinationConfiguration", "SplunkDestinationConfiguration",
    "HttpEndpointDestinationConfiguration", "AmazonOpenSearchServerlessDestinationConfiguration",
    "SnowflakeDestinationConfiguration", "IcebergDestinationConfiguration")


def _check(value: str, member: str, path: str) -> None:
    pattern = _PATTERNS[member]
    if not re.fullmatch(pattern, value):
        raise validation_error(
            f"1 validation error detected: Value '{value}' at '{path}' failed to satisfy "
            f"constraint: Member must satisfy regular expression pattern: {pattern}")


def _destination(config: dict[str, Any]) -> dict[str, Any]:
    """An S3 destination's description: the configuration with AWS's defaults filled in."""
    described = dict(config)
    described["BufferingHints"] = {**DEFAULT_HINTS, **(config.get("BufferingHints") or {})}
    described.setdefault("CompressionFormat", "UNCOMPRESSED")
    described.setdefault("EncryptionConfiguration", NO_ENCRYPTION)
    described.setdefault("CloudWatchLoggingOptions", {"Enabled": False})
    described.pop("S3BackupConfiguration", None)
    return described


def destination_shape(stream: StreamRecord) -> dict[str, Any]:
    config = stream.destination
    plain = {key: config[key] for key in _S3_MEMBERS if key in config}
    shape: dict[str, Any] = {"DestinationId": DESTINATION_ID, "S3DestinationDescription": plain}
    extended = dict(config)
    extended.setdefault("S3BackupMode", "Disabled")
    shape["ExtendedS3DestinationDescription"] = extended
    return shape


class StreamsApi(FirehoseBase):
    def create_delivery_stream(
        self, ctx: RequestContext, *, delivery_stream_name: str,
        delivery_stream_type: str | None = None,
        s3_destination_configuration: dict[str, Any] | None = None,
        extended_s3_destination_configuration: dict[str, Any] | None = None,
        delivery_stream_encryption_configuration_input: dict[str, Any] | None = None,
        tags: list[dict[str, str]] | None = None, **others: Any,
    ) -> dict[str, Any]:
        name = delivery_stream_name
        _check(name, "deliveryStreamName", "deliveryStreamName")
        stream_type = delivery_stream_type or "DirectPut"
        if stream_type != "DirectPut":
            raise invalid_argument(
                f"Delivery stream type {stream_type} is not supported by this emulator; "
                "use DirectPut.")
        given = [config for config in (s3_destination_configuration,
                                       extended_s3_destination_configuration) if config]
        if any(others.get(xform_name(key)) for key in _OTHER_DESTINATIONS):
            raise invalid_argument("Only an S3 destination is supported by this emulator.")
        if len(given) != 1:
            raise invalid_argument(
                "Exactly one destination configuration must be specified.")
        config = given[0]
        where = ("extendedS3DestinationConfiguration" if extended_s3_destination_configuration
                 else "s3DestinationConfiguration")
        _check(config["BucketARN"], "bucketARN", f"{where}.bucketARN")
        _check(config["RoleARN"], "roleARN", f"{where}.roleARN")
        if config.get("CompressionFormat", "UNCOMPRESSED") not in ("UNCOMPRESSED", "GZIP"):
            raise invalid_argument(
                f"CompressionFormat {config['CompressionFormat']} is not supported by this "
                "emulator; use UNCOMPRESSED or GZIP.")
        table = self.streams(ctx)
        if table.get(name) is not None:
            raise self.conflict(
                f"Firehose {name} under accountId {ctx.account_id} already exists")
        now = self.clock.now()
        encryption: dict[str, Any] = {"Status": "DISABLED"}
        if delivery_stream_encryption_configuration_input:
            key_type = delivery_stream_encryption_configuration_input.get(
                "KeyType", "AWS_OWNED_CMK")
            encryption = {"Status": "ENABLED", "KeyType": key_type}
            if delivery_stream_encryption_configuration_input.get("KeyARN"):
                encryption["KeyARN"] = delivery_stream_encryption_configuration_input["KeyARN"]
        arn = stream_arn(ctx.account_id, ctx.region, name)
        table.put(name, StreamRecord(
            name=name, arn=arn, account=ctx.account_id, region=ctx.region,
            stream_type=stream_type, created=now, last_update=now,
            destination=_destination(config),
            encryption=encryption, tags=list(tags or [])))
        return {"DeliveryStreamARN": arn}

    def describe_delivery_stream(self, ctx: RequestContext, *, delivery_stream_name: str,
                                 **_: Any) -> dict[str, Any]:
        stream = self.require_stream(ctx, delivery_stream_name)
        return {"DeliveryStreamDescription": {
            "DeliveryStreamName": stream.name, "DeliveryStreamARN": stream.arn,
            "DeliveryStreamStatus": "ACTIVE",
            "DeliveryStreamEncryptionConfiguration": stream.encryption,
            "DeliveryStreamType": stream.stream_type, "VersionId": stream.version_id,
            "CreateTimestamp": stream.created, "LastUpdateTimestamp": stream.last_update,
            "Destinations": [destination_shape(stream)], "HasMoreDestinations": False}}

    def list_delivery_streams(self, ctx: RequestContext, *, limit: int | None = None,
                              delivery_stream_type: str | None = None,
                              exclusive_start_delivery_stream_name: str | None = None,
                              **_: Any) -> dict[str, Any]:
        names = sorted(stream.name for stream in self.streams(ctx).values()
                       if delivery_stream_type in (None, stream.stream_type))
        if exclusive_start_delivery_stream_name is not None:
            names = [name for name in names if name > exclusive_start_delivery_stream_name]
        size = limit or 10
        return {"DeliveryStreamNames": names[:size], "HasMoreDeliveryStreams": len(names) > size}

    def update_destination(
        self, ctx: RequestContext, *, delivery_stream_name: str,
        current_delivery_stream_version_id: str, destination_id: str,
        s3_destination_update: dict[str, Any] | None = None,
        extended_s3_destination_update: dict[str, Any] | None = None, **others: Any,
    ) -> dict[str, Any]:
        """Merge the update into the S3 destination (members left out keep their values) and
        move the version on by one; later objects' keys carry the new version."""
        stream = self.require_stream(ctx, delivery_stream_name)
        if any(others.get(xform_name(key.replace("Configuration", "Update")))
               for key in _OTHER_DESTINATIONS):
            raise invalid_argument("Only an S3 destination is supported by this emulator.")
        if current_delivery_stream_version_id != stream.version_id:
            # The error shape's documented meaning.
            raise ServiceError("ConcurrentModificationException",
                               "Another modification has already happened. Fetch VersionId "
                               "again and use it to update the destination.")
        if destination_id != DESTINATION_ID:
            raise invalid_argument(f"Destination {destination_id} not found.")
        update = extended_s3_destination_update or s3_destination_update or {}
        where = ("extendedS3DestinationUpdate" if extended_s3_destination_update
                 else "s3DestinationUpdate")
        for member, value in (("bucketARN", update.get("BucketARN")),
                              ("roleARN", update.get("RoleARN"))):
            if value is not None:
                _check(value, member, f"{where}.{member}")
        if update.get("CompressionFormat", "UNCOMPRESSED") not in ("UNCOMPRESSED", "GZIP"):
            raise invalid_argument(
                f"CompressionFormat {update['CompressionFormat']} is not supported by this "
                "emulator; use UNCOMPRESSED or GZIP.")
        merged = {**stream.destination, **update, "BufferingHints": {
            **stream.destination["BufferingHints"], **(update.get("BufferingHints") or {})}}
        stream.destination = _destination(merged)
        stream.version_id = str(int(stream.version_id) + 1)
        stream.last_update = self.clock.now()
        self.streams(ctx).put(stream.name, stream)
        return {}

    def delete_delivery_stream(self, ctx: RequestContext, *, delivery_stream_name: str,
                               **_: Any) -> dict[str, Any]:
        stream = self.require_stream(ctx, delivery_stream_name)
        self.discard(stream)
        self.streams(ctx).delete(stream.name)
        return {}


__all__ = ["DESTINATION_ID", "StreamsApi", "destination_shape"]
