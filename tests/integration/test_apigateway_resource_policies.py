"""REST API resource policies and private APIs: a private API answers only through a VPC
endpoint its policy allows and refuses every other way in with AWS's messages; a policy that
denies an IP range is enforced; a policy change reaches a stage on redeploy, as on AWS.

https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html
https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html
https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from apigateway_support import new_api

from emulator.testing import EmulatorHandle


def _endpoint(emulator: EmulatorHandle, service: str = "execute-api") -> dict[str, Any]:
    ec2 = emulator.client("ec2")
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    endpoint: dict[str, Any] = ec2.create_vpc_endpoint(
        VpcId=vpc_id, VpcEndpointType="Interface",
        ServiceName=f"com.amazonaws.us-east-1.{service}")["VpcEndpoint"]
    return endpoint


@pytest.fixture(scope="module")
def endpoints(emulator: EmulatorHandle) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two execute-api endpoints in the default VPC: one the policies allow, one not."""
    return _endpoint(emulator), _endpoint(emulator)


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _statement(effect: str, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"Effect": effect, "Principal": "*", "Action": "execute-api:Invoke",
                             "Resource": "execute-api:/*"}
    if condition:
        found["Condition"] = condition
    return found


def _get(emulator: EmulatorHandle, host: str, path: str, **headers: str) -> httpx.Response:
    port = emulator.endpoint_url.rsplit(":", 1)[1]
    return httpx.get(f"{emulator.endpoint_url}{path}",
                     headers={"Host": f"{host}:{port}", **headers})


def test_private_api_answers_only_through_an_allowed_vpc_endpoint(
        emulator: EmulatorHandle, endpoints: tuple[dict[str, Any], dict[str, Any]]) -> None:
    allowed, other = (endpoint["VpcEndpointId"] for endpoint in endpoints)
    api = new_api(emulator, "private", endpointConfiguration={
        "types": ["PRIVATE"], "vpcEndpointIds": [allowed]}, policy=_policy(
        _statement("Allow"),
        _statement("Deny", {"StringNotEquals": {"aws:SourceVpce": allowed}})))
    api.mock("/hello", body='{"private": true}')
    api.deploy("dev")
    through = _get(emulator, f"{api.id}-{allowed}.execute-api.localhost", "/dev/hello")
    assert (through.status_code, through.json()) == (200, {"private": True})
    # AWS's names: the Route 53 alias, and the endpoint's own DNS name with the API's id in
    # x-apigw-api-id (https://docs.aws.amazon.com/apigateway/latest/developerguide/
    # apigateway-private-api-test-invoke-url.html).
    alias = _get(emulator, f"{api.id}-{allowed}.execute-api.us-east-1.amazonaws.com",
                 "/dev/hello")
    assert alias.status_code == 200
    endpoint_name = endpoints[0]["DnsEntries"][0]["DnsName"]
    for name in (endpoint_name, endpoint_name.replace("amazonaws.com", "localhost")):
        by_header = _get(emulator, name, "/dev/hello", **{"x-apigw-api-id": api.id})
        assert by_header.status_code == 200, name
    public = api.get("dev", "/hello")
    assert (public.status_code, public.json()) == (403, {"message": "Forbidden"})
    refused = _get(emulator, f"{api.id}-{other}.execute-api.localhost", "/dev/hello")
    assert refused.status_code == 403
    assert refused.json() == {"Message": (
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
        f"arn:aws:execute-api:us-east-1:********0000:{api.id}/dev/GET/hello with an explicit "
        "deny")}
    assert refused.headers["x-amzn-errortype"] == "AccessDeniedException"
    # An endpoint that does not exist leads nowhere.
    missing = _get(emulator, f"{api.id}-vpce-0ffffffffffffffff.execute-api.localhost",
                   "/dev/hello")
    assert (missing.status_code, missing.json()) == (403, {"message": "Forbidden"})


def test_a_source_vpc_condition_admits_every_endpoint_of_that_vpc(
        emulator: EmulatorHandle, endpoints: tuple[dict[str, Any], dict[str, Any]]) -> None:
    vpc_id = endpoints[0]["VpcId"]
    api = new_api(emulator, "by-vpc", endpointConfiguration={"types": ["PRIVATE"]},
                  policy=_policy(_statement("Allow", {"StringEquals": {
                      "aws:SourceVpc": vpc_id}})))
    api.mock("/hello")
    api.deploy("dev")
    for endpoint in endpoints:
        answer = _get(emulator, f"{api.id}-{endpoint['VpcEndpointId']}.execute-api.localhost",
                      "/dev/hello")
        assert answer.status_code == 200
    api.client.update_rest_api(restApiId=api.id, patchOperations=[{
        "op": "replace", "path": "/policy", "value": _policy(_statement("Allow", {
            "StringEquals": {"aws:SourceVpc": "vpc-0123456789abcdef0"}}))}])
    api.deploy("dev")
    refused = _get(emulator, f"{api.id}-{endpoints[0]['VpcEndpointId']}.execute-api.localhost",
                   "/dev/hello")
    assert refused.status_code == 403
    assert refused.json()["Message"].endswith(f"{api.id}/dev/GET/hello")


def test_a_public_api_is_not_reached_through_an_endpoint(
        emulator: EmulatorHandle, endpoints: tuple[dict[str, Any], dict[str, Any]]) -> None:
    # https://repost.aws/knowledge-center/api-gateway-vpc-connections: VPC endpoints route
    # only to private APIs; a public API answers them 403.
    api = new_api(emulator, "public", endpointConfiguration={"types": ["REGIONAL"]})
    api.mock("/hello")
    api.deploy("dev")
    assert api.get("dev", "/hello").status_code == 200
    through = _get(emulator, f"{api.id}-{endpoints[0]['VpcEndpointId']}.execute-api.localhost",
                   "/dev/hello")
    assert (through.status_code, through.json()) == (403, {"message": "Forbidden"})


def test_private_api_without_an_allowing_policy_refuses_every_endpoint(
        emulator: EmulatorHandle, endpoints: tuple[dict[str, Any], dict[str, Any]]) -> None:
    api = new_api(emulator, "closed", endpointConfiguration={"types": ["PRIVATE"]})
    api.mock("/hello")
    api.deploy("dev")
    refused = _get(emulator, f"{api.id}-{endpoints[0]['VpcEndpointId']}.execute-api.localhost",
                   "/dev/hello")
    assert refused.status_code == 403
    assert refused.json()["Message"].endswith(f"{api.id}/dev/GET/hello")


def test_a_policy_denying_an_ip_range_is_enforced_after_redeploy(
        emulator: EmulatorHandle) -> None:
    api = new_api(emulator, "regional", endpointConfiguration={"types": ["REGIONAL"]},
                  policy=_policy(_statement("Allow"), _statement(
                      "Deny", {"IpAddress": {"aws:SourceIp": ["127.0.0.0/8", "10.1.0.0/16"]}})))
    api.mock("/hello")
    api.deploy("dev")
    denied = api.get("dev", "/hello")
    assert denied.status_code == 403
    assert denied.json()["Message"].endswith("/dev/GET/hello with an explicit deny")
    api.client.update_rest_api(restApiId=api.id, patchOperations=[{
        "op": "replace", "path": "/policy", "value": _policy(_statement("Allow"), _statement(
            "Deny", {"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}}))}])
    assert api.get("dev", "/hello").status_code == 403  # not deployed yet
    api.deploy("dev")
    assert api.get("dev", "/hello").status_code == 200


def test_a_policy_names_the_callers_of_an_aws_iam_method(emulator: EmulatorHandle) -> None:
    # Cross-account access: the policy allows one account's callers and denies a user of
    # another; anonymous callers (no AWS_IAM) match no named principal.
    # https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    emulator.clock.reset()  # the signatures carry real time
    api = new_api(emulator, "cross-account", endpointConfiguration={"types": ["REGIONAL"]},
                  policy=_policy(
                      {**_statement("Allow"), "Principal": {"AWS": [
                          "arn:aws:iam::111122223333:root", "444455556666"]}},
                      {**_statement("Deny"), "Principal": {"AWS": "444455556666"}}))
    api.mock("/hello", authorizationType="AWS_IAM")
    api.deploy("dev")
    url = api.url("dev", "/hello")

    def signed(access_key: str) -> httpx.Response:
        request = AWSRequest(method="GET", url=url)
        SigV4Auth(Credentials(access_key, "test"), "execute-api", "us-east-1").add_auth(
            request)
        return httpx.get(url, headers=dict(request.headers.items()))

    allowed = signed("111122223333")
    assert allowed.status_code == 200, allowed.text
    denied = signed("444455556666")
    assert denied.status_code == 403
    assert denied.json()["Message"] == (
        "User: arn:aws:iam::444455556666:root is not authorized to perform: "
        f"execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********0000:{api.id}"
        "/dev/GET/hello with an explicit deny")
    stranger = signed("777788889999")
    assert stranger.status_code == 403
    assert stranger.json()["Message"].startswith("User: arn:aws:iam::777788889999:root is")
    assert not stranger.json()["Message"].endswith("explicit deny")
