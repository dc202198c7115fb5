import pytest

from emulator import arns
from emulator.accounts import account_for, key_account, session_key
from emulator.wire.request import WireRequest


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


@pytest.mark.parametrize("account", ["000000000000", "123456789012", "999999999999"])
def test_a_session_key_carries_its_account(account: str) -> None:
    key = session_key(account)
    assert key.startswith("ASIA") and len(key) == 20 and key.isalnum() and key.isupper()
    assert key_account(key) == account and account_for(key) == account
    assert session_key(account) != key  # random beyond the account


def test_keys_decode_as_aws_encodes_them() -> None:
    # The account AWS's own key id ASIAY34FZKBOKMUTVV7A belongs to, by AWS's encoding.
    assert key_account("ASIAY34FZKBOKMUTVV7A") == "609629065308"
    assert key_account("ASIA-not-base32-1189") is None
    assert account_for("AKIAIOSFODNN7EXAMPLE") == "000000000000"  # long-term keys: default


def test_the_key_a_request_was_signed_with() -> None:
    def caller_key(headers: dict[str, str], query: str = "") -> str | None:
        scope = WireRequest("POST", "/", query, headers, b"").credential_scope
        return scope.access_key if scope else None

    header = ("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260101/us-east-1/sts/aws4_request, "
              "SignedHeaders=host, Signature=abc")
    assert caller_key({"authorization": header}) == "ASIAEXAMPLE"
    assert caller_key({}, "X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request"
                      ) == "AKID"
    assert caller_key({}) is None
