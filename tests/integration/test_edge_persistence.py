"""With a state dir, the edge's state survives kill -9: VPC endpoints (and the private API
they reach), key value stores with their keys and ETags, and response headers policies and
origin access controls with the distribution that uses them."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from emulator_process import EmulatorProcess

from emulator.testing.handle import connect_to_endpoint

pytestmark = pytest.mark.slow  # two emulator processes
pytest.importorskip("awscrt", reason="cloudfront-keyvaluestore calls are signed with SigV4A")

HEADERS_POLICY = {"Name": "kept", "CustomHeadersConfig": {"Quantity": 1, "Items": [
    {"Header": "X-Kept", "Value": "yes", "Override": True}]}}


def _client(service: str, url: str) -> Any:
    client = boto3.client(service, endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    if service == "cloudfront-keyvaluestore":
        connect_to_endpoint(client, url)
    return client


def _private_api(url: str, endpoint_id: str) -> str:
    apigateway = _client("apigateway", url)
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
        "Condition": {"StringEquals": {"aws:SourceVpce": endpoint_id}}}]}
    api = apigateway.create_rest_api(name="private", policy=json.dumps(policy),
                                     endpointConfiguration={"types": ["PRIVATE"]})
    root = api["rootResourceId"]
    apigateway.put_method(restApiId=api["id"], resourceId=root, httpMethod="GET",
                          authorizationType="NONE")
    apigateway.put_integration(restApiId=api["id"], resourceId=root, httpMethod="GET",
                               type="MOCK",
                               requestTemplates={"application/json": '{"statusCode": 200}'})
    apigateway.put_method_response(restApiId=api["id"], resourceId=root, httpMethod="GET",
                                   statusCode="200")
    apigateway.put_integration_response(restApiId=api["id"], resourceId=root,
                                        httpMethod="GET", statusCode="200",
                                        responseTemplates={"application/json": '"private"'})
    apigateway.create_deployment(restApiId=api["id"], stageName="dev")
    return str(api["id"])


def _through_endpoint(url: str, api_id: str, endpoint_id: str) -> httpx.Response:
    port = url.rsplit(":", 1)[1]
    return httpx.get(f"{url}/dev/",
                     headers={"Host": f"{api_id}-{endpoint_id}.execute-api.localhost:{port}"})


def test_edge_state_survives_kill_9(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        ec2 = _client("ec2", first.url)
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        endpoint_id = ec2.create_vpc_endpoint(
            VpcId=vpc, VpcEndpointType="Interface",
            ServiceName="com.amazonaws.us-east-1.execute-api")["VpcEndpoint"]["VpcEndpointId"]
        api_id = _private_api(first.url, endpoint_id)
        assert _through_endpoint(first.url, api_id, endpoint_id).status_code == 200

        cloudfront = _client("cloudfront", first.url)
        arn = cloudfront.create_key_value_store(Name="kept")["KeyValueStore"]["ARN"]
        kvs = _client("cloudfront-keyvaluestore", first.url)
        written = kvs.put_key(KvsARN=arn, Key="k", Value="v",
                              IfMatch=kvs.describe_key_value_store(KvsARN=arn)["ETag"])

        policy = cloudfront.create_response_headers_policy(
            ResponseHeadersPolicyConfig=HEADERS_POLICY)
        oac = cloudfront.create_origin_access_control(OriginAccessControlConfig={
            "Name": "kept", "SigningProtocol": "sigv4", "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3"})
        _client("s3", first.url).create_bucket(Bucket="site")
        _client("s3", first.url).put_object(Bucket="site", Key="a.txt", Body=b"a")
        distribution = cloudfront.create_distribution(DistributionConfig={
            "CallerReference": str(uuid.uuid4()), "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{
                "Id": "s3", "DomainName": "site.s3.amazonaws.com",
                "S3OriginConfig": {"OriginAccessIdentity": ""},
                "OriginAccessControlId": oac["OriginAccessControl"]["Id"]}]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "s3", "ViewerProtocolPolicy": "allow-all",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                "ResponseHeadersPolicyId": policy["ResponseHeadersPolicy"]["Id"]}})
        distribution_id = distribution["Distribution"]["Id"]
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        ec2 = _client("ec2", second.url)
        found = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
        assert [e["VpcId"] for e in found] == [vpc]
        reply = _through_endpoint(second.url, api_id, endpoint_id)
        assert (reply.status_code, reply.json()) == (200, "private")

        kvs = _client("cloudfront-keyvaluestore", second.url)
        described = kvs.describe_key_value_store(KvsARN=arn)
        assert (described["ETag"], described["ItemCount"]) == (written["ETag"], 1)
        assert kvs.get_key(KvsARN=arn, Key="k")["Value"] == "v"

        cloudfront = _client("cloudfront", second.url)
        kept = cloudfront.get_response_headers_policy(Id=policy["ResponseHeadersPolicy"]["Id"])
        assert kept["ETag"] == policy["ETag"]
        assert cloudfront.get_origin_access_control(
            Id=oac["OriginAccessControl"]["Id"])["ETag"] == oac["ETag"]
        page = httpx.get(f"{second.url}/_aws/cloudfront/{distribution_id}/a.txt")
        assert (page.status_code, page.headers["x-kept"]) == (200, "yes")
