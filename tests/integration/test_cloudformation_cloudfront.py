"""AWS::CloudFront::* and AWS::EC2::VPCEndpoint in a template: a distribution in front of a
bucket with an origin access control, a published CloudFront Function reading a key value
store, managed and custom policies, written as templates write them (plain lists,
AllowedMethods and CachedMethods side by side); the viewer serves it, an update changes the
function, and a stack delete disables the distribution, waits for it on the clock and
deletes it.

https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudfront-distribution.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudfront-function.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpoint.html
"""

from __future__ import annotations

import shutil
import time

import httpx
import pytest
from cloudformation_support import create, outputs, stack_name, update

from emulator.testing import EmulatorHandle

pytestmark = [pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js"),
              pytest.mark.slow]  # a whole stack's life: about five seconds

TEMPLATE = """
Resources:
  Site:
    Type: AWS::S3::Bucket
  Access:
    Type: AWS::CloudFront::OriginAccessControl
    Properties:
      OriginAccessControlConfig:
        Name: site-access
        OriginAccessControlOriginType: s3
        SigningBehavior: always
        SigningProtocol: sigv4
  Store:
    Type: AWS::CloudFront::KeyValueStore
    Properties: {Name: site-store, Comment: flags}
  Marker:
    Type: AWS::CloudFront::Function
    Properties:
      Name: marker
      AutoPublish: true
      FunctionConfig:
        Comment: marks answers
        Runtime: cloudfront-js-2.0
        KeyValueStoreAssociations: [{KeyValueStoreARN: !GetAtt Store.Arn}]
      FunctionCode: |
        async function handler(event) {
          event.response.headers['x-marker'] = {value: '%s'};
          return event.response;
        }
  Headers:
    Type: AWS::CloudFront::ResponseHeadersPolicy
    Properties:
      ResponseHeadersPolicyConfig:
        Name: site-headers
        CustomHeadersConfig:
          Items: [{Header: X-Site, Value: "yes", Override: true}]
  Caching:
    Type: AWS::CloudFront::CachePolicy
    Properties:
      CachePolicyConfig:
        Name: site-cache
        MinTTL: 0
        DefaultTTL: 60
        MaxTTL: 600
        ParametersInCacheKeyAndForwardedToOrigin:
          EnableAcceptEncodingGzip: true
          HeadersConfig: {HeaderBehavior: none}
          CookiesConfig: {CookieBehavior: none}
          QueryStringsConfig: {QueryStringBehavior: whitelist, QueryStrings: [v]}
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        DefaultRootObject: index.html
        Origins:
          - Id: site
            DomainName: !GetAtt Site.RegionalDomainName
            OriginAccessControlId: !GetAtt Access.Id
            S3OriginConfig: {OriginAccessIdentity: ""}
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
          AllowedMethods: [GET, HEAD, OPTIONS]
          CachedMethods: [GET, HEAD]
          CachePolicyId: !Ref Caching
          ResponseHeadersPolicyId: !Ref Headers
          FunctionAssociations:
            - {EventType: viewer-response, FunctionARN: !GetAtt Marker.FunctionARN}
        CustomErrorResponses:
          - {ErrorCode: 404, ResponseCode: 200, ResponsePagePath: /index.html}
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: %s
      VpcEndpointType: Interface
      ServiceName: com.amazonaws.us-east-1.execute-api
Outputs:
  Id: {Value: !Ref Cdn}
  Domain: {Value: !GetAtt Cdn.DomainName}
  Bucket: {Value: !Ref Site}
  Function: {Value: !Ref Marker}
  Endpoint: {Value: !Ref Endpoint}
"""


def test_a_distribution_from_a_template(fresh_emulator: EmulatorHandle) -> None:
    cfn = fresh_emulator.client("cloudformation")
    vpc = fresh_emulator.client("ec2").describe_vpcs()["Vpcs"][0]["VpcId"]
    name = stack_name("cdn")
    create(cfn, name, TEMPLATE % ("one", vpc))
    out = outputs(cfn, name)
    assert out["Domain"].endswith(".cloudfront.net")
    assert out["Function"].endswith(":function/marker")
    fresh_emulator.client("s3").put_object(Bucket=out["Bucket"], Key="index.html",
                                           Body=b"home")
    cloudfront = fresh_emulator.client("cloudfront")
    config = cloudfront.get_distribution_config(Id=out["Id"])["DistributionConfig"]
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["AllowedMethods"]["Items"] == ["GET", "HEAD", "OPTIONS"]
    assert behaviour["AllowedMethods"]["CachedMethods"]["Items"] == ["GET", "HEAD"]
    assert config["CustomErrorResponses"]["Quantity"] == 1
    described = cloudfront.describe_function(Name="marker", Stage="LIVE")
    assert described["FunctionSummary"]["FunctionConfig"]["KeyValueStoreAssociations"][
        "Quantity"] == 1
    endpoint = fresh_emulator.client("ec2").describe_vpc_endpoints(
        VpcEndpointIds=[out["Endpoint"]])["VpcEndpoints"][0]
    assert endpoint["ServiceName"] == "com.amazonaws.us-east-1.execute-api"

    base = f"{fresh_emulator.endpoint_url}/_aws/cloudfront/{out['Id']}"
    page = httpx.get(f"{base}/")
    assert (page.status_code, page.content) == (200, b"home")
    assert (page.headers["x-marker"], page.headers["x-site"]) == ("one", "yes")
    assert httpx.get(f"{base}/missing").content == b"home"  # the custom error response

    update(cfn, name, TEMPLATE % ("two", vpc))
    assert httpx.get(f"{base}/?v=2").headers["x-marker"] == "two"

    stack_id = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackId"]
    # A bucket with objects fails to delete, as on AWS.
    fresh_emulator.client("s3").delete_object(Bucket=out["Bucket"], Key="index.html")
    cfn.delete_stack(StackName=name)
    deadline = time.monotonic() + 30
    status = ""
    while status not in ("DELETE_COMPLETE", "DELETE_FAILED") and time.monotonic() < deadline:
        fresh_emulator.clock.advance(3)  # the disabled distribution deploys on the clock
        time.sleep(0.1)
        status = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]
    assert status == "DELETE_COMPLETE", [
        (e["LogicalResourceId"], e.get("ResourceStatusReason"))
        for e in cfn.describe_stack_events(StackName=stack_id)["StackEvents"]
        if e["ResourceStatus"].endswith("FAILED")]
    assert cloudfront.list_distributions()["DistributionList"]["Quantity"] == 0
    assert cloudfront.list_functions()["FunctionList"]["Quantity"] == 0
    assert cloudfront.list_key_value_stores()["KeyValueStoreList"]["Quantity"] == 0
    assert cloudfront.list_origin_access_controls()["OriginAccessControlList"][
        "Quantity"] == 0
