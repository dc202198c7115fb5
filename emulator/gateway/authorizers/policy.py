"""The IAM policy a Lambda authorizer returns, evaluated against the method ARN.

Statements name ``execute-api:Invoke`` (or a wildcard of it) on ``execute-api`` resources,
where ``*`` and ``?`` are wildcards. As in IAM, an explicit Deny wins over any Allow, and no
matching Allow is an implicit deny. A document of the wrong shape is malformed, which API
Gateway answers with its authorizer configuration error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from emulator import arns, inbound

Decision = Literal["Allow", "Deny", "None"]
INVOKE = "execute-api:Invoke"


class MalformedPolicy(ValueError):
    """The policy document cannot be read as an IAM policy."""


@dataclass(frozen=True)
class Statement:
    effect: Literal["Allow", "Deny"]
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_actions: bool = False
    not_resources: bool = False


def method_arn(region: str, account: str, api_id: str, stage: str, http_method: str,
               path: str) -> str:
    """``arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}`` for the
    request path as called (without its leading slash; the root is an empty path)."""
    return arns.build("execute-api", region, account,
                      f"{api_id}/{stage}/{http_method.upper()}/{path.lstrip('/')}")


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise MalformedPolicy(f"{what} must be a string or a list of strings")


def _statement(doc: Any) -> Statement:
    if not isinstance(doc, dict):
        raise MalformedPolicy("a statement must be an object")
    effect = doc.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicy(f"invalid Effect: {effect!r}")
    if ("Action" in doc) == ("NotAction" in doc):
        raise MalformedPolicy("a statement needs one of Action or NotAction")
    if ("Resource" in doc) == ("NotResource" in doc):
        raise MalformedPolicy("a statement needs one of Resource or NotResource")
    actions = _strings(doc.get("Action", doc.get("NotAction")), "Action")
    resources = _strings(doc.get("Resource", doc.get("NotResource")), "Resource")
    return Statement(effect, actions, resources, "NotAction" in doc, "NotResource" in doc)


def parse(document: Any) -> tuple[Statement, ...]:
    """The statements of ``document`` (a dict, or its JSON text); raises MalformedPolicy."""
    if isinstance(document, str):

        try:
            document = inbound.loads(document)
        except ValueError:
            raise MalformedPolicy("the policy document is not JSON") from None
    if not isinstance(document, dict):
        raise MalformedPolicy("the policy document must be an object")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicy("the policy document needs a Statement list")
    return tuple(_statement(item) for item in statements)


@lru_cache(maxsize=1024)
def _pattern(glob: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in glob)
    return re.compile(regex, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _any_match(globs: tuple[str, ...], value: str, ignore_case: bool) -> bool:
    return any(_pattern(glob, ignore_case).fullmatch(value) for glob in globs)


def _applies(statement: Statement, action: str, resource: str) -> bool:
    # Action names are case-insensitive in IAM; resources are not.
    action_hit = _any_match(statement.actions, action, True) != statement.not_actions
    resource_hit = _any_match(statement.resources, resource, False) != statement.not_resources
    return action_hit and resource_hit


def evaluate(statements: tuple[Statement, ...], resource: str,
             action: str = INVOKE) -> Decision:
    """``Deny`` when any statement denies, else ``Allow`` when one allows, else ``None``."""
    decision: Decision = "None"
    for statement in statements:
        if _applies(statement, action, resource):
            if statement.effect == "Deny":
                return "Deny"
            decision = "Allow"
    return decision


__all__ = ["INVOKE", "Decision", "MalformedPolicy", "Statement", "evaluate", "method_arn",
           "parse"]
