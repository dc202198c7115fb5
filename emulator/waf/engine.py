"""A web ACL compiled once and evaluated per request, in AWS's order: rules by priority, a
rule group's rules in their own order where it is referenced, labels added by matching rules
visible to the rules after them; Allow, Block, CAPTCHA and Challenge end the evaluation, Count
goes on; the default action decides what no rule decided.

https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing.html
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from emulator.waf import fields
from emulator.waf.rates import RateCounters
from emulator.waf.request import Verdict, WebRequest
from emulator.waf.statements import Matcher, References, Scene, compile_statement

CONTENT_TYPES = {"TEXT_PLAIN": "text/plain", "TEXT_HTML": "text/html",
                 "APPLICATION_JSON": "application/json"}
TERMINATING = ("ALLOW", "BLOCK", "CAPTCHA", "CHALLENGE")
TOKEN_CHECKS = ("CAPTCHA", "CHALLENGE")


def chosen_action(action: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """(ALLOW | BLOCK | COUNT | CAPTCHA | CHALLENGE, its settings) of a RuleAction shape."""
    for name, spec in (action or {}).items():
        return name.upper(), spec or {}
    return "COUNT", {}


@dataclass
class Event:
    """A rule that acted on the request: for metrics and sampled requests."""

    metric_name: str
    action: str
    metrics: bool
    sampled: bool
    group: str | None = None  # the rule group's metric name, for a rule inside one
    rule: str = ""  # the rule's name (the web ACL's, for its default action)


@dataclass
class Rule:
    name: str
    metric_name: str
    metrics: bool
    sampled: bool
    labels: list[str]
    matcher: Matcher | None = None
    action: str = "COUNT"
    action_spec: dict[str, Any] = field(default_factory=dict)
    group: Group | None = None
    group_as_count: bool = False  # OverrideAction Count on a rule group reference
    rate_based: bool = False


@dataclass
class Group:
    name: str
    metric_name: str
    rules: list[Rule]
    bodies: dict[str, Any]


@dataclass
class WebAcl:
    arn: str
    name: str
    metric_name: str
    metrics: bool
    sampled: bool
    default_action: str
    default_spec: dict[str, Any]
    rules: list[Rule]
    bodies: dict[str, Any]
    body_limit: int = fields.DEFAULT_BODY_LIMIT


def _visibility(doc: dict[str, Any]) -> tuple[str, bool, bool]:
    config = doc.get("VisibilityConfig") or {}
    return (str(config.get("MetricName") or doc.get("Name") or ""),
            bool(config.get("CloudWatchMetricsEnabled")),
            bool(config.get("SampledRequestsEnabled")))


def compile_rules(rules: list[dict[str, Any]], namespace: str, refs: References,
                  rates: RateCounters, scope: Hashable,
                  group_of: Callable[[str], dict[str, Any] | None],
                  overrides: dict[str, str] | None = None) -> list[Rule]:
    """Rules sorted by priority, each with its matcher (or its rule group) compiled.
    ``overrides`` (rule name -> action) are a referencing rule's RuleActionOverrides."""
    compiled = []
    for doc in sorted(rules, key=lambda rule: int(rule.get("Priority") or 0)):
        metric_name, metrics, sampled = _visibility(doc)
        labels = [namespace + str(label.get("Name", "")) for label in doc.get("RuleLabels") or ()]
        rule = Rule(str(doc.get("Name", "")), metric_name, metrics, sampled, labels)
        statement = doc.get("Statement") or {}
        reference = statement.get("RuleGroupReferenceStatement")
        if reference is not None:
            rule.group = _compile_group(reference, refs, rates, (scope, rule.name), group_of)
            rule.group_as_count = "Count" in (doc.get("OverrideAction") or {})
        else:
            rule.matcher = compile_statement(statement, refs, rates, (scope, rule.name))
            rule.rate_based = "RateBasedStatement" in statement
            rule.action, rule.action_spec = chosen_action(doc.get("Action"))
            override = (overrides or {}).get(rule.name)
            if override is not None:
                rule.action, rule.action_spec = override, {}
        compiled.append(rule)
    return compiled


def _compile_group(reference: dict[str, Any], refs: References, rates: RateCounters,
                   scope: Hashable, group_of: Callable[[str], dict[str, Any] | None]
                   ) -> Group | None:
    """A referenced rule group; ``scope`` (the web ACL and the referencing rule) keeps its
    rate-based rules' counts apart from other references to the same group, as AWS does."""
    arn = str(reference.get("ARN", ""))
    doc = group_of(arn)
    if doc is None:
        return None
    overrides = {str(item.get("Name")): "COUNT" for item in reference.get("ExcludedRules") or ()}
    for item in reference.get("RuleActionOverrides") or ():
        overrides[str(item.get("Name"))] = chosen_action(item.get("ActionToUse"))[0]
    namespace = str(doc.get("LabelNamespace") or "")
    metric_name, _metrics, _sampled = _visibility(doc)
    return Group(str(doc.get("Name", "")), metric_name,
                 compile_rules(doc.get("Rules") or [], namespace, refs, rates, scope, group_of,
                               overrides), dict(doc.get("CustomResponseBodies") or {}))


def compile_web_acl(doc: dict[str, Any], refs: References, rates: RateCounters,
                    group_of: Callable[[str], dict[str, Any] | None]) -> WebAcl:
    """A WebACL shape (with its ARN and LabelNamespace) ready to evaluate."""
    metric_name, metrics, sampled = _visibility(doc)
    default, default_spec = chosen_action(doc.get("DefaultAction"))
    limit = ((doc.get("AssociationConfig") or {}).get("RequestBody") or {}).get(
        "API_GATEWAY", {}).get("DefaultSizeInspectionLimit")
    arn = str(doc.get("ARN", ""))
    return WebAcl(arn, str(doc.get("Name", "")), metric_name, metrics, sampled, default,
                  default_spec,
                  compile_rules(doc.get("Rules") or [], str(doc.get("LabelNamespace") or ""),
                                refs, rates, arn, group_of),
                  dict(doc.get("CustomResponseBodies") or {}),
                  fields.BODY_LIMITS.get(str(limit), fields.DEFAULT_BODY_LIMIT))


@dataclass
class _Run:
    scene: Scene
    events: list[Event] = field(default_factory=list)
    inserted: list[tuple[str, str]] = field(default_factory=list)


def _insert(run: _Run, spec: dict[str, Any]) -> None:
    for header in (spec.get("CustomRequestHandling") or {}).get("InsertHeaders") or ():
        run.inserted.append((f"x-amzn-waf-{header.get('Name', '')}", str(header.get("Value",
                                                                                    ""))))


def _rules(rules: list[Rule], run: _Run, bodies: dict[str, Any], as_count: bool,
           group: str | None) -> tuple[str, Rule, dict[str, Any]] | None:
    """The rule that ends the evaluation (its name in the web ACL, itself, which may sit in
    a rule group) and the custom response bodies it answers from."""
    for rule in rules:
        if rule.group is not None:
            ended = _rules(rule.group.rules, run, rule.group.bodies,
                           as_count or rule.group_as_count, rule.group.metric_name)
            if ended is not None:
                return rule.name, ended[1], ended[2]
            continue
        if rule.matcher is None or not rule.matcher(run.scene):
            continue
        for label in rule.labels:
            if label not in run.scene.labels:
                run.scene.labels.append(label)
        action = "COUNT" if as_count and rule.action in TERMINATING else rule.action
        run.events.append(Event(rule.metric_name, action, rule.metrics, rule.sampled, group,
                                rule.name))
        # CAPTCHA and Challenge pass a request holding a token, as a Count would.
        passed = action in TOKEN_CHECKS and run.scene.request.has_token
        if action in ("COUNT", "ALLOW") or passed:
            _insert(run, rule.action_spec)
        if action in TERMINATING and not passed:
            return rule.name, rule, bodies
    return None


def _custom_response(verdict: Verdict, spec: dict[str, Any], bodies: dict[str, Any]) -> None:
    custom = spec.get("CustomResponse")
    if not custom:
        return
    verdict.status = int(custom.get("ResponseCode") or 403)
    verdict.response_headers = [(str(h.get("Name", "")), str(h.get("Value", "")))
                                for h in custom.get("ResponseHeaders") or ()]
    body = bodies.get(str(custom.get("CustomResponseBodyKey") or ""))
    if body is not None:
        verdict.body = str(body.get("Content", "")).encode()
        verdict.content_type = CONTENT_TYPES.get(str(body.get("ContentType")), "text/plain")


def evaluate(acl: WebAcl, request: WebRequest, now: float) -> tuple[Verdict, list[Event]]:
    """What ``acl`` does with ``request``, and the rules that acted on it."""
    run = _Run(Scene(request, now, body_limit=acl.body_limit))
    ended = _rules(acl.rules, run, acl.bodies, False, None)
    if ended is None:
        verdict = Verdict(acl.arn, acl.default_action, "Default_Action")
        spec, bodies = acl.default_spec, acl.bodies
        run.events.append(Event(acl.metric_name, acl.default_action, acl.metrics, acl.sampled,
                                rule="Default_Action"))
        if acl.default_action == "ALLOW":
            _insert(run, spec)
    else:
        name, rule, bodies = ended
        spec = rule.action_spec
        verdict = Verdict(acl.arn, rule.action, name)
        verdict.terminating_type = ("GROUP" if name != rule.name else
                                    "RATE_BASED" if rule.rate_based else "REGULAR")
    verdict.labels = list(run.scene.labels)
    if verdict.action == "ALLOW":
        verdict.request_headers = run.inserted
    elif verdict.action == "BLOCK":
        _custom_response(verdict, spec, bodies)
    return verdict, run.events


__all__ = ["CONTENT_TYPES", "Event", "Group", "Rule", "WebAcl", "chosen_action",
           "compile_rules", "compile_web_acl", "evaluate"]
