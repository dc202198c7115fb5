"""The AWS WAF rule engine without HTTP: statements, text transformations, rule order, labels,
rule groups with overrides, rate-based rules on a given clock, custom responses.

https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-list.html
https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-transformation.html
https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-label-match-examples.html
https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.waf import detect
from emulator.waf.engine import compile_web_acl, evaluate
from emulator.waf.rates import RateCounters
from emulator.waf.request import Verdict, WebRequest
from emulator.waf.statements import Network, Unresolved
from emulator.waf.transforms import TRANSFORMS, chain

NONE = [{"Priority": 0, "Type": "NONE"}]


class Refs:
    def __init__(self, groups: dict[str, dict[str, Any]] | None = None) -> None:
        self.groups = groups or {}

    def ip_set(self, arn: str) -> list[Network] | None:
        return [ipaddress.ip_network("203.0.113.0/24")] if arn == "ips" else None

    def regex_set(self, arn: str) -> list[str] | None:
        return [r"^/v[0-9]+/admin", r"\.php$"] if arn == "regexes" else None

    def country(self, address: str) -> str:
        return "NL" if address.startswith("192.0.2.") else "US"

    def rule_group(self, arn: str) -> dict[str, Any] | None:
        return self.groups.get(arn)


def _request(path: str = "/dev/items", query: str = "", method: str = "GET",
             headers: list[tuple[str, str]] | None = None, body: bytes = b"",
             ip: str = "127.0.0.1") -> WebRequest:
    return WebRequest(method, path, query, headers or [], body, ip)


def _rule(name: str, statement: dict[str, Any], action: str = "Block", priority: int = 0,
          **extra: Any) -> dict[str, Any]:
    return {"Name": name, "Priority": priority, "Statement": statement, "Action": {action: {}},
            "VisibilityConfig": {"MetricName": name, "CloudWatchMetricsEnabled": True,
                                 "SampledRequestsEnabled": True}, **extra}


def _acl(rules: list[dict[str, Any]], default: str = "Allow", refs: Refs | None = None,
         rates: RateCounters | None = None, **doc: Any) -> Any:
    found = refs or Refs()
    return compile_web_acl({"Name": "acl", "ARN": "arn:acl", "DefaultAction": {default: {}},
                            "Rules": rules, "LabelNamespace": "awswaf:1:webacl:acl:", **doc},
                           found, rates or RateCounters(), found.rule_group)


def _verdict(rules: list[dict[str, Any]], request: WebRequest, now: float = 0.0,
             **options: Any) -> Verdict:
    return evaluate(_acl(rules, **options), request, now)[0]


def _byte(search: str, field: dict[str, Any], where: str = "CONTAINS",
          transforms: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"ByteMatchStatement": {"SearchString": search.encode(), "FieldToMatch": field,
                                   "PositionalConstraint": where,
                                   "TextTransformations": transforms or NONE}}


@pytest.mark.parametrize(("where", "value", "matched"), [
    ("EXACTLY", "admin", True), ("EXACTLY", "admins", False),
    ("STARTS_WITH", "admin-page", True), ("ENDS_WITH", "the-admin", True),
    ("CONTAINS", "xxadminxx", True), ("CONTAINS_WORD", "an admin here", True),
    ("CONTAINS_WORD", "badmin", False), ("CONTAINS_WORD", "admin;", True)])
def test_byte_match_positional_constraints(where: str, value: str, matched: bool) -> None:
    rule = _rule("r", _byte("admin", {"SingleQueryArgument": {"Name": "who"}}, where))
    verdict = _verdict([rule], _request(query=f"who={value}"))
    assert (verdict.action == "BLOCK") is matched


def test_text_transformations_run_in_priority_order() -> None:
    steps = [{"Priority": 2, "Type": "LOWERCASE"}, {"Priority": 1, "Type": "URL_DECODE"},
             {"Priority": 3, "Type": "COMPRESS_WHITE_SPACE"}]
    assert chain(steps)("SELECT%20%20%09FROM") == "select from"
    assert chain([{"Priority": 0, "Type": "BASE64_DECODE"}])("aGVsbG8=") == "hello"
    assert chain([{"Priority": 0, "Type": "HTML_ENTITY_DECODE"}])("&lt;a&gt;") == "<a>"
    assert chain([{"Priority": 0, "Type": "NORMALIZE_PATH"}])("/a/./b/../c//d") == "/a/c/d"
    assert chain([{"Priority": 0, "Type": "CMD_LINE"}])('C:\\\\W^in"do\'ws') .startswith("c:")
    rule = _rule("r", _byte("<script>", {"UriPath": {}}, transforms=[
        {"Priority": 0, "Type": "URL_DECODE"}, {"Priority": 1, "Type": "LOWERCASE"}]))
    assert _verdict([rule], _request(path="/dev/%3CSCRIPT%3E")).action == "BLOCK"


def test_regex_regex_sets_and_size_constraints() -> None:
    rules = [
        _rule("regex", {"RegexMatchStatement": {
            "RegexString": r"^Mozilla/4\.0", "FieldToMatch": {"SingleHeader": {"Name": "UA"}},
            "TextTransformations": NONE}}, priority=0),
        _rule("set", {"RegexPatternSetReferenceStatement": {
            "ARN": "regexes", "FieldToMatch": {"UriPath": {}}, "TextTransformations": NONE}},
            priority=1),
        _rule("size", {"SizeConstraintStatement": {
            "FieldToMatch": {"Body": {}}, "ComparisonOperator": "GT", "Size": 10,
            "TextTransformations": NONE}}, priority=2)]
    assert _verdict(rules, _request(headers=[("ua", "Mozilla/4.0 (old)")])
                    ).terminating_rule == "regex"
    assert _verdict(rules, _request(path="/v2/admin/users")).terminating_rule == "set"
    assert _verdict(rules, _request(path="/index.php")).terminating_rule == "set"
    assert _verdict(rules, _request(body=b"x" * 11)).terminating_rule == "size"
    assert _verdict(rules, _request(body=b"x" * 10)).action == "ALLOW"


def test_a_missing_set_leaves_the_web_acl_unenforceable() -> None:
    with pytest.raises(Unresolved):
        _acl([_rule("r", {"IPSetReferenceStatement": {"ARN": "gone"}})])


def test_ip_sets_with_forwarded_addresses_and_their_fallback() -> None:
    config = {"HeaderName": "X-Forwarded-For", "FallbackBehavior": "MATCH", "Position": "ANY"}
    rule = _rule("r", {"IPSetReferenceStatement": {"ARN": "ips",
                                                   "IPSetForwardedIPConfig": config}})
    assert _verdict([rule], _request(headers=[("x-forwarded-for", "10.0.0.1, 203.0.113.9")])
                    ).action == "BLOCK"
    assert _verdict([rule], _request(headers=[("x-forwarded-for", "10.0.0.1")])
                    ).action == "ALLOW"
    assert _verdict([rule], _request()).action == "BLOCK"  # no header: the fallback
    direct = _rule("r", {"IPSetReferenceStatement": {"ARN": "ips"}})
    assert _verdict([direct], _request(ip="203.0.113.200")).action == "BLOCK"
    assert _verdict([direct], _request(ip="2001:db8::1")).action == "ALLOW"


def test_geo_match_labels_the_country_and_uses_the_configured_one() -> None:
    rule = _rule("geo", {"GeoMatchStatement": {"CountryCodes": ["NL", "BE"]}})
    blocked = _verdict([rule], _request(ip="192.0.2.4"))
    assert blocked.action == "BLOCK"
    assert "awswaf:clientip:geo:country:NL" in blocked.labels
    allowed = _verdict([rule], _request(ip="127.0.0.1"))
    assert allowed.action == "ALLOW"
    assert "awswaf:clientip:geo:country:US" in allowed.labels


def test_and_or_not_and_label_matches_in_rule_order() -> None:
    rules = [
        _rule("mark", _byte("beta", {"SingleHeader": {"Name": "x-channel"}}), "Count",
              priority=1, RuleLabels=[{"Name": "channel:beta"}]),
        _rule("beta-writes", {"AndStatement": {"Statements": [
            {"LabelMatchStatement": {"Scope": "NAMESPACE", "Key": "channel:"}},
            {"OrStatement": {"Statements": [
                _byte("POST", {"Method": {}}, "EXACTLY"),
                _byte("PUT", {"Method": {}}, "EXACTLY")]}},
            {"NotStatement": {"Statement": _byte("ok", {"QueryString": {}})}}]}},
              priority=2),
        # A label added by a later rule is not seen by an earlier one.
        _rule("too-early", {"LabelMatchStatement": {"Scope": "LABEL", "Key": "late"}},
              priority=0),
        _rule("late", _byte("x", {"Method": {}}), "Count", priority=3,
              RuleLabels=[{"Name": "late"}])]
    beta = [("x-channel", "beta")]
    assert _verdict(rules, _request(method="POST", headers=beta)).terminating_rule == \
        "beta-writes"
    assert _verdict(rules, _request(method="POST", headers=beta, query="ok=1")).action == \
        "ALLOW"
    assert _verdict(rules, _request(method="GET", headers=beta)).action == "ALLOW"
    assert _verdict(rules, _request(method="POST")).action == "ALLOW"
    verdict = _verdict(rules, _request(method="GET", headers=beta))
    assert verdict.labels == ["awswaf:1:webacl:acl:channel:beta"]


def test_sql_injection_and_xss_detection() -> None:
    for attack in ("1' or '1'='1", "x UNION ALL SELECT name, pass FROM users",
                   "1; DROP TABLE users", "1 AND SLEEP(5)", "admin'--",
                   "1 or 1=1", "%27%20OR%20%271%27%3D%271"):
        assert detect.sql_injection(attack), attack
    for harmless in ("O'Brien", "select a size", "rock & roll", "2024-01-01", "a--b"):
        assert not detect.sql_injection(harmless), harmless
    assert detect.sql_injection("name' and 'a", "HIGH")
    assert not detect.sql_injection("name' and 'a", "LOW")
    for attack in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                   "javascript:alert(1)", "<iframe src=//evil>", "&lt;script&gt;"):
        assert detect.cross_site_scripting(attack), attack
    for harmless in ("<b>bold</b>", "a < b and c > d", "JavaScript is fun", "x=1&y=2"):
        assert not detect.cross_site_scripting(harmless), harmless


def test_json_body_paths_and_invalid_json() -> None:
    statement = {"SqliMatchStatement": {"FieldToMatch": {"JsonBody": {
        "MatchPattern": {"IncludedPaths": ["/user/name"]}, "MatchScope": "VALUE",
        "InvalidFallbackBehavior": "MATCH"}}, "TextTransformations": NONE}}
    rule = _rule("json", statement)
    assert _verdict([rule], _request(body=b'{"user": {"name": "x\' OR 1=1 --"}}')
                    ).action == "BLOCK"
    assert _verdict([rule], _request(body=b'{"other": "x\' OR 1=1 --", "user": {}}')
                    ).action == "ALLOW"
    assert _verdict([rule], _request(body=b"{not json")).action == "BLOCK"


def test_oversize_bodies_follow_their_handling() -> None:
    big = b"a" * 9000 + b"<script>"
    for handling, action in (("CONTINUE", "ALLOW"), ("MATCH", "BLOCK"), ("NO_MATCH", "ALLOW")):
        rule = _rule("xss", {"XssMatchStatement": {
            "FieldToMatch": {"Body": {"OversizeHandling": handling}},
            "TextTransformations": NONE}})
        assert _verdict([rule], _request(body=big)).action == action, handling
    raised = {"AssociationConfig": {"RequestBody": {"API_GATEWAY": {
        "DefaultSizeInspectionLimit": "KB_16"}}}}
    rule = _rule("xss", {"XssMatchStatement": {
        "FieldToMatch": {"Body": {"OversizeHandling": "CONTINUE"}},
        "TextTransformations": NONE}})
    assert _verdict([rule], _request(body=big), **raised).action == "BLOCK"


def test_rate_based_rules_count_per_key_within_the_window() -> None:
    rates = RateCounters()
    rule = _rule("rate", {"RateBasedStatement": {
        "Limit": 3, "EvaluationWindowSec": 60, "AggregateKeyType": "CUSTOM_KEYS",
        "CustomKeys": [{"Header": {"Name": "x-api-key", "TextTransformations": NONE}},
                       {"HTTPMethod": {}}],
        "ScopeDownStatement": _byte("/dev/", {"UriPath": {}}, "STARTS_WITH")}})
    acl = _acl([rule], rates=rates)
    alice, bob = [("x-api-key", "alice")], [("x-api-key", "bob")]
    actions = [evaluate(acl, _request(headers=alice), float(second))[0].action
               for second in range(4)]
    assert actions == ["ALLOW", "ALLOW", "ALLOW", "BLOCK"]
    assert evaluate(acl, _request(headers=bob), 4.0)[0].action == "ALLOW"
    assert evaluate(acl, _request(headers=alice, method="POST"), 4.0)[0].action == "ALLOW"
    assert evaluate(acl, _request(), 4.0)[0].action == "ALLOW"  # no key: not counted
    assert evaluate(acl, _request(headers=alice, path="/other"), 4.0)[0].action == "ALLOW"
    assert evaluate(acl, _request(headers=alice), 30.0)[0].action == "BLOCK"
    assert evaluate(acl, _request(headers=alice), 61.5)[0].action == "BLOCK"
    assert evaluate(acl, _request(headers=alice), 200.0)[0].action == "ALLOW"


def test_rule_groups_with_overrides_and_counted_references() -> None:
    group = {"Name": "group", "ARN": "arn:group", "LabelNamespace": "awswaf:1:rulegroup:g:",
             "Rules": [
                 _rule("bots", _byte("bot", {"SingleHeader": {"Name": "user-agent"}}),
                       priority=0, RuleLabels=[{"Name": "bot"}]),
                 _rule("scrapers", _byte("scrape", {"SingleHeader": {"Name": "user-agent"}}),
                       priority=1)],
             "VisibilityConfig": {"MetricName": "group"}}
    refs = Refs({"arn:group": group})
    reference = {"Name": "use-group", "Priority": 0, "OverrideAction": {"None": {}},
                 "Statement": {"RuleGroupReferenceStatement": {
                     "ARN": "arn:group", "RuleActionOverrides": [
                         {"Name": "scrapers", "ActionToUse": {"Count": {}}}]}},
                 "VisibilityConfig": {"MetricName": "use-group"}}
    after = _rule("bot-label", {"LabelMatchStatement": {"Scope": "LABEL", "Key": "bot"}},
                  priority=1)
    bot = _verdict([reference, after], _request(headers=[("user-agent", "bot")]), refs=refs)
    assert (bot.action, bot.terminating_rule) == ("BLOCK", "use-group")
    assert "awswaf:1:rulegroup:g:bot" in bot.labels
    scraper = _verdict([reference], _request(headers=[("user-agent", "scrape")]), refs=refs)
    assert scraper.action == "ALLOW"  # the override made it count
    counted = {**reference, "OverrideAction": {"Count": {}}}
    verdict = _verdict([counted, after], _request(headers=[("user-agent", "bot")]), refs=refs)
    assert (verdict.action, verdict.terminating_rule) == ("BLOCK", "bot-label")


def test_custom_responses_and_the_default_action() -> None:
    bodies = {"page": {"ContentType": "TEXT_HTML", "Content": "<h1>no</h1>"}}
    rule = {**_rule("r", _byte("x", {"QueryString": {}})), "Action": {"Block": {
        "CustomResponse": {"ResponseCode": 503, "CustomResponseBodyKey": "page",
                           "ResponseHeaders": [{"Name": "Retry-After", "Value": "5"}]}}}}
    verdict = _verdict([rule], _request(query="x=1"), CustomResponseBodies=bodies)
    assert (verdict.status, verdict.body, verdict.content_type) == (503, b"<h1>no</h1>",
                                                                    "text/html")
    assert verdict.response_headers == [("Retry-After", "5")]
    default = _verdict([], _request(), default="Block")
    assert (default.action, default.terminating_rule, default.status) == \
        ("BLOCK", "Default_Action", None)


def test_a_body_nested_past_what_can_be_walked_takes_the_invalid_json_fallback() -> None:
    deep = b"[" * 30000 + b"]" * 30000  # valid JSON, within the 64 KB limit
    for fallback, action in (("MATCH", "BLOCK"), ("NO_MATCH", "ALLOW")):
        rule = _rule("json", {"SizeConstraintStatement": {
            "FieldToMatch": {"JsonBody": {"MatchPattern": {"All": {}}, "MatchScope": "ALL",
                                          "InvalidFallbackBehavior": fallback,
                                          "OversizeHandling": "CONTINUE"}},
            "ComparisonOperator": "GE", "Size": 0, "TextTransformations": NONE}})
        verdict = _verdict([rule], _request(body=deep), **{"AssociationConfig": {
            "RequestBody": {"API_GATEWAY": {"DefaultSizeInspectionLimit": "KB_64"}}}})
        assert verdict.action == action, fallback


def test_each_custom_key_names_exactly_one_part() -> None:
    from emulator.waf import validation

    statement = {"RateBasedStatement": {"Limit": 100, "AggregateKeyType": "CUSTOM_KEYS",
                                        "CustomKeys": [{}]}}
    with pytest.raises(validation.InvalidParameter) as raised:
        validation.statement_cost(statement, lambda kind, arn: True, lambda arn: 0)
    assert (raised.value.field, raised.value.reason) == ("CUSTOM_KEYS", validation.EXACTLY_ONE)


def test_a_token_passes_captcha_as_a_count_and_evaluation_goes_on() -> None:
    rules = [_rule("puzzle", _byte("/", {"UriPath": {}}), "Captcha", priority=0,
                   RuleLabels=[{"Name": "checked"}]),
             _rule("after", {"LabelMatchStatement": {"Scope": "LABEL", "Key": "checked"}},
                   priority=1)]
    assert _verdict(rules, _request()).action == "CAPTCHA"
    with_token = _verdict(rules, _request(headers=[("cookie", "a=1; aws-waf-token=t")]))
    assert (with_token.action, with_token.terminating_rule) == ("BLOCK", "after")


def test_a_decoded_lone_surrogate_is_measured_and_hashed_not_an_error() -> None:
    js = [{"Priority": 0, "Type": "JS_DECODE"}]
    size = _rule("size", {"SizeConstraintStatement": {
        "FieldToMatch": {"QueryString": {}}, "ComparisonOperator": "GT", "Size": 2,
        "TextTransformations": js}})
    assert _verdict([size], _request(query="\\ud800")).action == "BLOCK"  # three bytes
    hashed = _rule("hash", _byte("x", {"QueryString": {}}, transforms=[
        *js, {"Priority": 1, "Type": "SHA256"}]))
    assert _verdict([hashed], _request(query="\\ud800")).action == "ALLOW"


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(text=st.text(), transform=st.sampled_from(sorted(TRANSFORMS)))
def test_every_transformation_takes_any_text(text: str, transform: str) -> None:
    assert isinstance(chain([{"Priority": 0, "Type": transform}])(text), str)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(query=st.text(), body=st.binary(max_size=300), header=st.text(max_size=50))
def test_any_request_gets_a_verdict(query: str, body: bytes, header: str) -> None:
    every = [{"Priority": index, "Type": name} for index, name in enumerate(sorted(TRANSFORMS))
             if name not in ("MD5", "SHA256")]
    field_kinds: list[dict[str, Any]] = [
        {"AllQueryArguments": {}}, {"Body": {}}, {"JsonBody": {"MatchPattern": {"All": {}},
                                                               "MatchScope": "ALL"}},
        {"Headers": {"MatchPattern": {"All": {}}, "MatchScope": "ALL",
                     "OversizeHandling": "CONTINUE"}},
        {"Cookies": {"MatchPattern": {"All": {}}, "MatchScope": "ALL",
                     "OversizeHandling": "CONTINUE"}}]
    rules = [_rule(f"r{index}", {kind: {"FieldToMatch": field, "TextTransformations": every,
                                        **extra}}, "Count", priority=index)
             for index, (field, (kind, extra)) in enumerate(
                 (field, kind) for field in field_kinds for kind in (
                     ("SqliMatchStatement", {"SensitivityLevel": "HIGH"}),
                     ("XssMatchStatement", {}),
                     ("SizeConstraintStatement", {"ComparisonOperator": "GT", "Size": 5})))]
    request = _request(query=query, body=body,
                       headers=[("cookie", header), ("x-forwarded-for", header)])
    assert _verdict(rules, request).action == "ALLOW"
