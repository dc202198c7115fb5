"""What the AWS CDK's bootstrap stack (CDKToolkit) and every CDK-synthesized stack ask of
CloudFormation, replayed with boto3: the staging bucket's lifecycle rules in their current
form (NoncurrentVersionExpiration, AbortIncompleteMultipartUpload), the container assets
repository (AWS::ECR::Repository with a lifecycle policy), and AWS::CDK::Metadata.

- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-rule.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-noncurrentversionexpiration.html
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repository.html
- https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from cloudformation_support import create, delete, outputs, stack_name
from runtime_functions import need

from emulator.testing import EmulatorHandle

ECR_RULES = {"rules": [{"rulePriority": 1, "description": "Untagged images",
                        "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                      "countNumber": 1, "countUnit": "days"},
                        "action": {"type": "expire"}}]}

TOOLKIT = """
Resources:
  StagingBucket:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      LifecycleConfiguration:
        Rules:
          - Id: CleanupOldVersions
            Status: Enabled
            NoncurrentVersionExpiration: {NoncurrentDays: 30}
          - Id: AbortIncompleteMultipartUploads
            Status: Enabled
            AbortIncompleteMultipartUpload: {DaysAfterInitiation: 1}
          - Id: Logs
            Status: Enabled
            Prefix: logs/
            TagFilters: [{Key: kind, Value: log}]
            ExpirationInDays: 7
            Transitions: [{StorageClass: GLACIER, TransitionInDays: 3}]
  ContainerAssetsRepository:
    Type: AWS::ECR::Repository
    Properties:
      ImageTagMutability: IMMUTABLE
      ImageScanningConfiguration: {ScanOnPush: true}
      LifecyclePolicy:
        LifecyclePolicyText: 'ECR_RULES'
      RepositoryPolicyText:
        Statement: [{Sid: LambdaECRImageRetrievalPolicy, Effect: Allow,
                     Principal: {Service: lambda.amazonaws.com},
                     Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]}]
      Tags: [{Key: team, Value: platform}]
  CDKMetadata:
    Type: AWS::CDK::Metadata
    Properties:
      Analytics: v2:deflate64:H4sIAAAAAAAA/zPSMzQ0MlEwVEtKSS1SqFZQU8YAAFrxvUsRAAAA
Outputs:
  BucketName: {Value: !Ref StagingBucket}
  ImageRepositoryName: {Value: !Ref ContainerAssetsRepository}
  ImageRepositoryArn: {Value: !GetAtt ContainerAssetsRepository.Arn}
  ImageRepositoryUri: {Value: !GetAtt ContainerAssetsRepository.RepositoryUri}
""".replace("ECR_RULES", json.dumps(ECR_RULES))


def test_the_bootstrap_stack_deploys_and_deletes(emulator: EmulatorHandle) -> None:
    cfn, s3, ecr = (emulator.client(n) for n in ("cloudformation", "s3", "ecr"))
    name = stack_name("CDKToolkit")
    create(cfn, name, TOOLKIT)
    out = outputs(cfn, name)
    rules = {rule["ID"]: rule for rule in
             s3.get_bucket_lifecycle_configuration(Bucket=out["BucketName"])["Rules"]}
    assert rules["CleanupOldVersions"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert rules["AbortIncompleteMultipartUploads"]["AbortIncompleteMultipartUpload"] == {
        "DaysAfterInitiation": 1}
    logs = rules["Logs"]
    assert logs["Filter"] == {"And": {"Prefix": "logs/",
                                      "Tags": [{"Key": "kind", "Value": "log"}]}}
    assert logs["Expiration"] == {"Days": 7}
    assert logs["Transitions"] == [{"Days": 3, "StorageClass": "GLACIER"}]

    repository_name = out["ImageRepositoryName"]
    assert repository_name == repository_name.lower()
    assert out["ImageRepositoryUri"] == (
        f"000000000000.dkr.ecr.us-east-1.amazonaws.com/{repository_name}")
    assert out["ImageRepositoryArn"] == (
        f"arn:aws:ecr:us-east-1:000000000000:repository/{repository_name}")
    repository = ecr.describe_repositories(repositoryNames=[repository_name])["repositories"][0]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
    policy = ecr.get_lifecycle_policy(repositoryName=repository_name)
    assert json.loads(policy["lifecyclePolicyText"]) == ECR_RULES
    statement = json.loads(ecr.get_repository_policy(
        repositoryName=repository_name)["policyText"])["Statement"][0]
    assert statement["Sid"] == "LambdaECRImageRetrievalPolicy"
    assert {"Key": "team", "Value": "platform"} in ecr.list_tags_for_resource(
        resourceArn=out["ImageRepositoryArn"])["tags"]
    kinds = {r["LogicalResourceId"]: r["ResourceStatus"] for r in
             cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]}
    assert kinds["CDKMetadata"] == "CREATE_COMPLETE"

    delete(cfn, name)
    with pytest.raises(ClientError) as caught:
        ecr.describe_repositories(repositoryNames=[repository_name])
    assert caught.value.response["Error"]["Code"] == "RepositoryNotFoundException"


# The CDK's custom resource frameworks (S3 autoDeleteObjects, the Provider framework,
# AwsCustomResource) answer with https.request({hostname, path, method: "PUT"}): they keep
# only the ResponseURL's host and path, as AWS's ResponseURL is an https URL on port 443.
CDK_STYLE_CUSTOM = """
Resources:
  Handler:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::000000000000:role/custom-resource
      Code:
        ZipFile: |
          const https = require("https");
          const url = require("url");
          exports.handler = async (event) => {
            const body = JSON.stringify({
              Status: "SUCCESS", Reason: "ok", PhysicalResourceId: "made-by-node",
              StackId: event.StackId, RequestId: event.RequestId,
              LogicalResourceId: event.LogicalResourceId, Data: {Answer: "42"}});
            const parsed = url.parse(event.ResponseURL);
            await new Promise((resolve, reject) => {
              const request = https.request({hostname: parsed.hostname, path: parsed.path,
                method: "PUT", headers: {"content-type": "",
                "content-length": Buffer.byteLength(body, "utf8")}}, (response) => {
                  response.resume();
                  response.statusCode >= 400 ? reject(new Error(String(response.statusCode)))
                                             : resolve();
                });
              request.on("error", reject);
              request.write(body);
              request.end();
            });
          };
  Thing:
    Type: Custom::Thing
    Properties: {ServiceToken: !GetAtt Handler.Arn}
Outputs:
  Answer: {Value: !GetAtt Thing.Answer}
  Id: {Value: !Ref Thing}
"""


def test_a_node_custom_resource_answers_as_the_cdk_frameworks_do(
        emulator: EmulatorHandle) -> None:
    need("node")
    cfn = emulator.client("cloudformation")
    name = stack_name("cdk-custom")
    create(cfn, name, CDK_STYLE_CUSTOM)
    assert outputs(cfn, name) == {"Answer": "42", "Id": "made-by-node"}
    delete(cfn, name)
