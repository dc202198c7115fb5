"""The $connect authorizer: a member joins with ``?name=...``; banned names are refused."""

from __future__ import annotations

from typing import Any

BANNED = {"mallory"}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    name = event["queryStringParameters"]["name"]  # an identity source: always there
    effect = "Deny" if name.lower() in BANNED else "Allow"
    return {
        "principalId": name,
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}]},
        "context": {"name": name},
    }
