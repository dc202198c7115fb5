"""The console's guards, checked with a plain HTTP client: state-changing forms need the
session's token and a same-origin request; credentials never show unmasked; the console can be
turned off."""

from __future__ import annotations

import re
from typing import Any

import boto3
import httpx
import pytest

from emulator.config import Settings
from emulator.server import BackgroundServer

CONSOLE = "/_emulator/console/"


def _session(base: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base)
    page = client.get(CONSOLE)
    token = re.search(r'name="_csrf" value="([0-9a-f]{64})"', page.text)
    assert token is not None
    return client, token.group(1)


def test_the_session_cookie_is_http_only_and_same_site_strict(
        console_emulator: BackgroundServer) -> None:
    cookie = httpx.get(console_emulator.endpoint_url + CONSOLE).headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/_emulator" in cookie


@pytest.mark.parametrize("case", ["no token", "wrong token", "no cookie", "other origin",
                                  "cross-site fetch"])
def test_state_changing_forms_refuse_requests_without_the_session_token(
        console_emulator: BackgroundServer, case: str) -> None:
    base = console_emulator.endpoint_url
    client, token = _session(base)
    form: dict[str, str] = {"_csrf": token, "seconds": "5", "action": "advance"}
    headers: dict[str, str] = {"origin": base}
    if case == "no token":
        del form["_csrf"]
    elif case == "wrong token":
        form["_csrf"] = "0" * 64
    elif case == "no cookie":
        client.cookies.clear()
    elif case == "other origin":
        headers["origin"] = "http://evil.example"
    else:
        headers["sec-fetch-site"] = "cross-site"
    before = console_emulator.emulator.clock.offset
    answer = client.post(CONSOLE + "clock", data=form, headers=headers)
    assert answer.status_code == 403
    assert console_emulator.emulator.clock.offset == before


def test_a_form_with_the_token_changes_state(console_emulator: BackgroundServer) -> None:
    base = console_emulator.endpoint_url
    client, token = _session(base)
    before = console_emulator.emulator.clock.offset
    try:
        answer = client.post(CONSOLE + "clock", headers={"origin": base},
                             data={"_csrf": token, "seconds": "30", "action": "advance"})
        assert answer.status_code == 303
        assert console_emulator.emulator.clock.offset == pytest.approx(before + 30, abs=1)
    finally:
        console_emulator.emulator.clock.reset()


def test_request_details_mask_signatures_and_session_tokens(
        console_emulator: BackgroundServer) -> None:
    sqs = boto3.client("sqs", endpoint_url=console_emulator.endpoint_url,
                       region_name="us-east-1", aws_access_key_id="AKIAEXAMPLEKEY123456",
                       aws_secret_access_key="secret", aws_session_token="SESSIONTOKEN-XYZ")
    sqs.list_queues(QueueNamePrefix="masked")
    exchange = console_emulator.emulator.requests.recent(
        5, lambda e: e.operation == "ListQueues")[0]
    text = httpx.get(f"{console_emulator.endpoint_url}{CONSOLE}requests/{exchange.id}").text
    assert "SESSIONTOKEN-XYZ" not in text and "AKIAEXAMPLEKEY123456" not in text
    assert "Credential=AKIA****" in text and "Signature=****" in text
    assert "masked" in text  # the body itself is shown
    assert 'data-body="request"' in text and 'data-body="response"' in text


def test_a_secret_in_a_request_body_is_masked(console_emulator: BackgroundServer,
                                              aws: Any) -> None:
    cognito = aws("cognito-idp")
    pool = cognito.create_user_pool(PoolName="masking")["UserPool"]["Id"]
    cognito.admin_create_user(UserPoolId=pool, Username="ada",
                              TemporaryPassword="Sup3r-Secret-Passw0rd!")
    exchange = console_emulator.emulator.requests.recent(
        5, lambda e: e.operation == "AdminCreateUser")[0]
    text = httpx.get(f"{console_emulator.endpoint_url}{CONSOLE}requests/{exchange.id}").text
    assert "Sup3r-Secret-Passw0rd!" not in text and "****" in text


def test_the_console_can_be_turned_off() -> None:
    server = BackgroundServer(Settings(host="127.0.0.1", port=0, state_dir=None,
                                       log_level="warning", request_log=False, console=False,
                                       xray_daemon_port=-1)).start()
    try:
        assert httpx.get(server.endpoint_url + CONSOLE).status_code != 200
        root = httpx.get(server.endpoint_url + "/", headers={"accept": "text/html"})
        assert root.status_code != 302
    finally:
        server.stop()


def test_signed_requests_to_the_root_are_never_taken_for_a_browser(
        console_emulator: BackgroundServer) -> None:
    answer = httpx.get(console_emulator.endpoint_url + "/",
                       headers={"accept": "text/html", "authorization": "AWS4-HMAC-SHA256 x"})
    assert answer.status_code != 302
