"""What the console never shows unmasked, and its form tokens."""

from __future__ import annotations

import json

from emulator.console import security


def test_sigv4_keeps_its_scheme_and_the_start_of_the_key_id_only() -> None:
    shown = dict(security.mask_headers([
        ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/"
                          "us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abcdef"),
        ("X-Amz-Security-Token", "FwoGZXIvYXdzE"), ("x-api-key", "k" * 40),
        ("Cookie", "session=1"), ("Content-Type", "application/json")]))
    assert shown["Authorization"] == "AWS4-HMAC-SHA256 Credential=AKIA****/… Signature=****"
    assert shown["X-Amz-Security-Token"] == shown["x-api-key"] == shown["Cookie"] == "****"
    assert shown["Content-Type"] == "application/json"


def test_json_and_form_bodies_mask_secret_members_at_any_depth() -> None:
    body = json.dumps({"Username": "ada", "Password": "hunter22", "NextToken": "page-2",
                       "AuthParameters": {"PASSWORD": "x", "USERNAME": "ada"},
                       "Items": [{"value": "api-key-value", "name": "k"}]}).encode()
    shown = json.loads(security.mask_body(body, "application/x-amz-json-1.1"))
    assert shown["Password"] == shown["AuthParameters"]["PASSWORD"] == "****"
    assert shown["Items"][0]["value"] == "****" and shown["Items"][0]["name"] == "k"
    assert shown["NextToken"] == "page-2" and shown["Username"] == "ada"
    form = security.mask_body(b"Action=X&ClientSecret=s3cr3t&Name=n",
                              "application/x-www-form-urlencoded")
    assert "s3cr3t" not in form and "Name=n" in form
    assert security.mask_body(b"\xff\xfe\x00") == "(3 bytes of binary data)"


def test_tokens_belong_to_their_session_and_key() -> None:
    sessions = security.Sessions(b"k" * 32)
    token = sessions.token("abc")
    assert sessions.accepts("abc", token)
    assert not sessions.accepts("other", token) and not sessions.accepts(None, token)
    assert not security.Sessions(b"j" * 32).accepts("abc", token)


def test_a_value_shown_once_is_taken_by_its_session_only_once() -> None:
    once = security.ShownOnce(limit=2)
    token = once.put("s1", "secret")
    assert once.take("s2", token) is None
    assert once.take("s1", token) == "secret" and once.take("s1", token) is None
    first = once.put("s1", 1)
    once.put("s1", 2)
    once.put("s1", 3)  # the oldest goes first past the limit
    assert once.take("s1", first) is None


def test_requests_from_another_site_are_not_same_origin() -> None:
    host = {"host": "localhost:4566"}
    assert security.same_origin({**host, "origin": "http://localhost:4566"})
    assert security.same_origin(host)  # no Origin: a same-origin GET or an old browser
    assert not security.same_origin({**host, "origin": "http://evil.example"})
    assert not security.same_origin({**host, "sec-fetch-site": "cross-site"})
    assert not security.same_origin({**host, "origin": "null"})
