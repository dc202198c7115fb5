"""The AWS WAF control plane through boto3: web ACLs, IP sets, regex pattern sets and rule
groups with lock tokens, capacities, associations and tags, and AWS WAF's errors for what it
refuses (the messages as AWS words them in recorded answers).

https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html
https://docs.aws.amazon.com/waf/latest/APIReference/CommonErrors.html
https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle

NONE = [{"Priority": 0, "Type": "NONE"}]
VISIBLE = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False,
           "MetricName": "m"}


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _rule(statement: dict[str, Any], name: str = "r", priority: int = 0,
          action: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"Name": name, "Priority": priority, "Statement": statement,
            "Action": action if action is not None else {"Block": {}},
            "VisibilityConfig": VISIBLE}


def _byte(search: str = "x", **field: Any) -> dict[str, Any]:
    return {"ByteMatchStatement": {"SearchString": search.encode(),
                                   "FieldToMatch": field or {"UriPath": {}},
                                   "PositionalConstraint": "CONTAINS",
                                   "TextTransformations": NONE}}


def _refused(call: Any, code: str, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    error: dict[str, Any] = raised.value.response["Error"]
    assert error["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return {**raised.value.response, **error}


def _create_acl(waf: Any, rules: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    summary: dict[str, Any] = waf.create_web_acl(
        Name=_unique("acl"), Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=rules,
        VisibilityConfig=VISIBLE, **extra)["Summary"]
    return summary


def test_web_acl_lifecycle_with_lock_tokens_capacity_and_tags(
        emulator: EmulatorHandle) -> None:
    waf = emulator.client("wafv2")
    rules = [_rule({**_byte(), "ByteMatchStatement": {
        **_byte()["ByteMatchStatement"],
        "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}]}}),
        _rule({"SqliMatchStatement": {"FieldToMatch": {"QueryString": {}},
                                      "TextTransformations": NONE}}, "sqli", 1)]
    # CONTAINS costs 10, a transformation 10, SQL injection (LOW) 20.
    assert waf.check_capacity(Scope="REGIONAL", Rules=rules)["Capacity"] == 40
    summary = _create_acl(waf, rules, Description="first",
                          Tags=[{"Key": "team", "Value": "web"}])
    got = waf.get_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"])
    assert got["WebACL"]["Capacity"] == 40
    assert got["WebACL"]["Description"] == "first"
    assert got["WebACL"]["LabelNamespace"] == \
        f"awswaf:{summary['ARN'].split(':')[4]}:webacl:{summary['Name']}:"
    assert got["LockToken"] == summary["LockToken"]
    listed = waf.list_web_acls(Scope="REGIONAL", Limit=100)["WebACLs"]
    assert summary["ARN"] in {item["ARN"] for item in listed}
    update = {"Name": summary["Name"], "Scope": "REGIONAL", "Id": summary["Id"],
              "DefaultAction": {"Block": {}}, "Rules": [], "VisibilityConfig": VISIBLE}
    token = waf.update_web_acl(LockToken=got["LockToken"], **update)["NextLockToken"]
    assert token != got["LockToken"]
    stale = _refused(waf.update_web_acl, "WAFOptimisticLockException",
                     LockToken=got["LockToken"], **update)
    assert stale["Message"].startswith("AWS WAF couldn\u2019t save your changes")
    assert waf.get_web_acl(ARN=summary["ARN"])["WebACL"]["DefaultAction"] == {"Block": {}}
    waf.tag_resource(ResourceARN=summary["ARN"], Tags=[{"Key": "env", "Value": "dev"}])
    waf.untag_resource(ResourceARN=summary["ARN"], TagKeys=["team"])
    tags = waf.list_tags_for_resource(ResourceARN=summary["ARN"])["TagInfoForResource"]
    assert tags["TagList"] == [{"Key": "env", "Value": "dev"}]
    waf.delete_web_acl(Name=summary["Name"], Scope="REGIONAL", Id=summary["Id"],
                       LockToken=token)
    missing = _refused(waf.get_web_acl, "WAFNonexistentItemException", ARN=summary["ARN"])
    assert missing["Message"] == ("AWS WAF couldn\u2019t perform the operation because your "
                                  "resource doesn\u2019t exist.")


def test_sets_rule_groups_and_what_refers_to_them(emulator: EmulatorHandle) -> None:
    waf = emulator.client("wafv2")
    ips = waf.create_ip_set(Name=_unique("ips"), Scope="REGIONAL", IPAddressVersion="IPV4",
                            Addresses=["10.0.0.0/8"])["Summary"]
    regexes = waf.create_regex_pattern_set(
        Name=_unique("rx"), Scope="REGIONAL",
        RegularExpressionList=[{"RegexString": "^/admin"}])["Summary"]
    group = waf.create_rule_group(
        Name=_unique("group"), Scope="REGIONAL", Capacity=50, VisibilityConfig=VISIBLE,
        Rules=[_rule({"IPSetReferenceStatement": {"ARN": ips["ARN"]}}, "ips"),
               {**_rule({"RegexPatternSetReferenceStatement": {
                   "ARN": regexes["ARN"], "FieldToMatch": {"UriPath": {}},
                   "TextTransformations": NONE}}, "rx", 1), "RuleLabels": [{"Name": "a:b"}]}]
    )["Summary"]
    got = waf.get_rule_group(ARN=group["ARN"])["RuleGroup"]
    assert got["Capacity"] == 50
    assert got["AvailableLabels"] == [{"Name": f"{got['LabelNamespace']}a:b"}]
    acl = _create_acl(waf, [{"Name": "g", "Priority": 0, "OverrideAction": {"None": {}},
                             "Statement": {"RuleGroupReferenceStatement": {
                                 "ARN": group["ARN"]}}, "VisibilityConfig": VISIBLE}])
    assert waf.get_web_acl(ARN=acl["ARN"])["WebACL"]["Capacity"] == 50
    # A rule group in use, and a set a rule group uses, cannot be deleted.
    used = _refused(waf.delete_rule_group, "WAFAssociatedItemException",
                    Name=group["Name"], Scope="REGIONAL", Id=group["Id"],
                    LockToken=group["LockToken"])
    assert "being used by another resource" in used["Message"]
    _refused(waf.delete_ip_set, "WAFAssociatedItemException", Name=ips["Name"],
             Scope="REGIONAL", Id=ips["Id"], LockToken=ips["LockToken"])
    updated = waf.update_ip_set(Name=ips["Name"], Scope="REGIONAL", Id=ips["Id"],
                                Addresses=["10.0.0.0/8", "192.0.2.0/24"],
                                LockToken=ips["LockToken"])
    got_ips = waf.get_ip_set(Name=ips["Name"], Scope="REGIONAL", Id=ips["Id"])
    assert got_ips["IPSet"]["Addresses"] == ["10.0.0.0/8", "192.0.2.0/24"]
    assert got_ips["LockToken"] == updated["NextLockToken"]
    names = {item["Name"] for item in waf.list_ip_sets(Scope="REGIONAL")["IPSets"]}
    assert ips["Name"] in names
    assert regexes["Name"] in {item["Name"] for item in waf.list_regex_pattern_sets(
        Scope="REGIONAL")["RegexPatternSets"]}
    assert group["Name"] in {item["Name"] for item in waf.list_rule_groups(
        Scope="REGIONAL")["RuleGroups"]}


def test_associations_are_listed_and_block_deletion(emulator: EmulatorHandle) -> None:
    waf = emulator.client("wafv2")
    api = emulator.client("apigateway")
    created = api.create_rest_api(name=_unique("api"))
    api.put_method(restApiId=created["id"], resourceId=created["rootResourceId"],
                   httpMethod="GET", authorizationType="NONE")
    api.put_integration(restApiId=created["id"], resourceId=created["rootResourceId"],
                        httpMethod="GET", type="MOCK")
    api.create_deployment(restApiId=created["id"], stageName="dev")
    stage = f"arn:aws:apigateway:{emulator.region}::/restapis/{created['id']}/stages/dev"
    acl = _create_acl(waf, [])
    waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=stage)
    assert waf.get_web_acl_for_resource(ResourceArn=stage)["WebACL"]["ARN"] == acl["ARN"]
    assert waf.list_resources_for_web_acl(WebACLArn=acl["ARN"], ResourceType="API_GATEWAY"
                                          )["ResourceArns"] == [stage]
    _refused(waf.delete_web_acl, "WAFAssociatedItemException", Name=acl["Name"],
             Scope="REGIONAL", Id=acl["Id"], LockToken=acl["LockToken"])
    waf.disassociate_web_acl(ResourceArn=stage)
    assert "WebACL" not in waf.get_web_acl_for_resource(ResourceArn=stage)
    waf.delete_web_acl(Name=acl["Name"], Scope="REGIONAL", Id=acl["Id"],
                       LockToken=acl["LockToken"])


# Each case: the rules, then the Field, Parameter and the message's reason AWS answers with.
# Recorded answers: https://github.com/hashicorp/terraform-provider-aws/issues/34320 (an And
# with one statement), /issues/14120 (a reference to a missing set), /issues/29321 (a rule
# with both an action and an override action), /issues/28808 and
# https://github.com/umotif-public/terraform-aws-waf-webaclv2/pull/85 (exactly-one refusals
# of FIELD_TO_MATCH and RULE_ACTION, worded with their code).
MINIMUM = ("You haven't met a minimum requirement for a threshold setting. Examples include a "
           "rule group capacity setting that's too low and an OR statement with only one nested "
           "statement.")
EXACTLY_ONE = "You have used none or multiple values for a field that requires exactly one value."
BAD_STATEMENTS = {
    "and-with-one": ([_rule({"AndStatement": {"Statements": [_byte()]}})],
                     "AND_STATEMENT", "AndStatement", MINIMUM),
    "missing-ip-set": ([_rule({"IPSetReferenceStatement": {
        "ARN": "arn:aws:wafv2:us-east-1:000000000000:regional/ipset/gone/"
               "0d3a6391-aacf-444c-b8b3-296941d1e720"}})],
        "RULE", "Statement", "A reference in your rule statement is not valid."),
    "action-and-override": ([{**_rule(_byte()), "OverrideAction": {"None": {}}}],
                            "RULE", "Rule", EXACTLY_ONE),
    "two-fields": ([_rule(_byte(UriPath={}, QueryString={}))],
                   "FIELD_TO_MATCH", "FieldToMatch", "EXACTLY_ONE_CONDITION_REQUIRED"),
    "empty-action": ([_rule(_byte(), action={})],
                     "RULE_ACTION", "RuleAction", "EXACTLY_ONE_CONDITION_REQUIRED"),
    "nested-rate-based": ([_rule({"NotStatement": {"Statement": {"RateBasedStatement": {
        "Limit": 100, "AggregateKeyType": "IP"}}}})],
        "STATEMENT", "RateBasedStatement",
        "Your nested statement isn't valid. You might have tried to nest a statement that "
        "can't be nested."),
}


@pytest.mark.parametrize("case", sorted(BAD_STATEMENTS))
def test_an_invalid_statement_gets_aws_waf_invalid_parameter(
        emulator: EmulatorHandle, case: str) -> None:
    rules, field, parameter, reason = BAD_STATEMENTS[case]
    waf = emulator.client("wafv2")
    refused = _refused(waf.create_web_acl, "WAFInvalidParameterException",
                       Name=_unique("bad"), Scope="REGIONAL", DefaultAction={"Allow": {}},
                       Rules=rules, VisibilityConfig=VISIBLE)
    assert refused["Message"] == f"Error reason: {reason}, field: {field}, parameter: {parameter}"
    assert (refused["Field"], refused["Parameter"]) == (field, parameter)
    assert refused["Reason"] != "EXACTLY_ONE_CONDITION_REQUIRED"  # the sentence, always


def test_ip_sets_refuse_what_is_not_a_network(emulator: EmulatorHandle) -> None:
    """https://github.com/aws-samples/dcv-web-portal/issues/10 (0.0.0.0/0) and
    https://github.com/aws/aws-cdk/issues/20003 (host bits past the prefix) record AWS's
    answer."""
    waf = emulator.client("wafv2")
    for address in ("0.0.0.0/0", "195.178.188.66/29", "10.0.0.1", "2001:db8::/32"):
        refused = _refused(waf.create_ip_set, "WAFInvalidParameterException",
                           Name=_unique("ips"), Scope="REGIONAL", IPAddressVersion="IPV4",
                           Addresses=[address])
        assert refused["Message"] == ("Error reason: The parameter contains formatting that is "
                                      f"not valid., field: IP_ADDRESS, parameter: {address}")


def test_duplicate_names_and_rules(emulator: EmulatorHandle) -> None:
    waf = emulator.client("wafv2")
    name = _unique("ips")
    waf.create_ip_set(Name=name, Scope="REGIONAL", IPAddressVersion="IPV4", Addresses=[])
    _refused(waf.create_ip_set, "WAFDuplicateItemException", Name=name, Scope="REGIONAL",
             IPAddressVersion="IPV4", Addresses=[])
    _refused(waf.create_web_acl, "WAFDuplicateItemException", Name=_unique("acl"),
             Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBLE,
             Rules=[_rule(_byte(), "same", 0), _rule(_byte(), "same", 1)])


def test_managed_keys_only_for_rules_aggregating_on_addresses(emulator: EmulatorHandle) -> None:
    """https://docs.aws.amazon.com/waf/latest/APIReference/API_GetRateBasedStatementManagedKeys.html"""
    waf = emulator.client("wafv2")
    acl = _create_acl(waf, [_rule({"RateBasedStatement": {
        "Limit": 100, "AggregateKeyType": "CONSTANT"}}, "everyone")])
    where = {"Scope": "REGIONAL", "WebACLName": acl["Name"], "WebACLId": acl["Id"]}
    refused = _refused(waf.get_rate_based_statement_managed_keys,
                       "WAFUnsupportedAggregateKeyTypeException", RuleName="everyone", **where)
    assert refused["Message"].startswith("The rule that you've named doesn't aggregate solely")
    _refused(waf.get_rate_based_statement_managed_keys, "WAFNonexistentItemException",
             RuleName="nobody", **where)
