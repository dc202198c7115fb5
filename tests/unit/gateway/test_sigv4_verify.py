"""SigV4 verification of invoke URL calls, against requests signed by botocore's signer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulator.gateway.authorizers.sigv4 import SignatureRejected, verify
from emulator.gateway.messages import GatewayRequest

HOST = "abc123.execute-api.localhost:4566"


def _signed(method: str, path: str, query: str = "", body: bytes = b"",
            secret: str = "test", key: str = "test",
            extra: list[tuple[str, str]] | None = None) -> tuple[GatewayRequest, datetime]:
    url = f"http://{HOST}{path}" + (f"?{query}" if query else "")
    request = AWSRequest(method=method, url=url, data=body, headers=dict(extra or []))
    request.headers["Host"] = HOST
    SigV4Auth(Credentials(key, secret, "session-token"), "execute-api",
              "us-east-1").add_auth(request)
    signed_at = datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
        tzinfo=UTC)
    headers = [(k, v) for k, v in request.headers.items()]
    return GatewayRequest(method=method, path=path, headers=headers, body=body, host=HOST,
                          raw_query=query, raw_path=path), signed_at


def test_a_good_signature_names_the_caller() -> None:
    request, at = _signed("POST", "/dev/orders/a%20b", "z=1&a=2&a=1", b'{"x": 1}',
                          extra=[("Content-Type", "application/json")])
    caller = verify(request, request.raw_path, at)
    assert caller.access_key == "test" and caller.account_id == "000000000000"
    accounted, at = _signed("GET", "/dev/", key="210987654321")
    assert verify(accounted, "/dev/", at).identity()["userArn"] == \
        "arn:aws:iam::210987654321:root"


def test_wrong_secret_changed_path_or_body_do_not_verify() -> None:
    request, at = _signed("GET", "/dev/orders", secret="other")
    with pytest.raises(SignatureRejected) as caught:
        verify(request, "/dev/orders", at)
    assert caught.value.kind == "mismatch"
    assert "\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n" in caught.value.message
    request, at = _signed("GET", "/dev/orders")
    with pytest.raises(SignatureRejected):
        verify(request, "/dev/owners", at)
    request, at = _signed("PUT", "/dev/orders", body=b"one")
    request.body = b"two"
    with pytest.raises(SignatureRejected):
        verify(request, "/dev/orders", at)


def test_the_clock_must_be_within_five_minutes() -> None:
    request, at = _signed("GET", "/dev/")
    verify(request, "/dev/", at + timedelta(minutes=4))
    with pytest.raises(SignatureRejected, match="Signature expired"):
        verify(request, "/dev/", at + timedelta(minutes=6))
    with pytest.raises(SignatureRejected, match="Signature not yet current"):
        verify(request, "/dev/", at - timedelta(minutes=6))


def test_missing_and_incomplete_authorization() -> None:
    bare = GatewayRequest(method="GET", path="/dev/", host=HOST)
    with pytest.raises(SignatureRejected) as caught:
        verify(bare, "/dev/", datetime.now(tz=UTC))
    assert caught.value.kind == "missing"
    partial = GatewayRequest(method="GET", path="/dev/", host=HOST, headers=[
        ("Authorization", "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/execute-api/"
                          "aws4_request")])
    with pytest.raises(SignatureRejected) as caught:
        verify(partial, "/dev/", datetime.now(tz=UTC))
    assert caught.value.kind == "incomplete"
    assert "requires 'Signature' parameter" in caught.value.message
    assert "requires 'SignedHeaders' parameter" in caught.value.message
    assert "'X-Amz-Date' or a 'Date' header" in caught.value.message
