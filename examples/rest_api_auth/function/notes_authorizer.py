"""A TOKEN authorizer: ``Authorization: Bearer <user>.<signature>``, where the signature is an
HMAC of the user name with the shared secret. Readers may GET; only admins may DELETE."""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from typing import Any

ADMINS = {"ada"}


def sign(user: str, secret: str) -> str:
    return hmac.new(secret.encode(), user.encode(), hashlib.sha256).hexdigest()[:16]


def _statement(effect: str, resource: str) -> dict[str, str]:
    return {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    token = event["authorizationToken"].removeprefix("Bearer ").strip()
    user, _, signature = token.partition(".")
    secret = os.environ["TOKEN_SECRET"]
    if not user or not hmac.compare_digest(signature, sign(user, secret)):
        raise Exception("Unauthorized")  # API Gateway answers 401
    # One policy for the whole API, so a cached answer serves every method: arn:...:api/stage
    api = "/".join(event["methodArn"].split("/")[:2])
    statements = [_statement("Allow", f"{api}/GET/*")]
    statements.append(_statement("Allow" if user in ADMINS else "Deny", f"{api}/DELETE/*"))
    return {"principalId": user,
            "policyDocument": {"Version": "2012-10-17", "Statement": statements},
            "context": {"role": "admin" if user in ADMINS else "reader",
                        "authorizedAt": repr(time.time())}}
