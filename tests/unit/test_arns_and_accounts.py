import pytest

from emulator import arns
from emulator.accounts import account_for


def test_build_and_parse_round_trip() -> None:
    text = arns.sqs_queue("eu-west-1", "123456789012", "jobs")
    assert text == "arn:aws:sqs:eu-west-1:123456789012:jobs"
    parsed = arns.parse(text)
    assert (parsed.service, parsed.region, parsed.account, parsed.resource) == (
        "sqs", "eu-west-1", "123456789012", "jobs",
    )


def test_resource_may_contain_colons() -> None:
    parsed = arns.parse("arn:aws:lambda:us-east-1:000000000000:function:f:live")
    assert parsed.resource == "function:f:live"


@pytest.mark.parametrize("text", ["", "arn:aws", "nope:aws:sqs:r:a:x", "arn::sqs:r:a:x"])
def test_parse_rejects_non_arns(text: str) -> None:
    with pytest.raises(ValueError):
        arns.parse(text)


@pytest.mark.parametrize(
    ("key", "account"),
    [
        ("111111111111", "111111111111"),
        ("test", "000000000000"),
        ("AKIAIOSFODNN7EXAMPLE", "000000000000"),
        ("12345678901", "000000000000"),
        (None, "000000000000"),
    ],
)
def test_account_from_access_key(key: str | None, account: str) -> None:
    assert account_for(key) == account
