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
from apigateway_support import new_api

from emulator.testing import EmulatorHandle

ALLOWED = "vpce-0a1b2c3d4e5f60708"


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
        emulator: EmulatorHandle) -> None:
    api = new_api(emulator, "private", endpointConfiguration={
        "types": ["PRIVATE"], "vpcEndpointIds": [ALLOWED]}, policy=_policy(
        _statement("Allow"),
        _statement("Deny", {"StringNotEquals": {"aws:SourceVpce": ALLOWED}})))
    api.mock("/hello", body='{"private": true}')
    api.deploy("dev")
    through = _get(emulator, f"{api.id}-{ALLOWED}.execute-api.localhost", "/dev/hello")
    assert (through.status_code, through.json()) == (200, {"private": True})
    by_header = _get(emulator, f"{ALLOWED}.execute-api.localhost", "/dev/hello",
                     **{"x-apigw-api-id": api.id})
    assert by_header.status_code == 200
    public = api.get("dev", "/hello")
    assert (public.status_code, public.json()) == (403, {"message": "Forbidden"})
    other = _get(emulator, f"{api.id}-vpce-0ffffffffffffffff.execute-api.localhost",
                 "/dev/hello")
    assert other.status_code == 403
    assert other.json() == {"Message": (
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
        f"arn:aws:execute-api:us-east-1:********0000:{api.id}/dev/GET/hello with an explicit "
        "deny")}
    assert other.headers["x-amzn-errortype"] == "AccessDeniedException"


def test_private_api_without_an_allowing_policy_refuses_every_endpoint(
        emulator: EmulatorHandle) -> None:
    api = new_api(emulator, "closed", endpointConfiguration={"types": ["PRIVATE"]})
    api.mock("/hello")
    api.deploy("dev")
    refused = _get(emulator, f"{api.id}-{ALLOWED}.execute-api.localhost", "/dev/hello")
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
