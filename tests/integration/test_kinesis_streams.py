"""Kinesis Data Streams' control plane through boto3: streams, shards, resharding, tags,
retention, encryption, monitoring, consumers, limits, and the errors AWS gives."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from client_errors import code_and_message as error_of
from kinesis_support import Streams, unique_stream

from emulator.testing import EmulatorHandle


@pytest.fixture
def kinesis(emulator: EmulatorHandle) -> Any:
    return emulator.client("kinesis")


@pytest.fixture
def streams(kinesis: Any) -> Iterator[Streams]:
    made = Streams(kinesis)
    yield made
    made.cleanup()


def test_a_created_stream_is_active_at_once_and_described(kinesis: Any,
                                                          streams: Streams) -> None:
    name, arn = streams.create(shards=3, Tags={"team": "data"})
    kinesis.get_waiter("stream_exists").wait(StreamName=name,
                                             WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    description = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert description["StreamStatus"] == "ACTIVE"
    assert description["StreamARN"] == arn == (
        f"arn:aws:kinesis:{kinesis.meta.region_name}:000000000000:stream/{name}")
    assert description["RetentionPeriodHours"] == 24
    assert description["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert description["EncryptionType"] == "NONE"
    assert description["HasMoreShards"] is False
    assert description["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]
    # Shard ids and the even division of the hash key space, as AWS gives a 3-shard stream.
    shards = description["Shards"]
    assert [s["ShardId"] for s in shards] == [f"shardId-00000000000{n}" for n in range(3)]
    assert shards[0]["HashKeyRange"] == {
        "StartingHashKey": "0", "EndingHashKey": "113427455640312821154458202477256070484"}
    assert shards[2]["HashKeyRange"]["EndingHashKey"] == str(2**128 - 1)
    for shard in shards:
        start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
        assert len(start) == 56 and start.isdigit()
        assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]
    summary = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 3 and summary["ConsumerCount"] == 0
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == [
        {"Key": "team", "Value": "data"}]


def test_an_on_demand_stream_starts_with_four_shards(kinesis: Any, streams: Streams) -> None:
    name, _ = streams.create(StreamModeDetails={"StreamMode": "ON_DEMAND"})
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert summary["OpenShardCount"] == 4
    limits = kinesis.describe_limits()
    assert limits["OnDemandStreamCount"] >= 1 and limits["ShardLimit"] >= limits[
        "OpenShardCount"]


def test_unknown_and_duplicate_streams_get_aws_errors(kinesis: Any, streams: Streams) -> None:
    # "Stream <name> under account <account> not found." as AWS words it.
    assert error_of(kinesis.describe_stream, StreamName="missing-stream") == (
        "ResourceNotFoundException", "Stream missing-stream under account 000000000000 not found.")
    assert error_of(kinesis.put_record, StreamName="missing-stream", Data=b"x",
                    PartitionKey="k")[0] == "ResourceNotFoundException"
    name, _ = streams.create()
    code, message = error_of(kinesis.create_stream, StreamName=name, ShardCount=1)
    assert (code, message) == ("ResourceInUseException",
                               f"Stream {name} under account 000000000000 already exists.")
    # A name AWS's pattern refuses, and a shard count below one, fail validation.
    assert error_of(kinesis.create_stream, StreamName="bad name!", ShardCount=1)[0] == (
        "ValidationException")
    assert error_of(kinesis.describe_stream)[0] == "InvalidArgumentException"


def test_list_streams_pages_by_name(kinesis: Any, streams: Streams) -> None:
    made = sorted(streams.create()[0] for _ in range(3))
    listed = kinesis.list_streams(ExclusiveStartStreamName=made[0], Limit=1)
    assert listed["StreamNames"] == [made[1]] and listed["HasMoreStreams"] is True
    assert listed["StreamSummaries"][0]["StreamStatus"] == "ACTIVE"
    following = kinesis.list_streams(NextToken=listed["NextToken"], Limit=1)
    assert following["StreamNames"] == [made[2]]
    every = [n for page in kinesis.get_paginator("list_streams").paginate(
        PaginationConfig={"PageSize": 2}) for n in page["StreamNames"]]
    assert set(made) <= set(every)


def test_a_deleted_stream_is_gone(kinesis: Any, streams: Streams) -> None:
    name, _ = streams.create()
    kinesis.delete_stream(StreamName=name)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name,
                                                 WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    assert name not in kinesis.list_streams()["StreamNames"]


def test_split_and_merge_close_parents_and_open_children(kinesis: Any,
                                                          streams: Streams) -> None:
    name, _ = streams.create(shards=2)
    kinesis.put_record(StreamName=name, Data=b"before", PartitionKey="a",
                       ExplicitHashKey="10")
    kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000",
                        NewStartingHashKey=str(2**126))
    shards = {s["ShardId"]: s for s in kinesis.list_shards(StreamName=name)["Shards"]}
    parent = shards["shardId-000000000000"]
    assert "EndingSequenceNumber" in parent["SequenceNumberRange"]
    assert shards["shardId-000000000002"]["ParentShardId"] == "shardId-000000000000"
    assert shards["shardId-000000000002"]["HashKeyRange"] == {
        "StartingHashKey": "0", "EndingHashKey": str(2**126 - 1)}
    assert shards["shardId-000000000003"]["HashKeyRange"]["StartingHashKey"] == str(2**126)
    # New records go to the children; the parent's reader learns of them at its end.
    reply = kinesis.put_record(StreamName=name, Data=b"after", PartitionKey="a",
                               ExplicitHashKey="10")
    assert reply["ShardId"] == "shardId-000000000002"
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    end = kinesis.get_records(ShardIterator=iterator)
    assert [r["Data"] for r in end["Records"]] == [b"before"]
    assert "NextShardIterator" not in end
    assert [c["ShardId"] for c in end["ChildShards"]] == ["shardId-000000000002",
                                                          "shardId-000000000003"]
    assert error_of(kinesis.split_shard, StreamName=name, ShardToSplit="shardId-000000000000",
                    NewStartingHashKey="5")[0] == "ResourceInUseException"
    code, message = error_of(kinesis.merge_shards, StreamName=name,
                             ShardToMerge="shardId-000000000002",
                             AdjacentShardToMerge="shardId-000000000001")
    assert code == "InvalidArgumentException" and "not an adjacent pair" in message
    kinesis.merge_shards(StreamName=name, ShardToMerge="shardId-000000000003",
                         AdjacentShardToMerge="shardId-000000000001")
    merged = kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert [s["ShardId"] for s in merged] == ["shardId-000000000002", "shardId-000000000004"]
    assert merged[1]["ParentShardId"] == "shardId-000000000003"
    assert merged[1]["AdjacentParentShardId"] == "shardId-000000000001"
    assert merged[1]["HashKeyRange"] == {"StartingHashKey": str(2**126),
                                         "EndingHashKey": str(2**128 - 1)}
    code, message = error_of(kinesis.split_shard, StreamName=name,
                             ShardToSplit="shardId-000000000002", NewStartingHashKey="0")
    assert code == "InvalidArgumentException" and "NewStartingHashKey 0" in message


def test_update_shard_count_scales_uniformly_within_aws_limits(kinesis: Any,
                                                               streams: Streams) -> None:
    name, arn = streams.create(shards=2)
    reply = kinesis.update_shard_count(StreamName=name, TargetShardCount=4,
                                       ScalingType="UNIFORM_SCALING")
    assert (reply["CurrentShardCount"], reply["TargetShardCount"]) == (2, 4)
    assert reply["StreamARN"] == arn
    open_shards = kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})
    assert len(open_shards["Shards"]) == 4
    assert error_of(kinesis.update_shard_count, StreamName=name, TargetShardCount=9,
                    ScalingType="UNIFORM_SCALING")[0] == "LimitExceededException"
    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
        "StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}


def test_list_shards_pages_with_a_token_that_stands_alone(kinesis: Any,
                                                          streams: Streams) -> None:
    name, arn = streams.create(shards=5)
    first = kinesis.list_shards(StreamARN=arn, MaxResults=2)
    assert [s["ShardId"] for s in first["Shards"]] == ["shardId-000000000000",
                                                       "shardId-000000000001"]
    second = kinesis.list_shards(NextToken=first["NextToken"], MaxResults=2)
    assert [s["ShardId"] for s in second["Shards"]] == ["shardId-000000000002",
                                                        "shardId-000000000003"]
    assert error_of(kinesis.list_shards, StreamName=name, NextToken=first["NextToken"])[0] == (
        "InvalidArgumentException")
    after = kinesis.list_shards(StreamName=name, ExclusiveStartShardId="shardId-000000000003")
    assert [s["ShardId"] for s in after["Shards"]] == ["shardId-000000000004"]
    described = kinesis.describe_stream(StreamName=name, Limit=2)["StreamDescription"]
    assert len(described["Shards"]) == 2 and described["HasMoreShards"] is True


def test_tags_by_stream_and_by_arn(kinesis: Any, streams: Streams) -> None:
    name, arn = streams.create()
    kinesis.add_tags_to_stream(StreamName=name, Tags={"b": "2", "a": "1", "c": "3"})
    page = kinesis.list_tags_for_stream(StreamName=name, Limit=2)
    assert page["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    assert page["HasMoreTags"] is True
    kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["b"])
    kinesis.tag_resource(ResourceARN=arn, Tags={"d": "4"})
    kinesis.untag_resource(ResourceARN=arn, TagKeys=["a"])
    assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "c", "Value": "3"}, {"Key": "d", "Value": "4"}]
    many = {f"k{n}": "v" for n in range(49)}
    code, message = error_of(kinesis.add_tags_to_stream, StreamName=name, Tags=many)
    assert code == "InvalidArgumentException" and "more than 50 tags" in message


def test_retention_encryption_and_monitoring_are_kept(kinesis: Any, streams: Streams) -> None:
    name, arn = streams.create()
    kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=48)
    code, message = error_of(kinesis.increase_stream_retention_period, StreamName=name,
                             RetentionPeriodHours=30)
    assert code == "InvalidArgumentException" and "can not be shorter" in message
    assert error_of(kinesis.decrease_stream_retention_period, StreamName=name,
                    RetentionPeriodHours=12)[0] == "InvalidArgumentException"
    kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=36)
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS",
                                    KeyId="alias/aws/kinesis")
    described = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert described["RetentionPeriodHours"] == 36
    assert (described["EncryptionType"], described["KeyId"]) == ("KMS", "alias/aws/kinesis")
    assert kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k")[
        "EncryptionType"] == "KMS"
    kinesis.stop_stream_encryption(StreamName=name, EncryptionType="KMS",
                                   KeyId="alias/aws/kinesis")
    enabled = kinesis.enable_enhanced_monitoring(StreamName=name,
                                                 ShardLevelMetrics=["IncomingBytes"])
    assert (enabled["CurrentShardLevelMetrics"], enabled["DesiredShardLevelMetrics"]) == (
        [], ["IncomingBytes"])
    everything = kinesis.enable_enhanced_monitoring(StreamARN=arn, ShardLevelMetrics=["ALL"])
    assert len(everything["DesiredShardLevelMetrics"]) == 7
    disabled = kinesis.disable_enhanced_monitoring(StreamName=name,
                                                   ShardLevelMetrics=["IncomingBytes"])
    assert "IncomingBytes" not in disabled["DesiredShardLevelMetrics"]
    policy = '{"Version": "2012-10-17", "Statement": []}'
    kinesis.put_resource_policy(ResourceARN=arn, Policy=policy)
    assert kinesis.get_resource_policy(ResourceARN=arn)["Policy"] == policy
    kinesis.delete_resource_policy(ResourceARN=arn)
    assert kinesis.get_resource_policy(ResourceARN=arn)["Policy"] == "{}"


def test_consumers_register_describe_list_and_deregister(kinesis: Any,
                                                         streams: Streams) -> None:
    name, arn = streams.create()
    registered = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="reader")
    consumer = registered["Consumer"]
    assert consumer["ConsumerStatus"] == "CREATING"
    assert consumer["ConsumerARN"].startswith(f"{arn}/consumer/reader:")
    described = kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
    assert described["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE"
    assert described["ConsumerDescription"]["StreamARN"] == arn
    by_name = kinesis.describe_stream_consumer(StreamARN=arn, ConsumerName="reader")
    assert by_name["ConsumerDescription"]["ConsumerARN"] == consumer["ConsumerARN"]
    assert [c["ConsumerName"] for c in kinesis.list_stream_consumers(StreamARN=arn)[
        "Consumers"]] == ["reader"]
    assert error_of(kinesis.register_stream_consumer, StreamARN=arn,
                    ConsumerName="reader")[0] == "ResourceInUseException"
    assert error_of(kinesis.delete_stream, StreamName=name)[0] == "ResourceInUseException"
    kinesis.deregister_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
    assert kinesis.list_stream_consumers(StreamARN=arn)["Consumers"] == []
    assert error_of(kinesis.describe_stream_consumer, StreamARN=arn,
                    ConsumerName="reader")[0] == "ResourceNotFoundException"


def test_a_stream_name_in_an_arn_of_another_region_is_another_stream(
        emulator: EmulatorHandle, streams: Streams) -> None:
    name, arn = streams.create()
    other = emulator.client("kinesis", region_name="eu-west-1")
    assert error_of(other.describe_stream, StreamName=name)[0] == "ResourceNotFoundException"
    # An ARN names its own region, whichever region the client signs for.
    assert other.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"][
        "StreamName"] == name
    assert unique_stream() != unique_stream()
