"""A REST API's resource policy, evaluated for each request as AWS does: statements whose
principal is everyone (``*``) or, for a caller signed with SigV4 (AWS_IAM methods), that
caller (its account id, account root ARN or user ARN), action ``execute-api:Invoke``
(wildcards allowed) and resource
the method ARN (``execute-api:/stage/METHOD/path`` is short for the API's own ARN), with the
conditions APIs use (``IpAddress``/``NotIpAddress`` on ``aws:SourceIp``, the String operators on
``aws:SourceVpce`` and ``aws:SourceVpc``). An explicit Deny wins; without an Allow the request is
refused. Private APIs are reached only through a VPC endpoint.

https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies.html
https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html
https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
from typing import Any

from emulator.gateway.authorizers.policy import method_arn
from emulator.gateway.rest.invocation import GatewayError, Invocation

INVOKE = "execute-api:invoke"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


Caller = tuple[str, str]  # (user ARN, account id) of a SigV4-signed caller


def _principal_matches(principal: Any, caller: Caller | None) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    named = [str(entry) for entry in _list(principal.get("AWS"))]
    if "*" in named:
        return True
    if caller is None:
        return False
    user_arn, account = caller
    return any(entry in (user_arn, account, f"arn:aws:iam::{account}:root")
               for entry in named)


def names_principals(api: dict[str, Any]) -> bool:
    """Whether the API's policy has statements for particular callers (then it is checked
    once an AWS_IAM method has told who calls)."""
    document = _document(api.get("policy"))
    return any(isinstance(statement, dict) and not _principal_matches(
        statement.get("Principal"), None) for statement in _list(
        (document or {}).get("Statement") or []))


def _document(document: Any) -> dict[str, Any] | None:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return None
    return document if isinstance(document, dict) else None


def _in_network(address: str, networks: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(str(network), strict=False):
                return True
        except ValueError:
            continue
    return False


def _condition_holds(operator: str, key: str, wanted: list[Any],
                     facts: dict[str, str | None]) -> bool:
    value = facts.get(key.lower())
    base, if_exists = (operator[:-8], True) if operator.endswith("IfExists") else (
        operator, False)
    if value is None:
        # A missing key fails every operator but the negated ones (and ...IfExists).
        return if_exists or base.startswith(("Not", "StringNot"))
    if base == "IpAddress":
        return _in_network(value, wanted)
    if base == "NotIpAddress":
        return not _in_network(value, wanted)
    if base == "StringEquals":
        return value in [str(w) for w in wanted]
    if base == "StringNotEquals":
        return value not in [str(w) for w in wanted]
    if base == "StringEqualsIgnoreCase":
        return value.lower() in [str(w).lower() for w in wanted]
    if base == "StringLike":
        return any(_matches(str(w), value) for w in wanted)
    if base == "StringNotLike":
        return not any(_matches(str(w), value) for w in wanted)
    return False  # an operator this evaluation does not know never matches


def _conditions_hold(conditions: Any, facts: dict[str, str | None]) -> bool:
    if not isinstance(conditions, dict):
        return True
    return all(_condition_holds(operator, key, _list(wanted), facts)
               for operator, pairs in conditions.items() if isinstance(pairs, dict)
               for key, wanted in pairs.items())


def _resource(pattern: str, inv: Invocation) -> str:
    if pattern.startswith("execute-api:/"):
        deployed = inv.deployed
        return (f"arn:aws:execute-api:{deployed.region}:{deployed.account}:{deployed.api_id}"
                + pattern[len("execute-api:"):])
    return pattern


def decide(given: Any, inv: Invocation, arn: str, facts: dict[str, str | None],
           caller: Caller | None = None) -> str:
    """Allow, Deny (explicit) or None (no statement allows)."""
    document = _document(given)
    if document is None:
        return "None"
    allowed = False
    for statement in _list(document.get("Statement") or []):
        if not isinstance(statement, dict) or not _principal_matches(
                statement.get("Principal"), caller):
            continue
        actions = [str(a).lower() for a in _list(statement.get("Action") or [])]
        if not any(_matches(action, INVOKE) for action in actions):
            continue
        resources = [_resource(str(r), inv) for r in _list(statement.get("Resource") or [])]
        if not any(_matches(resource, arn) for resource in resources):
            continue
        if not _conditions_hold(statement.get("Condition"), facts):
            continue
        if statement.get("Effect") == "Deny":
            return "Deny"
        allowed = allowed or statement.get("Effect") == "Allow"
    return "Allow" if allowed else "None"


def _masked(arn: str, account: str) -> str:
    return arn.replace(f":{account}:", f":{'*' * 8}{account[8:]}:", 1)


def check(inv: Invocation) -> None:
    """Refuse the request as AWS does when the API's resource policy does not let it in."""
    deployed = inv.deployed
    assert inv.route is not None
    arn = method_arn(deployed.region, deployed.account, deployed.api_id,
                     deployed.stage["stageName"], inv.request.method, inv.request.path)
    facts = {"aws:sourceip": inv.request.source_ip, "aws:sourcevpce": inv.request.vpce,
             "aws:sourcevpc": inv.request.source_vpc}
    identity = inv.context.get("identity") or {}
    caller = (str(identity["userArn"]), str(identity.get("accountId") or "")) if identity.get(
        "userArn") else None
    decision = decide(inv.snapshot.api.get("policy"), inv, arn, facts, caller)
    if decision == "Allow":
        return
    who = caller[0] if caller else "anonymous"
    message = (f"User: {who} is not authorized to perform: execute-api:Invoke on "
               f"resource: {_masked(arn, deployed.account)}")
    if decision == "Deny":
        message += " with an explicit deny"
    inv.note("Authorization failed: the resource policy %s the request",
             "denies" if decision == "Deny" else "does not allow")
    raise GatewayError("ACCESS_DENIED", 403, message, message_key="Message")


__all__ = ["check", "decide", "names_principals"]
