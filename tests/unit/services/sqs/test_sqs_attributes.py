"""Queue attribute rules: names, value ranges, redrive policies and what is rendered."""

import json

import pytest

from emulator.errors import ServiceError
from emulator.services.sqs import attributes


def test_defaults_for_standard_and_fifo_queues() -> None:
    standard = attributes.initial(fifo=False)
    assert standard["VisibilityTimeout"] == "30"
    assert standard["MaximumMessageSize"] == "1048576"
    assert standard["MessageRetentionPeriod"] == "345600"
    assert "FifoQueue" not in standard
    fifo = attributes.initial(fifo=True)
    assert fifo["FifoQueue"] == "true"
    assert fifo["ContentBasedDeduplication"] == "false"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("VisibilityTimeout", "43201"),
        ("VisibilityTimeout", "-1"),
        ("DelaySeconds", "901"),
        ("MaximumMessageSize", "1023"),
        ("MaximumMessageSize", "1048577"),
        ("MessageRetentionPeriod", "59"),
        ("ReceiveMessageWaitTimeSeconds", "21"),
        ("VisibilityTimeout", "ten"),
        ("SqsManagedSseEnabled", "yes"),
        ("Policy", "not json"),
    ],
)
def test_out_of_range_values_are_invalid_attribute_value(name: str, value: str) -> None:
    with pytest.raises(ServiceError) as caught:
        attributes.normalise({name: value}, fifo=False, creating=False)
    assert caught.value.code == "InvalidAttributeValue"
    assert caught.value.message == f"Invalid value for the parameter {name}."


@pytest.mark.parametrize("name", ["Foo", "QueueArn", "ApproximateNumberOfMessages",
                                  "ContentBasedDeduplication"])
def test_unknown_or_read_only_names_are_invalid_attribute_name(name: str) -> None:
    with pytest.raises(ServiceError) as caught:
        attributes.normalise({name: "1"}, fifo=False, creating=False)
    assert caught.value.code == "InvalidAttributeName"
    assert caught.value.message == f"Unknown Attribute {name}."


def test_values_are_normalised_the_way_aws_reports_them() -> None:
    changes = attributes.normalise(
        {"VisibilityTimeout": " 60", "ContentBasedDeduplication": "TRUE"},
        fifo=True, creating=False,
    )
    assert changes == {"VisibilityTimeout": "60", "ContentBasedDeduplication": "true"}


def test_redrive_policy_parsing_and_limits() -> None:
    policy = attributes.parse_redrive_policy(
        json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:dlq", "maxReceiveCount": "5"})
    )
    assert policy.max_receive_count == 5
    assert json.loads(policy.to_json()) == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:dlq", "maxReceiveCount": 5
    }
    for count in (0, 1001, "x"):
        text = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:dlq",
                           "maxReceiveCount": count})
        with pytest.raises(ServiceError) as caught:
            attributes.parse_redrive_policy(text)
        assert caught.value.code == "InvalidParameterValue"
        assert "maxReceiveCount" in caught.value.message


def test_empty_values_remove_optional_attributes() -> None:
    current = {"Policy": "{}", "VisibilityTimeout": "30"}
    changes = attributes.normalise({"Policy": ""}, fifo=False, creating=False)
    assert attributes.apply(current, changes) == {"VisibilityTimeout": "30"}


def test_high_throughput_needs_message_group_scope() -> None:
    current = attributes.initial(fifo=True)
    changes = attributes.normalise({"FifoThroughputLimit": "perMessageGroupId"}, fifo=True,
                                   creating=False)
    with pytest.raises(ServiceError):
        attributes.apply(current, changes)
    both = attributes.normalise(
        {"FifoThroughputLimit": "perMessageGroupId", "DeduplicationScope": "messageGroup"},
        fifo=True, creating=False,
    )
    assert attributes.apply(current, both)["FifoThroughputLimit"] == "perMessageGroupId"


def test_render_all_or_named_attributes() -> None:
    stored = attributes.initial(fifo=False)
    computed_calls = []

    def computed() -> dict[str, object]:
        computed_calls.append(1)
        return {"QueueArn": "arn:aws:sqs:us-east-1:1:q", "ApproximateNumberOfMessages": 3}

    everything = attributes.render(["All"], stored, computed)
    assert everything["ApproximateNumberOfMessages"] == "3"
    assert everything["VisibilityTimeout"] == "30"
    assert attributes.render(["VisibilityTimeout"], stored, computed) == {"VisibilityTimeout": "30"}
    assert len(computed_calls) == 1  # counts are only computed when asked for
    assert attributes.render([], stored, computed) == {}
    with pytest.raises(ServiceError) as caught:
        attributes.render(["Nope"], stored, computed)
    assert caught.value.code == "InvalidAttributeName"
