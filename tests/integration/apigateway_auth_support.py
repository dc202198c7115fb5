"""Helpers for the API Gateway access-control tests: an authorizer function whose answer the
token chooses, and methods protected by it."""

from __future__ import annotations

from typing import Any

from apigateway_support import Api, lambda_uri
from lambda_support import create_function

from emulator.testing import EmulatorHandle

# The token (or the x-token header of a REQUEST authorizer) picks the answer. Every answer
# carries a fresh nonce, so a backend that sees the same nonce twice saw a cached answer.
AUTHORIZER = {"app.py": """
    import json, uuid

    def policy(effect, resource):
        return {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}]}

    def handler(event, context):
        if event["type"] == "TOKEN":
            token = event["authorizationToken"]
        else:
            token = event["headers"].get("x-token", "")
        arn = event["methodArn"]
        base = arn.split("/")[0]
        answer = {"principalId": "user-" + token.split(":")[0],
                  "context": {"nonce": str(uuid.uuid4()), "tier": "gold", "level": 3,
                              "admin": False}}
        if token.startswith("allow"):
            answer["policyDocument"] = policy("Allow", arn)
        elif token.startswith("pets"):
            answer["policyDocument"] = policy("Allow", base + "/*/GET/pets/*")
        elif token.startswith("deny"):
            answer["policyDocument"] = policy("Deny", arn)
        elif token.startswith("everything-but-owners"):
            answer["policyDocument"] = {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": base + "/*"},
                {"Action": "execute-api:Invoke", "Effect": "Deny",
                 "Resource": base + "/*/*/owners"}]}
        elif token.startswith("malformed"):
            answer["policyDocument"] = {"Statement": "nothing useful"}
        elif token.startswith("keyed"):
            answer["policyDocument"] = policy("Allow", arn)
            answer["usageIdentifierKey"] = token.split(":", 1)[1]
        elif token.startswith("event"):
            answer["policyDocument"] = policy("Allow", arn)
            answer["context"]["event"] = json.dumps(event)
        elif token.startswith("crash"):
            raise RuntimeError("the authorizer fell over")
        else:
            raise Exception("Unauthorized")
        return answer
"""}

ECHO = {"app.py": """
    import json
    def handler(event, context):
        return {"statusCode": 200, "body": json.dumps(event)}
"""}

# A MOCK backend that shows what the authorizer established.
SHOW_AUTHORIZER = ('{"principal": "$context.authorizer.principalId", '
                   '"nonce": "$context.authorizer.nonce", "tier": "$context.authorizer.tier", '
                   '"level": "$context.authorizer.level", "admin": "$context.authorizer.admin"}')


def authorizer_function(emulator: EmulatorHandle) -> str:
    name = create_function(emulator.client("lambda"), AUTHORIZER)
    return f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}"


def lambda_authorizer(api: Api, function_arn: str, kind: str = "TOKEN", **options: Any
                      ) -> str:
    options.setdefault("identitySource", "method.request.header.Authorization"
                       if kind == "TOKEN" else "method.request.header.x-token")
    created = api.client.create_authorizer(
        restApiId=api.id, name=f"auth-{kind.lower()}", type=kind,
        authorizerUri=lambda_uri(api.client.meta.region_name, function_arn), **options)
    return str(created["id"])


def protected_mock(api: Api, path: str, authorizer_id: str, http_method: str = "GET",
                   **method: Any) -> str:
    return api.mock(path, http_method, body=SHOW_AUTHORIZER, authorizationType="CUSTOM",
                    authorizerId=authorizer_id, **method)


def echo_function(emulator: EmulatorHandle) -> str:
    name = create_function(emulator.client("lambda"), ECHO)
    return f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}"


__all__ = ["AUTHORIZER", "authorizer_function", "echo_function", "lambda_authorizer",
           "protected_mock"]
