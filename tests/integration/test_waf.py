"""AWS WAF in front of REST API stages, driven by boto3 and plain HTTP: a web ACL that blocks
an IP set, a rate-based rule that blocks after its limit within a clock-advanced window, SQL
injection and cross-site scripting matches, custom responses, labels, Count, CAPTCHA and
Challenge, sampled requests and the AWS/WAFV2 metrics.

https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing.html
https://docs.aws.amazon.com/waf/latest/developerguide/customizing-the-response-for-blocked-requests.html
https://docs.aws.amazon.com/waf/latest/developerguide/customizing-the-incoming-request.html
https://docs.aws.amazon.com/waf/latest/developerguide/waf-captcha-and-challenge-actions.html
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from apigateway_support import Api, new_api
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _visibility(name: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
            "MetricName": name}


def _rule(name: str, priority: int, statement: dict[str, Any],
          action: str | dict[str, Any] = "Block", **extra: Any) -> dict[str, Any]:
    chosen = {action: {}} if isinstance(action, str) else action
    return {"Name": name, "Priority": priority, "Statement": statement, "Action": chosen,
            "VisibilityConfig": _visibility(name), **extra}


def _protected(emulator: EmulatorHandle, rules: list[dict[str, Any]],
               default: str = "Allow", **acl: Any) -> tuple[Api, str]:
    """A deployed REST API (GET /items and POST /items, mocked) whose stage ``dev`` a new web
    ACL with ``rules`` protects; the API and the web ACL's ARN."""
    api = new_api(emulator, name=_unique("waf"))
    api.mock("/items")
    api.mock("/items", "POST")
    api.deploy("dev")
    waf = emulator.client("wafv2")
    name = _unique("acl")  # also its metric name, so tests' metrics stay apart
    created = waf.create_web_acl(Name=name, Scope="REGIONAL",
                                 DefaultAction={default: {}}, Rules=rules,
                                 VisibilityConfig=_visibility(name), **acl)
    arn = created["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=arn, ResourceArn=_stage_arn(emulator, api))
    return api, arn


def _stage_arn(emulator: EmulatorHandle, api: Api, stage: str = "dev") -> str:
    return f"arn:aws:apigateway:{emulator.region}::/restapis/{api.id}/stages/{stage}"


def _ip_set(emulator: EmulatorHandle, *addresses: str) -> str:
    created = emulator.client("wafv2").create_ip_set(
        Name=_unique("ips"), Scope="REGIONAL", IPAddressVersion="IPV4",
        Addresses=list(addresses))
    return str(created["Summary"]["ARN"])


def _forbidden(response: Any) -> None:
    """AWS's answer to a request AWS WAF blocked on a REST API stage."""
    assert response.status_code == 403
    assert response.json() == {"message": "Forbidden"}
    assert response.headers["x-amzn-ErrorType"] == "ForbiddenException"
    assert response.headers["x-amzn-RequestId"]


def test_an_ip_set_rule_blocks_the_client_and_the_default_action_lets_others_in(
        emulator: EmulatorHandle) -> None:
    blocked = _ip_set(emulator, "127.0.0.1/32")
    others = _ip_set(emulator, "198.51.100.0/24")
    api, _arn = _protected(emulator, [
        _rule("others", 0, {"IPSetReferenceStatement": {"ARN": others}}),
        _rule("forwarded", 1, {"IPSetReferenceStatement": {
            "ARN": others, "IPSetForwardedIPConfig": {
                "HeaderName": "X-Forwarded-For", "FallbackBehavior": "NO_MATCH",
                "Position": "FIRST"}}})])
    assert api.get("dev", "/items").status_code == 200
    # The forwarded address is the one inspected by the rule that reads the header.
    _forbidden(api.get("dev", "/items", headers={"X-Forwarded-For": "198.51.100.7, 10.0.0.1"}))
    waf = emulator.client("wafv2")
    api2, _arn2 = _protected(emulator, [
        _rule("loopback", 0, {"IPSetReferenceStatement": {"ARN": blocked}})])
    _forbidden(api2.get("dev", "/items"))
    # Other stages of the API are not protected.
    api2.deploy("prod")
    assert api2.get("prod", "/items").status_code == 200
    waf.disassociate_web_acl(ResourceArn=_stage_arn(emulator, api2))
    assert api2.get("dev", "/items").status_code == 200


def test_a_rate_based_rule_blocks_after_its_limit_until_the_window_moves_on(
        emulator: EmulatorHandle) -> None:
    emulator.clock.freeze()
    api, arn = _protected(emulator, [_rule("burst", 0, {"RateBasedStatement": {
        "Limit": 10, "EvaluationWindowSec": 60, "AggregateKeyType": "IP"}})])
    waf = emulator.client("wafv2")
    _, _, name, acl_id = arn.rsplit("/", 3)

    def managed() -> list[str]:
        keys = waf.get_rate_based_statement_managed_keys(
            Scope="REGIONAL", WebACLName=name, WebACLId=acl_id, RuleName="burst")
        assert keys["ManagedKeysIPV6"]["Addresses"] == []
        return list(keys["ManagedKeysIPV4"]["Addresses"])

    for _ in range(10):  # 10 is the lowest limit AWS takes
        assert api.get("dev", "/items").status_code == 200
    assert managed() == []
    _forbidden(api.get("dev", "/items"))
    assert managed() == ["127.0.0.1/32"]
    emulator.clock.advance(30)
    _forbidden(api.get("dev", "/items"))  # still twelve within the last minute
    emulator.clock.advance(31)  # the first eleven fell out of the window
    assert managed() == []
    assert api.get("dev", "/items").status_code == 200


def test_sql_injection_and_cross_site_scripting_are_blocked(emulator: EmulatorHandle) -> None:
    decoded = [{"Priority": 0, "Type": "URL_DECODE"}, {"Priority": 1, "Type": "HTML_ENTITY_DECODE"}]
    api, _arn = _protected(emulator, [
        _rule("sqli", 0, {"SqliMatchStatement": {
            "FieldToMatch": {"AllQueryArguments": {}}, "TextTransformations": decoded}}),
        _rule("xss", 1, {"XssMatchStatement": {
            "FieldToMatch": {"Body": {"OversizeHandling": "CONTINUE"}},
            "TextTransformations": decoded}})])
    assert api.get("dev", "/items", params={"name": "O'Brien", "q": "select a shirt"}
                   ).status_code == 200
    _forbidden(api.get("dev", "/items", params={"id": "1' OR '1'='1"}))
    _forbidden(api.get("dev", "/items", params={"id": "1 UNION SELECT password FROM users"}))
    assert api.request("POST", "dev", "/items", content=b'{"note": "<b>bold</b>"}'
                       ).status_code == 200
    _forbidden(api.request("POST", "dev", "/items",
                           content=b'{"note": "<script>alert(1)</script>"}'))


def test_aws_waf_decides_before_the_resource_policy(emulator: EmulatorHandle) -> None:
    """AWS WAF is evaluated before resource policies, authorizers and API keys:
    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html"""
    deny_all = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*"}]})
    api = new_api(emulator, name=_unique("waf"), policy=deny_all)
    api.mock("/items", apiKeyRequired=True)
    api.deploy("dev")
    waf = emulator.client("wafv2")
    arn = waf.create_web_acl(
        Name=_unique("acl"), Scope="REGIONAL", VisibilityConfig=_visibility("order"),
        DefaultAction={"Block": {"CustomResponse": {"ResponseCode": 429}}},
        Rules=[_rule("pass", 0, {"ByteMatchStatement": {
            "SearchString": b"pass", "FieldToMatch": {"QueryString": {}},
            "PositionalConstraint": "CONTAINS",
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}, "Allow")]
    )["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=arn, ResourceArn=_stage_arn(emulator, api))
    assert api.get("dev", "/items").status_code == 429  # AWS WAF answered first
    denied = api.get("dev", "/items", params={"pass": "1"})  # then the resource policy
    assert denied.status_code == 403
    assert denied.json()["Message"].endswith("with an explicit deny")


def test_a_custom_response_takes_precedence_over_the_gateway_response(
        emulator: EmulatorHandle) -> None:
    api, _arn = _protected(emulator, [_rule("agent", 0, {"ByteMatchStatement": {
        "SearchString": b"badbot", "FieldToMatch": {"SingleHeader": {"Name": "user-agent"}},
        "PositionalConstraint": "CONTAINS",
        "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}]}},
        {"Block": {"CustomResponse": {
            "ResponseCode": 429, "CustomResponseBodyKey": "slow",
            "ResponseHeaders": [{"Name": "retry-after", "Value": "30"}]}}})],
        CustomResponseBodies={"slow": {"ContentType": "APPLICATION_JSON",
                                       "Content": '{"error": "slow down"}'}})
    api.client.put_gateway_response(restApiId=api.id, responseType="WAF_FILTERED",
                                    statusCode="418")
    api.deploy("dev")
    blocked = api.get("dev", "/items", headers={"User-Agent": "BadBot/1.0"})
    assert blocked.status_code == 429
    assert blocked.json() == {"error": "slow down"}
    assert blocked.headers["content-type"].startswith("application/json")
    assert blocked.headers["retry-after"] == "30"
    assert api.get("dev", "/items", headers={"User-Agent": "curl/8"}).status_code == 200


def test_the_waf_filtered_gateway_response_shapes_a_plain_block(
        emulator: EmulatorHandle) -> None:
    api, arn = _protected(emulator, [], default="Block")
    api.client.put_gateway_response(
        restApiId=api.id, responseType="WAF_FILTERED", statusCode="418",
        responseTemplates={"application/json": '{"blocked": "$context.wafResponseCode", '
                                               '"status": "$context.waf.status", '
                                               '"acl": "$context.webaclArn"}'})
    api.deploy("dev")
    blocked = api.get("dev", "/items")
    assert blocked.status_code == 418
    assert blocked.json() == {"blocked": "WAF_BLOCK", "status": "403", "acl": arn}


def test_labels_count_and_a_label_match_block_together(emulator: EmulatorHandle) -> None:
    api, arn = _protected(emulator, [
        _rule("tag-admin", 0, {"ByteMatchStatement": {
            "SearchString": b"/admin", "FieldToMatch": {"UriPath": {}},
            "PositionalConstraint": "CONTAINS", "TextTransformations": [
                {"Priority": 0, "Type": "NONE"}]}}, "Count",
            RuleLabels=[{"Name": "site:admin"}]),
        _rule("admins-only-from-office", 1, {"AndStatement": {"Statements": [
            {"LabelMatchStatement": {"Scope": "LABEL", "Key": "site:admin"}},
            {"NotStatement": {"Statement": {"ByteMatchStatement": {
                "SearchString": b"office", "FieldToMatch": {"SingleHeader": {"Name": "x-from"}},
                "PositionalConstraint": "EXACTLY",
                "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}}}]}})])
    api.mock("/admin")
    api.deploy("dev")
    assert api.get("dev", "/items").status_code == 200
    assert api.get("dev", "/admin", headers={"x-from": "office"}).status_code == 200
    _forbidden(api.get("dev", "/admin"))
    waf = emulator.client("wafv2")
    now = datetime.fromtimestamp(emulator.clock.now(), tz=UTC)
    window = {"StartTime": now - timedelta(minutes=5), "EndTime": now + timedelta(minutes=1)}
    counted = waf.get_sampled_requests(WebAclArn=arn, RuleMetricName="tag-admin",
                                       Scope="REGIONAL", TimeWindow=window, MaxItems=100)
    assert counted["PopulationSize"] == 2
    assert {sample["Action"] for sample in counted["SampledRequests"]} == {"COUNT"}
    blocked = waf.get_sampled_requests(WebAclArn=arn, RuleMetricName="admins-only-from-office",
                                       Scope="REGIONAL", TimeWindow=window, MaxItems=100)
    [sample] = blocked["SampledRequests"]
    assert sample["Action"] == "BLOCK"
    assert sample["Request"]["URI"] == "/dev/admin"
    assert sample["Request"]["ClientIP"] == "127.0.0.1"
    namespace = waf.get_web_acl(ARN=arn)["WebACL"]["LabelNamespace"]
    assert {"Name": f"{namespace}site:admin"} in sample["Labels"]


def test_an_allow_inserts_its_headers_into_the_request_the_integration_sees(
        emulator: EmulatorHandle) -> None:
    api, _arn = _protected(emulator, [_rule("partner", 0, {"ByteMatchStatement": {
        "SearchString": b"partner", "FieldToMatch": {"SingleHeader": {"Name": "x-client"}},
        "PositionalConstraint": "EXACTLY",
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}},
        {"Allow": {"CustomRequestHandling": {"InsertHeaders": [
            {"Name": "tier", "Value": "gold"}]}}})], default="Block")
    api.mock("/echo", body='{"tier": "$input.params(\'x-amzn-waf-tier\')", '
                           '"waf": "$context.wafResponseCode"}')
    api.deploy("dev")
    allowed = api.get("dev", "/echo", headers={"x-client": "partner"})
    assert allowed.status_code == 200
    assert allowed.json() == {"tier": "gold", "waf": "WAF_ALLOW"}
    _forbidden(api.get("dev", "/echo", headers={"x-client": "someone"}))


def test_captcha_and_challenge_answer_a_client_without_a_token_and_pass_one_with(
        emulator: EmulatorHandle) -> None:
    api, _arn = _protected(emulator, [
        _rule("puzzle", 0, {"ByteMatchStatement": {
            "SearchString": b"puzzle", "FieldToMatch": {"QueryString": {}},
            "PositionalConstraint": "CONTAINS",
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}, "Captcha"),
        _rule("silent", 1, {"ByteMatchStatement": {
            "SearchString": b"silent", "FieldToMatch": {"QueryString": {}},
            "PositionalConstraint": "CONTAINS",
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}, "Challenge")])
    captcha = api.get("dev", "/items", params={"mode": "puzzle"})
    assert captcha.status_code == 405
    assert captcha.headers["x-amzn-waf-action"] == "captcha"
    assert captcha.content == b""
    challenge = api.get("dev", "/items", params={"mode": "silent"})
    assert challenge.status_code == 202
    assert challenge.headers["x-amzn-waf-action"] == "challenge"
    # A browser gets a page in place of the puzzle; any token passes, as a valid one does.
    page = api.get("dev", "/items", params={"mode": "puzzle"}, headers={"Accept": "text/html"})
    assert page.status_code == 405
    assert b"aws-waf-token" in page.content
    assert api.get("dev", "/items", params={"mode": "puzzle"},
                   cookies={"aws-waf-token": "any"}).status_code == 200
    assert api.get("dev", "/items", params={"mode": "silent"},
                   headers={"x-aws-waf-token": "any"}).status_code == 200


def test_rules_publish_aws_waf_metrics(emulator: EmulatorHandle) -> None:
    """https://docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html"""
    method = {"FieldToMatch": {"Method": {}}, "PositionalConstraint": "EXACTLY",
              "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}
    group_name = _unique("group")
    group = emulator.client("wafv2").create_rule_group(
        Name=group_name, Scope="REGIONAL", Capacity=10, VisibilityConfig=_visibility(group_name),
        Rules=[_rule("deletes", 0, {"ByteMatchStatement": {"SearchString": b"DELETE",
                                                            **method}}),
               _rule("puts", 1, {"ByteMatchStatement": {"SearchString": b"PUT", **method}},
                     "Count")])["Summary"]["ARN"]
    api, arn = _protected(emulator, [
        _rule("writes", 0, {"ByteMatchStatement": {"SearchString": b"POST", **method}}),
        {"Name": "group", "Priority": 1, "OverrideAction": {"None": {}},
         "Statement": {"RuleGroupReferenceStatement": {"ARN": group}},
         "VisibilityConfig": _visibility("group")},
        # An AWS managed rule group is accepted and never evaluated.
        {"Name": "managed", "Priority": 2, "OverrideAction": {"None": {}},
         "Statement": {"ManagedRuleGroupStatement": {
             "VendorName": "AWS", "Name": "AWSManagedRulesCommonRuleSet"}},
         "VisibilityConfig": _visibility("managed")}])
    for method_name in ("DELETE", "PUT"):
        api.mock("/items", method_name)
    api.deploy("dev")
    assert api.get("dev", "/items", params={"q": "<script>"}).status_code == 200
    _forbidden(api.request("POST", "dev", "/items", content=b"{}"))
    _forbidden(api.request("DELETE", "dev", "/items"))
    assert api.request("PUT", "dev", "/items").status_code == 200
    now = datetime.fromtimestamp(emulator.clock.now(), tz=UTC)
    cloudwatch = emulator.client("cloudwatch")

    def total(metric: str, **dimensions: str) -> float:
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/WAFV2", MetricName=metric,
            Dimensions=[{"Name": name, "Value": value} for name, value in
                        {**dimensions, "Region": emulator.region}.items()],
            StartTime=now - timedelta(minutes=5), EndTime=now + timedelta(minutes=1),
            Period=360, Statistics=["Sum"])["Datapoints"]
        return sum(point["Sum"] for point in points)

    acl = arn.split("/")[-2]
    assert total("BlockedRequests", WebACL=acl, Rule="writes") == 1.0
    assert total("AllowedRequests", WebACL=acl, Rule="ALL") == 2.0
    assert total("BlockedRequests", WebACL=acl, Rule="ALL") == 2.0
    assert total("BlockedRequests", WebACL=acl, Rule="deletes", RuleGroup=group_name) == 1.0
    # A rule group's counting rule has no WebACL dimension.
    assert total("CountedRequests", Rule="puts", RuleGroup=group_name) == 1.0
    assert total("CountedRequests", WebACL=acl, Rule="puts", RuleGroup=group_name) == 0.0


def test_a_web_acl_protects_only_rest_api_stages_that_exist(emulator: EmulatorHandle) -> None:
    """AWS WAF protects REST APIs, not HTTP APIs:
    https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html"""
    waf = emulator.client("wafv2")
    created = waf.create_web_acl(Name=_unique("acl"), Scope="REGIONAL",
                                 DefaultAction={"Allow": {}}, Rules=[],
                                 VisibilityConfig=_visibility("acl"))
    arn = created["Summary"]["ARN"]
    missing = f"arn:aws:apigateway:{emulator.region}::/restapis/nope123/stages/dev"
    with pytest.raises(ClientError) as raised:
        waf.associate_web_acl(WebACLArn=arn, ResourceArn=missing)
    assert raised.value.response["Error"]["Code"] == "WAFNonexistentItemException"
    http_stage = f"arn:aws:apigateway:{emulator.region}::/apis/abc123/stages/$default"
    with pytest.raises(ClientError) as raised:
        waf.associate_web_acl(WebACLArn=arn, ResourceArn=http_stage)
    assert raised.value.response["Error"]["Code"] == "WAFInvalidParameterException"


def test_log_records_reach_a_log_group_with_aws_waf_fields(emulator: EmulatorHandle) -> None:
    """https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html"""
    api, arn = _protected(emulator, [_rule("agents", 0, {"ByteMatchStatement": {
        "SearchString": b"curl", "FieldToMatch": {"SingleHeader": {"Name": "user-agent"}},
        "PositionalConstraint": "STARTS_WITH",
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}})])
    group = _unique("aws-waf-logs-api")
    logs = emulator.client("logs")
    logs.create_log_group(logGroupName=group)
    destination = f"arn:aws:logs:{emulator.region}:000000000000:log-group:{group}"
    waf = emulator.client("wafv2")
    with pytest.raises(ClientError) as raised:
        waf.put_logging_configuration(LoggingConfiguration={
            "ResourceArn": arn, "LogDestinationConfigs": [destination.replace(group, "other")]})
    assert raised.value.response["Error"]["Code"] == "WAFInvalidParameterException"
    waf.put_logging_configuration(LoggingConfiguration={
        "ResourceArn": arn, "LogDestinationConfigs": [destination],
        "RedactedFields": [{"SingleHeader": {"Name": "authorization"}}],
        # Allowed requests are not logged.
        "LoggingFilter": {"DefaultBehavior": "KEEP", "Filters": [{
            "Behavior": "DROP", "Requirement": "MEETS_ANY",
            "Conditions": [{"ActionCondition": {"Action": "ALLOW"}}]}]}})
    assert waf.get_logging_configuration(ResourceArn=arn)["LoggingConfiguration"][
        "LogType"] == "WAF_LOGS"
    assert arn in {item["ResourceArn"] for item in waf.list_logging_configurations(
        Scope="REGIONAL")["LoggingConfigurations"]}
    assert api.get("dev", "/items", headers={"User-Agent": "firefox"}).status_code == 200
    blocked = api.get("dev", "/items", params={"a": "1"},
                      headers={"User-Agent": "curl/8", "Authorization": "secret"})
    _forbidden(blocked)

    def records() -> list[dict[str, Any]]:
        found = logs.filter_log_events(logGroupName=group)["events"]
        return [json.loads(event["message"]) for event in found]

    emulator.wait_idle()
    [entry] = records()
    assert entry["action"] == "BLOCK"
    assert entry["terminatingRuleId"] == "agents"
    assert entry["terminatingRuleType"] == "REGULAR"
    assert entry["webaclId"] == arn
    assert entry["httpSourceName"] == "APIGW"
    assert entry["httpSourceId"].endswith(f":{api.id}:dev")
    request = entry["httpRequest"]
    assert request["requestId"] == blocked.headers["x-amzn-RequestId"]
    assert (request["uri"], request["args"], request["httpMethod"]) == ("/dev/items", "a=1",
                                                                        "GET")
    headers = {item["name"].lower(): item["value"] for item in request["headers"]}
    assert headers["authorization"] == "REDACTED"
    assert headers["user-agent"] == "curl/8"
    waf.delete_logging_configuration(ResourceArn=arn)
    with pytest.raises(ClientError):
        waf.get_logging_configuration(ResourceArn=arn)


WAF_STACK = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: waf-stack-api}
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates: {application/json: '{"statusCode": 200}'}
        IntegrationResponses: [{StatusCode: "200"}]
      MethodResponses: [{StatusCode: "200"}]
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Method
    Properties: {RestApiId: !Ref Api, StageName: live}
  Blocked:
    Type: AWS::WAFv2::IPSet
    Properties:
      Scope: REGIONAL
      IPAddressVersion: IPV4
      Addresses: [BLOCKED]
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Scope: REGIONAL
      DefaultAction: {Allow: {}}
      VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true,
                         MetricName: acl}
      Rules:
        - Name: blocked-ips
          Priority: 0
          Action: {Block: {}}
          Statement: {IPSetReferenceStatement: {Arn: !GetAtt Blocked.Arn}}
          VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true,
                             MetricName: blocked-ips}
        - Name: no-admin
          Priority: 1
          Action: {Block: {}}
          Statement:
            ByteMatchStatement:
              SearchStringBase64: YWRtaW4=
              FieldToMatch: {QueryString: {}}
              PositionalConstraint: CONTAINS
              TextTransformations: [{Priority: 0, Type: NONE}]
          VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true,
                             MetricName: no-admin}
  Association:
    Type: AWS::WAFv2::WebACLAssociation
    DependsOn: Deployment
    Properties:
      WebACLArn: !GetAtt Acl.Arn
      ResourceArn: !Sub "arn:aws:apigateway:${AWS::Region}::/restapis/${Api}/stages/live"
  LogGroup:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: !Sub "aws-waf-logs-${AWS::StackName}"}
  Logging:
    Type: AWS::WAFv2::LoggingConfiguration
    Properties:
      ResourceArn: !GetAtt Acl.Arn
      LogDestinationConfigs: [!GetAtt LogGroup.Arn]
Outputs:
  Api: {Value: !Ref Api}
  AclRef: {Value: !Ref Acl}
  Capacity: {Value: !GetAtt Acl.Capacity}
"""


def test_a_cloudformation_stack_protects_its_stage_and_updates_its_web_acl(
        emulator: EmulatorHandle) -> None:
    """https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-webacl.html"""
    from cloudformation_support import create, delete, outputs, stack_name, update

    cfn = emulator.client("cloudformation")
    name = stack_name("waf")
    create(cfn, name, WAF_STACK.replace("BLOCKED", "198.51.100.0/24"))
    found = outputs(cfn, name)
    acl_name, acl_id, scope = found["AclRef"].split("|")
    assert scope == "REGIONAL"
    assert found["Capacity"] == "11"  # an IP set (1) and a CONTAINS byte match (10)
    url = f"{emulator.endpoint_url}/_aws/execute-api/{found['Api']}/live/"
    assert httpx.get(url).status_code == 200
    _forbidden(httpx.get(url, params={"page": "admin"}))
    update(cfn, name, WAF_STACK.replace("BLOCKED", "127.0.0.1/32"))
    _forbidden(httpx.get(url))  # the IP set changed in place; the web ACL sees it
    waf = emulator.client("wafv2")
    assert waf.get_web_acl(Name=acl_name, Scope="REGIONAL", Id=acl_id)["WebACL"]["Rules"]
    acl_arn = waf.get_web_acl(Name=acl_name, Scope="REGIONAL", Id=acl_id)["WebACL"]["ARN"]
    destination = waf.get_logging_configuration(ResourceArn=acl_arn)["LoggingConfiguration"][
        "LogDestinationConfigs"][0]
    assert f":log-group:aws-waf-logs-{name}" in destination
    delete(cfn, name)
    assert httpx.get(url).status_code == 403  # the API is gone with the stack
    with pytest.raises(ClientError):
        waf.get_web_acl(Name=acl_name, Scope="REGIONAL", Id=acl_id)
