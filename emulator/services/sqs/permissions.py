"""AddPermission and RemovePermission: statements in the queue's policy, one per label."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from emulator import inbound
from emulator.services.sqs.naming import invalid_parameter

_LABEL = re.compile(r"[A-Za-z0-9_-]{1,80}")
MAX_ACTIONS = 7


def _document(policy: str | None, queue_arn: str) -> dict[str, Any]:
    if policy:
        document: dict[str, Any] = inbound.loads(policy)
        document.setdefault("Statement", [])
        return document
    return {"Version": "2012-10-17", "Id": f"{queue_arn}/SQSDefaultPolicy", "Statement": []}


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    statements = document["Statement"]
    if isinstance(statements, dict):
        statements = document["Statement"] = [statements]
    return [s for s in statements if isinstance(s, dict)]


def add(
    policy: str | None, queue_arn: str, label: str, accounts: Sequence[str],
    actions: Sequence[str],
) -> str:
    """The policy with a statement allowing ``actions`` to ``accounts`` under ``label``."""
    if not _LABEL.fullmatch(label):
        raise invalid_parameter(
            f"Value {label} for parameter Label is invalid. Reason: Can only include "
            "alphanumeric characters, hyphens, or underscores. 1 to 80 in length."
        )
    if not accounts:
        raise invalid_parameter("The request must contain the parameter AWSAccountIds.")
    if not actions or len(actions) > MAX_ACTIONS:
        raise invalid_parameter(
            f"Value {list(actions)} for parameter ActionName is invalid. Reason: An Amazon SQS "
            f"policy can have a maximum of {MAX_ACTIONS} actions per statement."
        )
    document = _document(policy, queue_arn)
    if any(statement.get("Sid") == label for statement in _statements(document)):
        raise invalid_parameter(
            f"Value {label} for parameter Label is invalid. Reason: Already exists."
        )
    principals = [f"arn:aws:iam::{account}:root" for account in accounts]
    document["Statement"].append({
        "Sid": label,
        "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
        "Action": [f"SQS:{action}" for action in actions] if len(actions) > 1
        else f"SQS:{actions[0]}",
        "Resource": queue_arn,
    })
    return json.dumps(document, separators=(",", ":"))


def remove(policy: str | None, label: str) -> str | None:
    """The policy without the statement labelled ``label``; None when nothing is left."""
    document = _document(policy, "") if policy else None
    statements = _statements(document) if document else []
    kept = [statement for statement in statements if statement.get("Sid") != label]
    if document is None or len(kept) == len(statements):
        raise invalid_parameter(
            f"Value {label} for parameter Label is invalid. Reason: can't find label on "
            "existing policy."
        )
    if not kept:
        return None
    document["Statement"] = kept
    return json.dumps(document, separators=(",", ":"))


__all__ = ["add", "remove"]
