"""The AWS::Include transform: snippets and whole sections read from S3.

AWS: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/transform-aws-include.html
(inserted at the transform's place, in a section or as a value; declared in the Transform
section, the file's sections join the template's). `sam deploy` uploads a local
``Location`` of a DefinitionBody include and points it at S3, as these templates do.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from cloudformation_support import create, outputs, stack_name, wait_failed

from emulator.testing import EmulatorHandle

OPENAPI = """
openapi: "3.0.1"
info: {title: included, version: "1"}
paths:
  /hello:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default:
            statusCode: "200"
            responseTemplates: {application/json: '{"included": true}'}
"""

SAM_API = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters: {Location: s3://BUCKET/api.yaml}
Outputs:
  Api: {Value: !Ref Api}
"""


def _bucket(emulator: EmulatorHandle, files: dict[str, str]) -> str:
    s3 = emulator.client("s3")
    name = f"include-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=name)
    for key, body in files.items():
        s3.put_object(Bucket=name, Key=key, Body=body.encode())
    return name


@pytest.mark.slow  # the SAM translator's first load
def test_a_sam_api_definition_body_included_from_s3(emulator: EmulatorHandle) -> None:
    bucket = _bucket(emulator, {"api.yaml": OPENAPI})
    cfn, name = emulator.client("cloudformation"), stack_name("include")
    create(cfn, name, SAM_API.replace("BUCKET", bucket),
           Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    api = outputs(cfn, name)["Api"]
    paths = {r["path"] for r in emulator.client("apigateway").get_resources(
        restApiId=api)["items"]}
    assert "/hello" in paths
    answer = httpx.get(f"{emulator.endpoint_url}/restapis/{api}/dev/_user_request_/hello")
    assert answer.status_code == 200
    assert answer.json() == {"included": True}


def test_include_in_a_section_and_in_the_transform_section(emulator: EmulatorHandle) -> None:
    bucket = _bucket(emulator, {
        "queue.json": json.dumps({"Extra": {"Type": "AWS::SQS::Queue"}}),
        "outputs.yaml": "Outputs:\n  Extra: {Value: !GetAtt Extra.QueueName}\n"})
    template = {
        "Transform": {"Name": "AWS::Include",
                      "Parameters": {"Location": f"s3://{bucket}/outputs.yaml"}},
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic"},
            "Fn::Transform": {"Name": "AWS::Include",
                              "Parameters": {"Location": f"s3://{bucket}/queue.json"}}}}
    cfn, name = emulator.client("cloudformation"), stack_name("include")
    create(cfn, name, json.dumps(template), Capabilities=["CAPABILITY_AUTO_EXPAND"])
    queue = outputs(cfn, name)["Extra"]
    assert emulator.client("sqs").get_queue_url(QueueName=queue)["QueueUrl"]


def test_a_missing_include_fails_the_stack(emulator: EmulatorHandle) -> None:
    bucket = _bucket(emulator, {})
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {
        "Tags": {"Fn::Transform": {"Name": "AWS::Include",
                                   "Parameters": {"Location": f"s3://{bucket}/no.yaml"}}}}}}}
    cfn, name = emulator.client("cloudformation"), stack_name("include")
    try:
        create(cfn, name, json.dumps(template), wait=False)
    except Exception as error:  # refused at once, as a ValidationError
        assert "AWS::Include" in str(error)
        return
    stack: dict[str, Any] = wait_failed(cfn, name)
    assert stack["StackStatus"] in ("ROLLBACK_COMPLETE", "CREATE_FAILED")
