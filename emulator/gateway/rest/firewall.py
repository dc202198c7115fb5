"""AWS WAF in front of a REST API stage: the first step of every request, before throttling,
resource policies, authorizers and API keys, as on AWS. A stage no web ACL protects costs one
lookup, and nothing at all while the wafv2 service has never been used (the pipeline does not
call this step then).

A block answers with the API's WAF_FILTERED gateway response (403 {"message":"Forbidden"}
unless the API customises it) or with the rule's own custom response, which takes precedence;
CAPTCHA and Challenge answer as AWS answers a client without a token (405 and 202, with
``x-amzn-waf-action``; a page for a browser).

https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html
https://docs.aws.amazon.com/waf/latest/developerguide/waf-captcha-and-challenge-actions.html
"""

from __future__ import annotations

import time

from emulator.gateway.messages import GatewayResponse
from emulator.gateway.rest.invocation import GatewayError, Invocation
from emulator.ports import WebAclInspector

TOKEN_ACTIONS = {"CAPTCHA": (405, "captcha"), "CHALLENGE": (202, "challenge")}
STATUS_OF = {"ALLOW": 200, "CAPTCHA": 405, "CHALLENGE": 202}  # $context.waf.status
# What a browser (Accept: text/html) gets in place of AWS's puzzle or challenge script: the
# emulator issues no tokens, so the page says how to pass (send any aws-waf-token cookie).
INTERSTITIAL = ("<!DOCTYPE html><html><head><title>AWS WAF {action}</title></head><body>"
                "<p>AWS WAF answered this request with its {action} action. The local emulator "
                "runs no {action}: send any <code>aws-waf-token</code> cookie to pass it.</p>"
                "</body></html>")


def stage_arn(inv: Invocation) -> str:
    deployed = inv.deployed
    return (f"arn:aws:apigateway:{deployed.region}::/restapis/{deployed.api_id}/stages/"
            f"{deployed.stage['stageName']}")


def screen(inv: Invocation, inspector: WebAclInspector) -> GatewayResponse | None:
    """The answer AWS WAF gives instead of the API, or None to let the request through
    (with the headers an Allow inserts); raises the WAF_FILTERED gateway response."""
    from emulator.waf.request import WebRequest

    deployed, request = inv.deployed, inv.request
    arn = stage_arn(inv)
    if not inspector.protects(deployed.account, deployed.region, arn):
        return None
    began = time.perf_counter()
    verdict = inspector.inspect(deployed.account, deployed.region, arn, WebRequest(
        method=request.method, path=f"/{deployed.stage['stageName']}{request.path}",
        query=request.raw_query, headers=list(request.headers), body=request.body,
        source_ip=request.source_ip, request_id=inv.request_id,
        source_id=f"{deployed.account}:{deployed.api_id}:{deployed.stage['stageName']}"))
    if verdict is None:
        return None
    inv.web_acl_arn = verdict.web_acl_arn
    inv.waf_response_code = f"WAF_{verdict.action}"
    inv.waf_latency = str(max(0, round((time.perf_counter() - began) * 1000)))
    inv.waf_status = str(STATUS_OF.get(verdict.action) or verdict.status or 403)
    if verdict.action == "ALLOW":
        request.headers.extend(verdict.request_headers)
        return None
    if verdict.action in TOKEN_ACTIONS:
        status, action = TOKEN_ACTIONS[verdict.action]
        browser = "text/html" in (request.header("accept") or "")
        return GatewayResponse(status, [("x-amzn-waf-action", action),
                                        ("Content-Type", "text/html")],
                               INTERSTITIAL.format(action=action).encode() if browser else b"")
    if verdict.status is not None:  # a custom response, which no gateway response changes
        headers = [("Content-Type", verdict.content_type)] if verdict.content_type else []
        return GatewayResponse(verdict.status, headers + verdict.response_headers,
                               verdict.body or b"")
    raise GatewayError("WAF_FILTERED", 403, "Forbidden", error_type="ForbiddenException",
                       log=f"Request blocked by AWS WAF web ACL {verdict.web_acl_arn}")


__all__ = ["screen", "stage_arn"]
