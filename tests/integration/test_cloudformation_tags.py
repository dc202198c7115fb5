"""Stack-level tags: given to CreateStack, every resource of a type that takes tags carries
them (beside its own and CloudFormation's ``aws:cloudformation:*`` tags), read back through its
own service's API; changed by UpdateStack, every such resource is retagged.

https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-resource-tags.html
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudformation_support import (
    EVERY_SERVICE,
    create,
    delete,
    outputs,
    stack_name,
    update,
    wait_failed,
)

from emulator.testing import EmulatorHandle


def _pairs(tags: list[dict[str, str]], key: str = "Key", value: str = "Value"
           ) -> dict[str, str]:
    return {tag[key]: tag[value] for tag in tags}


def _readers(emulator: EmulatorHandle, out: dict[str, str]
             ) -> dict[str, Callable[[], dict[str, str]]]:
    """Each resource's tags, read through its own service's API."""
    c = emulator.client
    region = "us-east-1"
    group_arn = out["Group"].removesuffix(":*")
    return {
        "Queue": lambda: c("sqs").list_queue_tags(QueueUrl=out["Queue"])["Tags"],
        "Topic": lambda: _pairs(c("sns").list_tags_for_resource(
            ResourceArn=out["Topic"])["Tags"]),
        "Table": lambda: _pairs(c("dynamodb").list_tags_of_resource(
            ResourceArn=out["Table"])["Tags"]),
        "Bucket": lambda: _pairs(c("s3").get_bucket_tagging(Bucket=out["Bucket"])["TagSet"]),
        "Stream": lambda: _pairs(c("kinesis").list_tags_for_stream(
            StreamName=out["Stream"])["Tags"]),
        "Group": lambda: c("logs").list_tags_for_resource(resourceArn=group_arn)["tags"],
        "Secret": lambda: _pairs(c("secretsmanager").describe_secret(
            SecretId=out["Secret"])["Tags"]),
        "Parameter": lambda: _pairs(c("ssm").list_tags_for_resource(
            ResourceType="Parameter", ResourceId=out["Parameter"])["TagList"]),
        "Key": lambda: _pairs(c("kms").list_resource_tags(KeyId=out["Key"])["Tags"],
                              "TagKey", "TagValue"),
        "Role": lambda: _pairs(c("iam").list_role_tags(RoleName=out["Role"])["Tags"]),
        "Function": lambda: c("lambda").list_tags(Resource=out["Function"])["Tags"],
        "Machine": lambda: _pairs(c("stepfunctions").list_tags_for_resource(
            resourceArn=out["Machine"])["tags"], "key", "value"),
        "Rule": lambda: _pairs(c("events").list_tags_for_resource(
            ResourceARN=out["Rule"])["Tags"]),
        "Pool": lambda: c("cognito-idp").describe_user_pool(
            UserPoolId=out["Pool"])["UserPool"]["UserPoolTags"],
        "Rest": lambda: c("apigateway").get_tags(
            resourceArn=f"arn:aws:apigateway:{region}::/restapis/{out['Rest']}")["tags"],
        "Http": lambda: c("apigatewayv2").get_tags(
            ResourceArn=f"arn:aws:apigateway:{region}::/apis/{out['Http']}")["Tags"],
    }


def _tags_of_each(emulator: EmulatorHandle, out: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {name: dict(read()) for name, read in _readers(emulator, out).items()}


def test_stack_tags_reach_every_taggable_resource_and_follow_updates(
        emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("tagged")
    create(cfn, name, EVERY_SERVICE, Capabilities=["CAPABILITY_IAM"],
           Tags=[{"Key": "cost-center", "Value": "cc-1"}, {"Key": "owner", "Value": "ops"}])
    out = outputs(cfn, name)
    tagged = _tags_of_each(emulator, out)
    missing = {resource: tags for resource, tags in tagged.items()
               if tags.get("cost-center") != "cc-1"}
    assert missing == {}
    # A resource's own tag wins over the stack's tag of the same key.
    assert tagged["Queue"]["owner"] == "queue-team"
    assert {tags["owner"] for resource, tags in tagged.items() if resource != "Queue"} == {"ops"}
    assert tagged["Topic"]["aws:cloudformation:stack-name"] == name
    assert tagged["Topic"]["aws:cloudformation:logical-id"] == "Topic"

    update(cfn, name, EVERY_SERVICE, Capabilities=["CAPABILITY_IAM"],
           Tags=[{"Key": "cost-center", "Value": "cc-2"}])
    retagged = _tags_of_each(emulator, out)
    stale = {resource: tags for resource, tags in retagged.items()
             if tags.get("cost-center") != "cc-2" or tags.get("owner") not in (
                 None, "queue-team")}
    assert stale == {}
    assert retagged["Queue"]["owner"] == "queue-team"
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["Tags"] == [
        {"Key": "cost-center", "Value": "cc-2"}]

    # An update that fails after the retagging rolls every resource back to the old tags.
    everything = ", ".join(_readers(emulator, out))
    failing = EVERY_SERVICE.replace("Outputs:", (
        f"  Bad:\n    Type: AWS::SQS::Queue\n    DependsOn: [{everything}]\n"
        "    Properties: {QueueName: not a queue name}\nOutputs:"))
    cfn.update_stack(StackName=name, TemplateBody=failing, Capabilities=["CAPABILITY_IAM"],
                     Tags=[{"Key": "cost-center", "Value": "cc-3"}])
    assert wait_failed(cfn, name, "stack_update_complete")["StackStatus"] == (
        "UPDATE_ROLLBACK_COMPLETE")
    assert _tags_of_each(emulator, out) == retagged
    assert cfn.describe_stacks(StackName=name)["Stacks"][0]["Tags"] == [
        {"Key": "cost-center", "Value": "cc-2"}]
    delete(cfn, name)
