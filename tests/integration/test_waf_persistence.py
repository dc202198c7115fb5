"""With a state dir, web ACLs, their sets and their associations survive a crash: after
``kill -9`` and a restart, the stage is still protected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from emulator_process import EmulatorProcess


def _client(url: str, service: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


@pytest.mark.slow
def test_a_protected_stage_stays_protected_after_a_crash(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        gateway, waf = _client(first.url, "apigateway"), _client(first.url, "wafv2")
        api = gateway.create_rest_api(name="kept")
        gateway.put_method(restApiId=api["id"], resourceId=api["rootResourceId"],
                           httpMethod="GET", authorizationType="NONE")
        gateway.put_integration(restApiId=api["id"], resourceId=api["rootResourceId"],
                                httpMethod="GET", type="MOCK",
                                requestTemplates={"application/json": '{"statusCode": 200}'})
        gateway.put_method_response(restApiId=api["id"], resourceId=api["rootResourceId"],
                                    httpMethod="GET", statusCode="200")
        gateway.put_integration_response(restApiId=api["id"],
                                         resourceId=api["rootResourceId"], httpMethod="GET",
                                         statusCode="200")
        gateway.create_deployment(restApiId=api["id"], stageName="dev")
        ips = waf.create_ip_set(Name="loopback", Scope="REGIONAL", IPAddressVersion="IPV4",
                                Addresses=["127.0.0.1/32"])["Summary"]
        visible = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False,
                   "MetricName": "m"}
        acl = waf.create_web_acl(
            Name="kept", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=visible,
            Rules=[{"Name": "ips", "Priority": 0, "Action": {"Block": {}},
                    "Statement": {"IPSetReferenceStatement": {"ARN": ips["ARN"]}},
                    "VisibilityConfig": visible}])["Summary"]
        stage = f"arn:aws:apigateway:us-east-1::/restapis/{api['id']}/stages/dev"
        waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=stage)
        url = f"{first.url}/_aws/execute-api/{api['id']}/dev/"
        assert httpx.get(url).status_code == 403
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        url = f"{second.url}/_aws/execute-api/{api['id']}/dev/"
        blocked = httpx.get(url)
        assert (blocked.status_code, blocked.json()) == (403, {"message": "Forbidden"})
        waf = _client(second.url, "wafv2")
        assert waf.get_web_acl_for_resource(ResourceArn=stage)["WebACL"]["ARN"] == acl["ARN"]
        token = waf.get_ip_set(Name="loopback", Scope="REGIONAL", Id=ips["Id"])["LockToken"]
        waf.update_ip_set(Name="loopback", Scope="REGIONAL", Id=ips["Id"], Addresses=[],
                          LockToken=token)
        assert httpx.get(url).status_code == 200
        assert second.terminate() in (0, -15)
