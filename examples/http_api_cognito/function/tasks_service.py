"""The tasks service behind the HTTP API (payload format 2.0): it trusts the claims the JWT
authorizer verified and passes on in ``requestContext.authorizer.jwt``."""

from __future__ import annotations

import json
from typing import Any

TASKS = {"1": "write the report", "2": "book the venue"}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    jwt = event["requestContext"]["authorizer"]["jwt"]
    claims = jwt["claims"]
    user = claims.get("cognito:username") or claims.get("username")
    route = event["routeKey"]
    if route == "GET /tasks":
        return {"user": user, "tasks": sorted(TASKS)}  # inferred: 200, JSON
    task_id = event["pathParameters"]["id"]
    if task_id not in TASKS:
        return {"statusCode": 404, "body": json.dumps({"message": "no such task"})}
    return {"statusCode": 200, "headers": {"content-type": "application/json"},
            "body": json.dumps({"deleted": task_id, "by": user, "scopes": jwt["scopes"]})}
