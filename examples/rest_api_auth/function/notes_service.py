"""The notes service behind the authorizer: it trusts what the authorizer established."""

from __future__ import annotations

import json
from typing import Any

NOTES = {"1": "buy milk", "2": "call the bank"}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    caller = event["requestContext"]["authorizer"]
    note_id = (event.get("pathParameters") or {}).get("id")
    if event["httpMethod"] == "DELETE":
        body: Any = {"deleted": note_id, "by": caller["principalId"]}
    elif note_id is not None:
        body = {"id": note_id, "text": NOTES.get(note_id)}
    else:
        body = {"notes": sorted(NOTES)}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json",
                                           "X-Caller": caller["principalId"],
                                           "X-Role": caller["role"],
                                           "X-Authorized-At": caller["authorizedAt"]},
            "body": json.dumps(body)}
