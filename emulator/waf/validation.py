"""What AWS WAF checks of rules beyond the API model, and what they cost (web ACL capacity
units, WCUs).

Each refusal is a :class:`InvalidParameter` carrying WAFInvalidParameterException's Field,
Parameter and Reason. Capacities follow the base costs AWS publishes per statement and per
text transformation; managed rule groups, which the emulator does not hold, cost nothing.

https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-list.html
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from emulator.waf.rates import EVALUATION_WINDOWS

EXACTLY_ONE = "You have used none or multiple values for a field that requires exactly one value."
MINIMUM = ("You haven't met a minimum requirement for a threshold setting. Examples include a "
           "rule group capacity setting that's too low and an OR statement with only one "
           "nested statement.")
BAD_REFERENCE = "A reference in your rule statement is not valid."
NOT_NESTABLE = "Your nested statement isn't valid. You might have tried to nest a statement "\
               "that can't be nested."
BAD_FORMAT = "The parameter contains formatting that is not valid."
GROUP_STATEMENTS = ("RuleGroupReferenceStatement", "ManagedRuleGroupStatement")
TOP_LEVEL_ONLY = ("RateBasedStatement", *GROUP_STATEMENTS)
INSPECTING_COST = {"RegexMatchStatement": 3, "RegexPatternSetReferenceStatement": 25,
                   "SizeConstraintStatement": 1, "XssMatchStatement": 40}
FLAT_COST = {"GeoMatchStatement": 1, "IPSetReferenceStatement": 1, "LabelMatchStatement": 1,
             "AsnMatchStatement": 1, "ManagedRuleGroupStatement": 0}


class InvalidParameter(Exception):
    def __init__(self, field: str, parameter: str, reason: str) -> None:
        super().__init__(f"Error reason: {reason}, field: {field}, parameter: {parameter}")
        self.field = field
        self.parameter = parameter
        self.reason = reason


class DuplicateItem(Exception):
    """Two rules of one list share a name or a priority."""


# What a statement references: ARN -> whether it exists (IP and regex sets), or the rule
# group's capacity (None when there is no such group).
Exists = Callable[[str, str], bool]
GroupCapacity = Callable[[str], int | None]


def _one(members: dict[str, Any] | None, field: str, parameter: str) -> tuple[str, Any]:
    present = [(name, value) for name, value in (members or {}).items() if value is not None]
    if len(present) != 1:
        raise InvalidParameter(field, parameter, EXACTLY_ONE)
    return present[0]


def _inspecting(spec: dict[str, Any], base: int) -> int:
    """A statement inspecting a field: its base cost (doubled for a JSON body) and 10 per
    text transformation."""
    field, _value = _one(spec.get("FieldToMatch"), "FIELD_TO_MATCH", "FieldToMatch")
    transformations = [t for t in spec.get("TextTransformations") or ()
                       if t.get("Type") != "NONE"]
    return base * (2 if field == "JsonBody" else 1) + 10 * len(transformations)


def statement_cost(statement: dict[str, Any] | None, exists: Exists,
                   group_capacity: GroupCapacity, nested: bool = False) -> int:
    """Check ``statement`` (a Statement shape) and return its capacity."""
    kind, spec = _one(statement, "STATEMENT", "Statement")
    spec = spec or {}
    if nested and kind in TOP_LEVEL_ONLY:
        raise InvalidParameter("STATEMENT", kind, NOT_NESTABLE)
    if kind in ("AndStatement", "OrStatement"):
        inner = spec.get("Statements") or []
        if len(inner) < 2:
            field = "AND_STATEMENT" if kind == "AndStatement" else "OR_STATEMENT"
            raise InvalidParameter(field, kind, MINIMUM)
        return sum(statement_cost(item, exists, group_capacity, True) for item in inner)
    if kind == "NotStatement":
        return statement_cost(spec.get("Statement"), exists, group_capacity, True)
    if kind == "ByteMatchStatement":
        base = 2 if spec.get("PositionalConstraint") in ("EXACTLY", "STARTS_WITH",
                                                         "ENDS_WITH") else 10
        return _inspecting(spec, base)
    if kind == "SqliMatchStatement":
        return _inspecting(spec, 30 if spec.get("SensitivityLevel") == "HIGH" else 20)
    if kind == "RegexMatchStatement":
        try:
            re.compile(str(spec.get("RegexString", "")))
        except re.error:
            raise InvalidParameter("STATEMENT", str(spec.get("RegexString")),
                                   BAD_FORMAT) from None
    if kind in INSPECTING_COST:
        if kind == "RegexPatternSetReferenceStatement" and not exists(
                "regexpatternset", str(spec.get("ARN", ""))):
            raise InvalidParameter("RULE", "Statement", BAD_REFERENCE)
        return _inspecting(spec, INSPECTING_COST[kind])
    if kind == "IPSetReferenceStatement":
        if not exists("ipset", str(spec.get("ARN", ""))):
            raise InvalidParameter("RULE", "Statement", BAD_REFERENCE)
        config = spec.get("IPSetForwardedIPConfig") or {}
        return 1 + (4 if config.get("Position") == "ANY" else 0)
    if kind == "RateBasedStatement":
        window = spec.get("EvaluationWindowSec")
        if window is not None and int(window) not in EVALUATION_WINDOWS:
            raise InvalidParameter("RATE_BASED_STATEMENT", "EvaluationWindowSec", BAD_FORMAT)
        aggregate = spec.get("AggregateKeyType")
        if (aggregate == "CUSTOM_KEYS") != bool(spec.get("CustomKeys")):
            raise InvalidParameter("CUSTOM_KEYS", "CustomKeys", EXACTLY_ONE)
        for key in spec.get("CustomKeys") or ():
            _one(key, "CUSTOM_KEYS", "CustomKeys")
        if aggregate == "FORWARDED_IP" and not spec.get("ForwardedIPConfig"):
            raise InvalidParameter("FORWARDED_IP_CONFIG", "ForwardedIPConfig", EXACTLY_ONE)
        scope_down = spec.get("ScopeDownStatement")
        inner = statement_cost(scope_down, exists, group_capacity, True) if scope_down else 0
        return 2 + inner + 30 * len(spec.get("CustomKeys") or ())
    if kind == "RuleGroupReferenceStatement":
        capacity = group_capacity(str(spec.get("ARN", "")))
        if capacity is None:
            raise InvalidParameter("RULE", "Statement", BAD_REFERENCE)
        return capacity
    return FLAT_COST.get(kind, 1)


def _action(rule: dict[str, Any], bodies: dict[str, Any]) -> None:
    _kind, spec = _one(rule.get("Action"), "RULE_ACTION", "RuleAction")
    key = ((spec or {}).get("CustomResponse") or {}).get("CustomResponseBodyKey")
    if key is not None and key not in bodies:
        raise InvalidParameter("CUSTOM_RESPONSE_BODY", str(key), BAD_REFERENCE)


def rules_capacity(rules: list[dict[str, Any]] | None, bodies: dict[str, Any] | None,
                   exists: Exists, group_capacity: GroupCapacity, in_group: bool = False
                   ) -> int:
    """Check a web ACL's or rule group's rules and return their capacity."""
    names: set[str] = set()
    priorities: set[int] = set()
    total = 0
    for rule in rules or ():
        name, priority = str(rule.get("Name")), int(rule.get("Priority") or 0)
        if name in names or priority in priorities:
            raise DuplicateItem(name)
        names.add(name)
        priorities.add(priority)
        kind, _spec = _one(rule.get("Statement"), "STATEMENT", "Statement")
        if in_group and kind in GROUP_STATEMENTS:
            raise InvalidParameter("STATEMENT", kind, NOT_NESTABLE)
        wants_override = kind in GROUP_STATEMENTS
        if wants_override != (rule.get("OverrideAction") is not None) or \
                wants_override == (rule.get("Action") is not None):
            raise InvalidParameter("RULE", "Rule", EXACTLY_ONE)
        if wants_override:
            _one(rule.get("OverrideAction"), "OVERRIDE_ACTION", "OverrideAction")
        else:
            _action(rule, bodies or {})
        total += statement_cost(rule.get("Statement"), exists, group_capacity)
    return total


def default_action(action: dict[str, Any] | None, bodies: dict[str, Any] | None) -> None:
    _kind, spec = _one(action, "DEFAULT_ACTION", "DefaultAction")
    key = ((spec or {}).get("CustomResponse") or {}).get("CustomResponseBodyKey")
    if key is not None and key not in (bodies or {}):
        raise InvalidParameter("CUSTOM_RESPONSE_BODY", str(key), BAD_REFERENCE)


__all__ = ["BAD_FORMAT", "BAD_REFERENCE", "EXACTLY_ONE", "MINIMUM", "DuplicateItem",
           "InvalidParameter", "default_action", "rules_capacity", "statement_cost"]
