"""MD5 digests against published vectors: the AWS CLI's SQS examples and independent ones."""

import pytest

from emulator.services.sqs.md5 import md5_of_attributes, md5_of_body


def _string(value: str, data_type: str = "String") -> dict[str, object]:
    return {"DataType": data_type, "StringValue": value}


def test_body_digest_matches_the_cli_example() -> None:
    # aws sqs send-message example: "51b0a325...39163aa0"
    digest = md5_of_body("Information about the largest city in Any Region.")
    assert digest.startswith("51b0a325") and digest.endswith("39163aa0")


@pytest.mark.parametrize(
    ("attributes", "prefix", "suffix"),
    [
        # aws sqs receive-message examples: all attributes, then PostalCode alone.
        ({"PostalCode": _string("ABC123"), "City": _string("Any City")}, "9424c491", "26bc3ae7"),
        ({"PostalCode": _string("ABC123")}, "b8e89563", "e088e74f"),
    ],
)
def test_attribute_digests_match_the_cli_examples(
    attributes: dict[str, dict[str, object]], prefix: str, suffix: str
) -> None:
    digest = md5_of_attributes(attributes)
    assert digest is not None
    assert digest.startswith(prefix) and digest.endswith(suffix)


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ({"attribName1": _string("attribValue 1")}, "19e27d4e946b072f3f58da80d94fd778"),
        (
            {"customNumberTypeAttrib": _string(
                "4563442423554324324264524243.32543234", "Number.float")},
            "9fe1b90bbd9965bdf77bac517c7d2495",
        ),
        (
            {"binaryAttribute": {"DataType": "Binary", "BinaryValue": b"Hello binary world!"}},
            "31a92b15d92f8db860eda32aceb656c3",
        ),
        (
            {
                "attribName1": _string("attribValue 1"),
                "customNumberTypeAttrib": _string(
                    "4563442423554324324264524243.32543234", "Number.float"),
                "binaryAttribute": {"DataType": "Binary", "BinaryValue": b"Hello binary world!"},
            },
            "c932db14a896c663f83c260297d594ff",
        ),
    ],
)
def test_attribute_digests_match_independent_vectors(
    attributes: dict[str, dict[str, object]], expected: str
) -> None:
    assert md5_of_attributes(attributes) == expected


def test_order_of_attributes_does_not_matter_and_none_means_no_digest() -> None:
    first = {"b": _string("2"), "a": _string("1")}
    second = {"a": _string("1"), "b": _string("2")}
    assert md5_of_attributes(first) == md5_of_attributes(second)
    assert md5_of_attributes({}) is None
