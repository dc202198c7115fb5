"""SQS queues through boto3: create, find, list, attributes, tags, purge, delete, scoping."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


@pytest.fixture
def sqs(fresh_emulator: EmulatorHandle) -> Any:
    return fresh_emulator.client("sqs")


def _error(caught: pytest.ExceptionInfo[ClientError]) -> dict[str, Any]:
    error: dict[str, Any] = caught.value.response["Error"]
    return error


def test_create_get_url_and_list(sqs: Any, fresh_emulator: EmulatorHandle) -> None:
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    assert url == f"{fresh_emulator.endpoint_url}/000000000000/orders"
    assert sqs.get_queue_url(QueueName="orders")["QueueUrl"] == url
    sqs.create_queue(QueueName="orders-dlq")
    sqs.create_queue(QueueName="billing")
    assert sqs.list_queues()["QueueUrls"] == [
        f"{fresh_emulator.endpoint_url}/000000000000/{name}"
        for name in ("billing", "orders", "orders-dlq")
    ]
    prefixed = sqs.list_queues(QueueNamePrefix="orders")["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in prefixed] == ["orders", "orders-dlq"]
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="nothing")


def test_list_queues_pages_with_max_results_and_next_token(sqs: Any) -> None:
    for index in range(5):
        sqs.create_queue(QueueName=f"q{index}")
    first = sqs.list_queues(MaxResults=2)
    assert [u.rsplit("/", 1)[1] for u in first["QueueUrls"]] == ["q0", "q1"]
    second = sqs.list_queues(MaxResults=2, NextToken=first["NextToken"])
    assert [u.rsplit("/", 1)[1] for u in second["QueueUrls"]] == ["q2", "q3"]
    third = sqs.list_queues(MaxResults=2, NextToken=second["NextToken"])
    assert [u.rsplit("/", 1)[1] for u in third["QueueUrls"]] == ["q4"]
    assert "NextToken" not in third
    paginated = sqs.get_paginator("list_queues").paginate(PaginationConfig={"PageSize": 2})
    assert sum(len(page.get("QueueUrls", [])) for page in paginated) == 5
    with pytest.raises(ClientError) as caught:
        sqs.list_queues(MaxResults=0)
    assert _error(caught)["Code"] == "InvalidParameterValue"


def test_missing_queue_is_queue_does_not_exist(sqs: Any) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as caught:
        sqs.get_queue_url(QueueName="missing")
    assert _error(caught)["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert _error(caught)["Message"] == "The specified queue does not exist."
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    url = sqs.create_queue(QueueName="gone")["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl=url, MessageBody="x")


def test_create_is_idempotent_only_with_the_same_attributes(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    assert sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "60"})[
        "QueueUrl"] == url
    assert sqs.create_queue(QueueName="jobs")["QueueUrl"] == url
    with pytest.raises(sqs.exceptions.QueueNameExists) as caught:
        sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "61"})
    assert _error(caught)["Code"] == "QueueAlreadyExists"
    assert "VisibilityTimeout" in _error(caught)["Message"]


@pytest.mark.parametrize(
    ("name", "attributes"),
    [
        ("has space", {}),
        ("x" * 81, {}),
        ("", {}),
        ("dots.not.allowed", {}),
        ("fifo-without-suffix", {"FifoQueue": "true"}),
        ("suffix-without-attribute.fifo", {}),
    ],
)
def test_invalid_queue_names(sqs: Any, name: str, attributes: dict[str, str]) -> None:
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName=name, Attributes=attributes)
    assert _error(caught)["Code"] in ("InvalidParameterValue", "MissingParameter")


def test_names_up_to_80_characters_are_fine(sqs: Any) -> None:
    sqs.create_queue(QueueName="a-_" + "x" * 77)
    sqs.create_queue(QueueName="f" * 75 + ".fifo", Attributes={"FifoQueue": "true"})
    assert len(sqs.list_queues()["QueueUrls"]) == 2


def test_get_queue_attributes_all_and_named(sqs: Any, fresh_emulator: EmulatorHandle) -> None:
    before = int(fresh_emulator.clock.now())
    url = sqs.create_queue(
        QueueName="attrs", Attributes={"DelaySeconds": "5", "MaximumMessageSize": "2048"}
    )["QueueUrl"]
    every = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert every["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:attrs"
    assert every["DelaySeconds"] == "5"
    assert every["MaximumMessageSize"] == "2048"
    assert every["VisibilityTimeout"] == "30"
    assert every["MessageRetentionPeriod"] == "345600"
    assert every["ReceiveMessageWaitTimeSeconds"] == "0"
    assert every["ApproximateNumberOfMessages"] == "0"
    assert every["ApproximateNumberOfMessagesNotVisible"] == "0"
    assert every["ApproximateNumberOfMessagesDelayed"] == "0"
    assert int(every["CreatedTimestamp"]) >= before
    assert every["LastModifiedTimestamp"] == every["CreatedTimestamp"]
    assert "FifoQueue" not in every and "RedrivePolicy" not in every
    named = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "DelaySeconds"])
    assert named["Attributes"] == {"QueueArn": every["QueueArn"], "DelaySeconds": "5"}
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url)
    with pytest.raises(sqs.exceptions.InvalidAttributeName) as caught:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "Colour"])
    assert _error(caught)["Message"] == "Unknown Attribute Colour."


def test_set_queue_attributes_validates_and_updates_last_modified(
    sqs: Any, fresh_emulator: EmulatorHandle
) -> None:
    url = sqs.create_queue(QueueName="settable")["QueueUrl"]
    created = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    fresh_emulator.clock.advance(10)
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"VisibilityTimeout": "120", "ReceiveMessageWaitTimeSeconds": "20",
                    "Policy": policy},
    )
    after = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert after["VisibilityTimeout"] == "120"
    assert after["ReceiveMessageWaitTimeSeconds"] == "20"
    assert json.loads(after["Policy"]) == json.loads(policy)
    assert int(after["LastModifiedTimestamp"]) >= int(created["CreatedTimestamp"]) + 10
    assert after["CreatedTimestamp"] == created["CreatedTimestamp"]

    with pytest.raises(sqs.exceptions.InvalidAttributeValue) as caught:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "43201"})
    assert _error(caught)["Code"] == "InvalidAttributeValue"
    assert _error(caught)["Message"] == "Invalid value for the parameter VisibilityTimeout."
    with pytest.raises(sqs.exceptions.InvalidAttributeName) as caught_name:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Colour": "blue"})
    assert _error(caught_name)["Message"] == "Unknown Attribute Colour."
    with pytest.raises(sqs.exceptions.InvalidAttributeName):
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"ContentBasedDeduplication": "true"})
    with pytest.raises(sqs.exceptions.InvalidAttributeValue):
        sqs.create_queue(QueueName="bad", Attributes={"MessageRetentionPeriod": "30"})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
        "Attributes"]


def test_tags(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="tagged", tags={"team": "core", "env": "dev"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core", "env": "dev"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "prod", "cost": "42"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {
        "team": "core", "env": "prod", "cost": "42"
    }
    sqs.untag_queue(QueueUrl=url, TagKeys=["team", "cost", "absent"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "prod"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)


def test_purge_removes_every_message_once_a_minute(
    sqs: Any, fresh_emulator: EmulatorHandle
) -> None:
    url = sqs.create_queue(QueueName="purged")["QueueUrl"]
    for index in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{index}")
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    sqs.receive_message(QueueUrl=url)  # one in flight
    sqs.purge_queue(QueueUrl=url)
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (counts["ApproximateNumberOfMessages"], counts["ApproximateNumberOfMessagesNotVisible"],
            counts["ApproximateNumberOfMessagesDelayed"]) == ("0", "0", "0")
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress) as caught:
        sqs.purge_queue(QueueUrl=url)
    assert _error(caught)["Code"] == "AWS.SimpleQueueService.PurgeQueueInProgress"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    fresh_emulator.clock.advance(61)
    sqs.purge_queue(QueueUrl=url)


def test_a_deleted_name_can_be_reused_after_sixty_seconds(
    sqs: Any, fresh_emulator: EmulatorHandle
) -> None:
    url = sqs.create_queue(QueueName="recycled")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    sqs.delete_queue(QueueUrl=url)
    assert "QueueUrls" not in sqs.list_queues()
    with pytest.raises(sqs.exceptions.QueueDeletedRecently):
        sqs.create_queue(QueueName="recycled")
    fresh_emulator.clock.advance(61)
    assert sqs.create_queue(QueueName="recycled")["QueueUrl"] == url
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_accounts_and_regions_are_separate(fresh_emulator: EmulatorHandle) -> None:
    first = fresh_emulator.client("sqs", aws_access_key_id="111111111111")
    second = fresh_emulator.client("sqs", aws_access_key_id="222222222222")
    west = fresh_emulator.client("sqs", aws_access_key_id="111111111111",
                                 region_name="eu-west-1")
    url = first.create_queue(QueueName="shared-name")["QueueUrl"]
    assert url.endswith("/111111111111/shared-name")
    assert "QueueUrls" not in second.list_queues()
    assert "QueueUrls" not in west.list_queues()
    with pytest.raises(second.exceptions.QueueDoesNotExist):
        second.get_queue_url(QueueName="shared-name")
    with pytest.raises(west.exceptions.QueueDoesNotExist):
        west.get_queue_url(QueueName="shared-name")
    other = second.create_queue(QueueName="shared-name")["QueueUrl"]
    assert other.endswith("/222222222222/shared-name")
    west_url = west.create_queue(QueueName="shared-name")["QueueUrl"]
    assert west.get_queue_attributes(QueueUrl=west_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"] == "arn:aws:sqs:eu-west-1:111111111111:shared-name"
    first.send_message(QueueUrl=url, MessageBody="for the first account")
    assert "Messages" not in second.receive_message(QueueUrl=other)
    assert "Messages" not in west.receive_message(QueueUrl=west_url)
    # The owner's account id reaches a queue of another account.
    assert second.get_queue_url(QueueName="shared-name", QueueOwnerAWSAccountId="111111111111")[
        "QueueUrl"] == url


def test_resources_lists_queues(sqs: Any, fresh_emulator: EmulatorHandle) -> None:
    url = sqs.create_queue(QueueName="listed")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    listing = httpx.get(f"{fresh_emulator.endpoint_url}/_emulator/resources",
                        timeout=60).json()["sqs"]
    [queue] = listing["queues"]
    assert queue["name"] == "listed"
    assert queue["arn"] == "arn:aws:sqs:us-east-1:000000000000:listed"
    assert queue["messages"] == 1


def test_add_and_remove_permission(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="shared")["QueueUrl"]
    sqs.add_permission(QueueUrl=url, Label="PartnerSend", AWSAccountIds=["111111111111"],
                       Actions=["SendMessage"])
    sqs.add_permission(QueueUrl=url, Label="PartnerRead",
                       AWSAccountIds=["111111111111", "222222222222"],
                       Actions=["ReceiveMessage", "DeleteMessage"])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])[
        "Attributes"]["Policy"])
    statements = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert statements["PartnerSend"]["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    assert statements["PartnerSend"]["Action"] == "SQS:SendMessage"
    assert statements["PartnerSend"]["Resource"] == "arn:aws:sqs:us-east-1:000000000000:shared"
    assert statements["PartnerRead"]["Action"] == ["SQS:ReceiveMessage", "SQS:DeleteMessage"]
    with pytest.raises(ClientError) as caught:
        sqs.add_permission(QueueUrl=url, Label="PartnerSend", AWSAccountIds=["1"],
                           Actions=["SendMessage"])
    assert _error(caught)["Code"] == "InvalidParameterValue"
    sqs.remove_permission(QueueUrl=url, Label="PartnerSend")
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])[
        "Attributes"]["Policy"])
    assert [statement["Sid"] for statement in policy["Statement"]] == ["PartnerRead"]
    sqs.remove_permission(QueueUrl=url, Label="PartnerRead")
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
    with pytest.raises(ClientError):
        sqs.remove_permission(QueueUrl=url, Label="PartnerRead")
