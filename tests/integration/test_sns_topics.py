"""SNS control plane: topics, attributes, subscriptions, tags and AWS's errors."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from lambda_support import unique

from emulator.testing import EmulatorHandle


def test_topics_are_created_listed_and_deleted(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    name = unique("topic")
    arn = sns.create_topic(Name=name, Attributes={"DisplayName": "Orders"},
                           Tags=[{"Key": "team", "Value": "core"}])["TopicArn"]
    assert arn == f"arn:aws:sns:{emulator.region}:000000000000:{name}"
    assert sns.create_topic(Name=name)["TopicArn"] == arn  # idempotent
    assert arn in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Orders"
    assert attributes["TopicArn"] == arn
    assert attributes["Owner"] == "000000000000"
    assert attributes["SubscriptionsConfirmed"] == "0"
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="New")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "New"
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "core"}]
    sns.delete_topic(TopicArn=arn)
    assert arn not in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    with pytest.raises(ClientError) as gone:
        sns.get_topic_attributes(TopicArn=arn)
    assert gone.value.response["Error"]["Code"] == "NotFound"


def test_fifo_topics_need_the_suffix(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    name = unique("ordered") + ".fifo"
    arn = sns.create_topic(Name=name, Attributes={"FifoTopic": "true"})["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"
    with pytest.raises(ClientError) as refused:
        sns.create_topic(Name=unique("plain"), Attributes={"FifoTopic": "true"})
    assert refused.value.response["Error"]["Code"] == "InvalidParameter"
    with pytest.raises(ClientError) as bad_name:
        sns.create_topic(Name="has space")
    assert bad_name.value.response["Error"]["Code"] == "InvalidParameter"


def test_subscriptions_are_listed_by_topic_and_removed(emulator: EmulatorHandle) -> None:
    sns, sqs = emulator.client("sns"), emulator.client("sqs")
    arn = sns.create_topic(Name=unique("topic"))["TopicArn"]
    queue = sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue,
                                         AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscription = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn,
                                 Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    assert subscription.startswith(arn + ":")
    listed = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert listed == [{"SubscriptionArn": subscription, "Owner": "000000000000",
                       "Protocol": "sqs", "Endpoint": queue_arn, "TopicArn": arn}]
    assert subscription in [s["SubscriptionArn"] for s in sns.list_subscriptions()[
        "Subscriptions"]]
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"
    assert attributes["PendingConfirmation"] == "false"
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicy",
                                    AttributeValue='{"kind": ["a"]}')
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]
    assert attributes["FilterPolicyScope"] == "MessageAttributes"
    with pytest.raises(ClientError) as bad_policy:
        sns.set_subscription_attributes(SubscriptionArn=subscription,
                                        AttributeName="FilterPolicy",
                                        AttributeValue='{"kind": "a"}')
    assert bad_policy.value.response["Error"]["Code"] == "InvalidParameter"
    sns.unsubscribe(SubscriptionArn=subscription)
    assert sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"] == []
    with pytest.raises(ClientError) as gone:
        sns.get_subscription_attributes(SubscriptionArn=subscription)
    assert gone.value.response["Error"]["Code"] == "NotFound"


@pytest.mark.parametrize(("protocol", "endpoint"), [
    ("carrier-pigeon", "x"),
    ("sqs", "not-an-arn"),
    ("lambda", "arn:aws:sqs:us-east-1:000000000000:q"),
    ("https", "http://wrong-scheme.example"),
])
def test_bad_subscriptions_are_invalid_parameters(emulator: EmulatorHandle, protocol: str,
                                                  endpoint: str) -> None:
    sns = emulator.client("sns")
    arn = sns.create_topic(Name=unique("topic"))["TopicArn"]
    with pytest.raises(ClientError) as refused:
        sns.subscribe(TopicArn=arn, Protocol=protocol, Endpoint=endpoint)
    assert refused.value.response["Error"]["Code"] == "InvalidParameter"


def test_publish_errors(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    arn = sns.create_topic(Name=unique("topic"))["TopicArn"]
    with pytest.raises(ClientError) as missing:
        sns.publish(TopicArn=arn + "-missing", Message="x")
    assert missing.value.response["Error"]["Code"] == "NotFound"
    with pytest.raises(ClientError) as structure:
        sns.publish(TopicArn=arn, Message='{"sqs": "x"}', MessageStructure="json")
    assert "No default entry" in structure.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as attribute:
        sns.publish(TopicArn=arn, Message="x", MessageAttributes={
            "n": {"DataType": "Number", "StringValue": "many"}})
    assert attribute.value.response["Error"]["Code"] == "InvalidParameter"
    fifo = sns.create_topic(Name=unique("f") + ".fifo",
                            Attributes={"FifoTopic": "true"})["TopicArn"]
    with pytest.raises(ClientError) as group:
        sns.publish(TopicArn=fifo, Message="x")
    assert "MessageGroupId" in group.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as dedup:
        sns.publish(TopicArn=fifo, Message="x", MessageGroupId="g")
    assert "ContentBasedDeduplication" in dedup.value.response["Error"]["Message"]


def test_publish_batch_limits(emulator: EmulatorHandle) -> None:
    sns = emulator.client("sns")
    arn = sns.create_topic(Name=unique("topic"))["TopicArn"]
    entries = [{"Id": f"m{i}", "Message": "x"} for i in range(11)]
    with pytest.raises(ClientError) as too_many:
        sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=entries)
    assert too_many.value.response["Error"]["Code"] == "TooManyEntriesInBatchRequest"
    with pytest.raises(ClientError) as same_id:
        sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
            {"Id": "a", "Message": "x"}, {"Id": "a", "Message": "y"}])
    assert same_id.value.response["Error"]["Code"] == "BatchEntryIdsNotDistinct"
    mixed = sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[
        {"Id": "good", "Message": "x"}, {"Id": "bad", "Message": ""}])
    assert [entry["Id"] for entry in mixed["Successful"]] == ["good"]
    assert mixed["Failed"][0]["Id"] == "bad"
    assert mixed["Failed"][0]["SenderFault"] is True


@pytest.mark.parametrize(("call", "arguments"), [
    ("publish", {"Message": "x"}),
    ("get_topic_attributes", {}),
    ("confirm_subscription", {"Token": "t"}),
])
def test_a_malformed_topic_arn_is_an_invalid_parameter(emulator: EmulatorHandle, call: str,
                                                       arguments: dict[str, str]) -> None:
    # AWS answers 400 InvalidParameter (not 404 NotFound) for a value that is no topic ARN,
    # "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1"
    # (seen from AWS in https://github.com/aws-samples/amazon-rekognition-video-analyzer/
    # issues/41 and .../aws-marketplace-serverless-saas-integration/issues/11).
    # https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
    # https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html
    # https://docs.aws.amazon.com/sns/latest/api/API_ConfirmSubscription.html
    sns = emulator.client("sns")
    for bad, message in [
        ("not-an-arn", "Invalid parameter: TopicArn Reason: An ARN must have at least 6 "
                       "elements, not 1"),
        ("arn:aws:sqs:us-east-1:000000000000:queue", "Invalid parameter: TopicArn"),
    ]:
        with pytest.raises(ClientError) as refused:
            getattr(sns, call)(TopicArn=bad, **arguments)
        response = refused.value.response
        assert (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
                response["Error"]["Message"]) == (400, "InvalidParameter", message)
    with pytest.raises(ClientError) as missing:
        getattr(sns, call)(TopicArn=f"arn:aws:sns:{emulator.region}:000000000000:"
                                    f"{unique('absent')}", **arguments)
    assert missing.value.response["Error"]["Code"] == "NotFound"


def test_publish_to_a_malformed_target_arn_names_the_target(emulator: EmulatorHandle) -> None:
    with pytest.raises(ClientError) as refused:
        emulator.client("sns").publish(TargetArn="endpoint", Message="x")
    assert refused.value.response["Error"]["Message"] == (
        "Invalid parameter: TargetArn Reason: An ARN must have at least 6 elements, not 1")
