"""Amazon Data Firehose through boto3: delivery streams to S3 (create, describe, list, delete,
tags), records put one at a time and in batches, and their delivery to S3 once the buffer's
interval passes on the emulator clock or its size is reached, under the documented key.

Sources:
https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html
https://docs.aws.amazon.com/firehose/latest/APIReference/API_DescribeDeliveryStream.html
https://docs.aws.amazon.com/firehose/latest/APIReference/API_ListDeliveryStreams.html
https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html (500 records,
1,000 KB each, 4 MB per request)
https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html (<evaluated prefix>
<stream>-<version>-<year>-<month>-<day>-<hour>-<minute>-<second>-<uuid>, default prefix
YYYY/MM/dd/HH in UTC, version starts at 1)
https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html (custom prefixes,
!{timestamp:...} from the oldest record's arrival)
https://github.com/turbot/steampipe-plugin-aws/issues/759 (AWS's not-found message)
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_support import unique

from emulator.testing import EmulatorHandle

ROLE = "arn:aws:iam::000000000000:role/firehose"
NOON = datetime(2031, 3, 3, 12, 34, 56, tzinfo=UTC).timestamp()
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture(autouse=True)
def _frozen_clock(emulator: EmulatorHandle) -> Iterator[None]:
    """Buffers are delivered only when a test moves the clock; later tests expect real time."""
    emulator.clock.freeze()
    emulator.clock.set(NOON)
    yield
    emulator.clock.reset()


def _advance(emulator: EmulatorHandle, seconds: float) -> None:
    emulator.wait_idle()
    emulator.clock.advance(seconds)
    emulator.wait_idle()


def _stream(emulator: EmulatorHandle, *, extended: bool = True, **destination: Any
            ) -> tuple[str, str]:
    s3 = emulator.client("s3")
    bucket = unique("fh-bucket").lower()
    s3.create_bucket(Bucket=bucket)
    name = unique("fh")
    config = {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", **destination}
    member = "ExtendedS3DestinationConfiguration" if extended else "S3DestinationConfiguration"
    emulator.client("firehose").create_delivery_stream(DeliveryStreamName=name,
                                                       **{member: config})
    return name, bucket


def _objects(emulator: EmulatorHandle, bucket: str) -> dict[str, bytes]:
    s3 = emulator.client("s3")
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            for item in listed}


def test_a_stream_is_active_at_once_with_its_destination_described(
        emulator: EmulatorHandle) -> None:
    firehose = emulator.client("firehose")
    name, bucket = _stream(emulator, Prefix="logs/",
                           BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 60})
    described = firehose.describe_delivery_stream(
        DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert described["DeliveryStreamStatus"] == "ACTIVE"
    assert described["DeliveryStreamType"] == "DirectPut"
    assert described["VersionId"] == "1"
    assert described["DeliveryStreamARN"] == (
        f"arn:aws:firehose:{emulator.region}:000000000000:deliverystream/{name}")
    [destination] = described["Destinations"]
    assert destination["DestinationId"] == "destinationId-000000000001"
    extended = destination["ExtendedS3DestinationDescription"]
    assert extended["BucketARN"] == f"arn:aws:s3:::{bucket}"
    assert extended["Prefix"] == "logs/"
    assert extended["BufferingHints"] == {"SizeInMBs": 1, "IntervalInSeconds": 60}
    assert extended["CompressionFormat"] == "UNCOMPRESSED"
    assert destination["S3DestinationDescription"]["RoleARN"] == ROLE
    assert described["HasMoreDestinations"] is False


def test_defaults_listing_and_deletion(emulator: EmulatorHandle) -> None:
    firehose = emulator.client("firehose")
    name, _bucket = _stream(emulator, extended=False)
    hints = firehose.describe_delivery_stream(DeliveryStreamName=name)[
        "DeliveryStreamDescription"]["Destinations"][0]["S3DestinationDescription"][
        "BufferingHints"]
    assert hints == {"SizeInMBs": 5, "IntervalInSeconds": 300}
    other, _ = _stream(emulator)
    names = firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]
    assert {name, other} <= set(names) and names == sorted(names)
    first = min(name, other)
    page = firehose.list_delivery_streams(Limit=1, ExclusiveStartDeliveryStreamName=first)
    assert page["DeliveryStreamNames"] == [names[names.index(first) + 1]]
    assert page["HasMoreDeliveryStreams"] is (names.index(first) + 2 < len(names))
    firehose.delete_delivery_stream(DeliveryStreamName=name)
    assert name not in firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]
    with pytest.raises(ClientError) as gone:
        firehose.describe_delivery_stream(DeliveryStreamName=name)
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert gone.value.response["Error"]["Message"] == (
        f"Firehose {name} under account 000000000000 not found.")


def test_records_reach_s3_after_the_buffer_interval_under_the_default_key(
        emulator: EmulatorHandle) -> None:
    firehose = emulator.client("firehose")
    name, bucket = _stream(emulator, BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 60})
    put = firehose.put_record(DeliveryStreamName=name, Record={"Data": b"one\n"})
    assert put["RecordId"] and put["Encrypted"] is False
    batch = firehose.put_record_batch(DeliveryStreamName=name, Records=[
        {"Data": b"two\n"}, {"Data": b"three"}])
    assert batch["FailedPutCount"] == 0 and batch["Encrypted"] is False
    assert len(batch["RequestResponses"]) == 2
    assert all(entry["RecordId"] for entry in batch["RequestResponses"])
    _advance(emulator, 59)
    assert _objects(emulator, bucket) == {}
    _advance(emulator, 1)
    [(key, body)] = _objects(emulator, bucket).items()
    assert body == b"one\ntwo\nthree"
    assert re.fullmatch(rf"2031/03/03/12/{name}-1-2031-03-03-12-34-56-{UUID}", key), key


def test_gzip_and_a_custom_prefix_with_timestamp_expressions(emulator: EmulatorHandle) -> None:
    firehose = emulator.client("firehose")
    name, bucket = _stream(
        emulator, Prefix="events/dt=!{timestamp:yyyy-MM-dd}/h=!{timestamp:HH}/",
        CompressionFormat="GZIP", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0})
    firehose.put_record_batch(DeliveryStreamName=name, Records=[
        {"Data": b'{"a":1}\n'}, {"Data": b'{"a":2}\n'}])
    emulator.wait_idle()
    [(key, body)] = _objects(emulator, bucket).items()
    assert gzip.decompress(body) == b'{"a":1}\n{"a":2}\n'
    assert re.fullmatch(
        rf"events/dt=2031-03-03/h=12/{name}-1-2031-03-03-12-34-56-{UUID}\.gz", key), key


def test_a_full_buffer_is_delivered_before_its_interval(emulator: EmulatorHandle) -> None:
    firehose = emulator.client("firehose")
    name, bucket = _stream(emulator, Prefix="p/",
                           BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 900})
    chunk = b"x" * 1_000_000
    firehose.put_record(DeliveryStreamName=name, Record={"Data": chunk})
    emulator.wait_idle()
    assert _objects(emulator, bucket) == {}
    firehose.put_record(DeliveryStreamName=name, Record={"Data": chunk})
    emulator.wait_idle()
    [(key, body)] = _objects(emulator, bucket).items()
    assert body == chunk + chunk and key.startswith("p/2031/03/03/12/")


def test_tags(emulator: EmulatorHandle) -> None:
    firehose = emulator.client("firehose")
    name, _ = _stream(emulator)
    firehose.tag_delivery_stream(DeliveryStreamName=name, Tags=[
        {"Key": "b", "Value": "2"}, {"Key": "a", "Value": "1"}])
    firehose.tag_delivery_stream(DeliveryStreamName=name, Tags=[{"Key": "a", "Value": "9"}])
    listed = firehose.list_tags_for_delivery_stream(DeliveryStreamName=name)
    assert listed["Tags"] == [{"Key": "a", "Value": "9"}, {"Key": "b", "Value": "2"}]
    assert listed["HasMoreTags"] is False
    firehose.untag_delivery_stream(DeliveryStreamName=name, TagKeys=["a"])
    page = firehose.list_tags_for_delivery_stream(DeliveryStreamName=name, Limit=1)
    assert page["Tags"] == [{"Key": "b", "Value": "2"}]


def test_bad_requests_are_refused_and_nothing_stored_changes(emulator: EmulatorHandle) -> None:
    firehose = emulator.client("firehose")
    name, bucket = _stream(emulator, BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0})

    def refused(call: Any, **params: Any) -> dict[str, Any]:
        with pytest.raises(ClientError) as caught:
            call(**params)
        error: dict[str, Any] = caught.value.response["Error"]
        return error

    again = refused(firehose.create_delivery_stream, DeliveryStreamName=name,
                    ExtendedS3DestinationConfiguration={
                        "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::elsewhere"})
    assert again["Code"] == "ResourceInUseException"
    assert refused(firehose.create_delivery_stream, DeliveryStreamName="bad name!",
                   ExtendedS3DestinationConfiguration={
                       "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::b"}
                   )["Code"] == "ValidationException"
    bad_bucket = refused(firehose.create_delivery_stream, DeliveryStreamName=unique("fh"),
                         S3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": "bucket"})
    assert bad_bucket["Code"] == "ValidationException"
    assert "s3DestinationConfiguration.bucketARN" in bad_bucket["Message"]
    assert refused(firehose.create_delivery_stream, DeliveryStreamName=unique("fh"),
                   ExtendedS3DestinationConfiguration={
                       "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::b",
                       "CompressionFormat": "Snappy"})["Code"] == "InvalidArgumentException"
    assert refused(firehose.create_delivery_stream, DeliveryStreamName=unique("fh")
                   )["Code"] == "InvalidArgumentException"
    too_big = refused(firehose.put_record, DeliveryStreamName=name,
                      Record={"Data": b"x" * 1_024_001})
    assert too_big["Code"] == "ValidationException"
    assert refused(firehose.put_record_batch, DeliveryStreamName=name,
                   Records=[{"Data": b"x"}] * 501)["Code"] == "ValidationException"
    assert refused(firehose.put_record_batch, DeliveryStreamName=name,
                   Records=[{"Data": b"x" * 1_000_000}] * 5
                   )["Code"] == "InvalidArgumentException"
    missing = refused(firehose.put_record, DeliveryStreamName=unique("none"),
                      Record={"Data": b"x"})
    assert missing["Code"] == "ResourceNotFoundException"
    emulator.wait_idle()
    assert _objects(emulator, bucket) == {}
    assert firehose.describe_delivery_stream(DeliveryStreamName=name)[
        "DeliveryStreamDescription"]["Destinations"][0]["ExtendedS3DestinationDescription"][
        "BucketARN"] == f"arn:aws:s3:::{bucket}"


def test_a_buffer_s3_refuses_is_kept_and_tried_again(emulator: EmulatorHandle) -> None:
    firehose, s3 = emulator.client("firehose"), emulator.client("s3")
    bucket = unique("fh-later").lower()
    name = unique("fh")
    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}})
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"first,"})
    emulator.wait_idle()  # no bucket yet: the write fails
    s3.create_bucket(Bucket=bucket)
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"second"})
    _advance(emulator, 60)
    [body] = _objects(emulator, bucket).values()
    assert body == b"first,second"


def test_update_destination_merges_and_moves_the_version_on(emulator: EmulatorHandle) -> None:
    # https://docs.aws.amazon.com/firehose/latest/APIReference/API_UpdateDestination.html
    firehose = emulator.client("firehose")
    name, bucket = _stream(emulator, Prefix="old/",
                           BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 0})
    firehose.update_destination(
        DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
        DestinationId="destinationId-000000000001",
        ExtendedS3DestinationUpdate={"Prefix": "new/", "CompressionFormat": "GZIP"})
    described = firehose.describe_delivery_stream(
        DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert described["VersionId"] == "2"
    extended = described["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert extended["Prefix"] == "new/" and extended["CompressionFormat"] == "GZIP"
    assert extended["BufferingHints"] == {"SizeInMBs": 1, "IntervalInSeconds": 0}
    assert extended["BucketARN"] == f"arn:aws:s3:::{bucket}"
    stale = pytest.raises(ClientError)
    with stale as caught:
        firehose.update_destination(
            DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
            DestinationId="destinationId-000000000001",
            ExtendedS3DestinationUpdate={"Prefix": "other/"})
    assert caught.value.response["Error"]["Code"] == "ConcurrentModificationException"
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"v2"})
    emulator.wait_idle()
    [(key, body)] = _objects(emulator, bucket).items()
    assert re.fullmatch(rf"new/2031/03/03/12/{name}-2-2031-03-03-12-34-56-{UUID}\.gz", key), key
    assert gzip.decompress(body) == b"v2"
