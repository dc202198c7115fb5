"""Stack policies: which update actions on which resources a stack's policy allows.

Once a stack has a policy, every update action is denied unless a statement allows it, and an
explicit Deny always wins, as AWS evaluates them.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from emulator import inbound


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(item) for item in value]


def _matches(patterns: list[str], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


def _applies(statement: dict[str, Any], logical_id: str, type_name: str, action: str) -> bool:
    actions, not_actions = _listed(statement.get("Action")), _listed(statement.get("NotAction"))
    if actions and not _matches(actions, action):
        return False
    if not_actions and _matches(not_actions, action):
        return False
    target = f"LogicalResourceId/{logical_id}"
    resources, not_resources = (_listed(statement.get("Resource")),
                                _listed(statement.get("NotResource")))
    if resources and not _matches(resources, target):
        return False
    if not_resources and _matches(not_resources, target):
        return False
    condition = statement.get("Condition") or {}
    for operator, tests in condition.items():
        wanted = _listed((tests or {}).get("ResourceType"))
        if not wanted:
            continue
        matched = _matches(wanted, type_name) if operator.startswith("StringLike") else (
            type_name in wanted)
        if operator.startswith("StringNot") == matched:
            return False
    return True


def denial(policy: str | None, logical_id: str, type_name: str, action: str) -> str | None:
    """The reason an update action is denied, or None when the policy allows it."""
    if not policy:
        return None
    try:
        statements = inbound.loads(policy).get("Statement", [])
    except (ValueError, AttributeError):
        return None
    if isinstance(statements, dict):
        statements = [statements]
    allowed = False
    for statement in statements:
        if not isinstance(statement, dict) or not _applies(statement, logical_id, type_name,
                                                           action):
            continue
        if statement.get("Effect") == "Deny":
            number = statements.index(statement) + 1
            return (f"Action denied by stack policy: Statement [#{number}] "
                    f"does not allow [{action}] for resource [LogicalResourceId/{logical_id}]")
        if statement.get("Effect") == "Allow":
            allowed = True
    if allowed:
        return None
    return (f"Action not allowed by stack policy: no statement allows [{action}] for resource "
            f"[LogicalResourceId/{logical_id}]")


__all__ = ["denial"]
