"""A 60-resource CloudFormation stack: CreateStack until CREATE_COMPLETE, against making the
same 60 resources one boto3 call at a time on the same emulator (the floor)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from bench import servers
from bench.clients import ONE_TRY, ROLE, client
from bench.results import Result, median

TARGET = 1.0  # a stack must not be slower than a script making the same resources
BUDGET_SECONDS = 3.0  # the bound for 60 resources on this machine
GROUPS = 10  # each group: role, log group, function, queue, topic, subscription
HANDLER = "def handler(event, context):\n    return event\n"


class Unavailable(Exception):
    """The emulator cannot deploy stacks (yet)."""


def template() -> str:
    resources: dict[str, Any] = {}
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole"}]}
    for i in range(GROUPS):
        resources[f"Role{i}"] = {"Type": "AWS::IAM::Role",
                                 "Properties": {"AssumeRolePolicyDocument": trust}}
        resources[f"Logs{i}"] = {"Type": "AWS::Logs::LogGroup",
                                 "Properties": {"RetentionInDays": 7}}
        resources[f"Function{i}"] = {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler",
            "Role": {"Fn::GetAtt": [f"Role{i}", "Arn"]},
            "Environment": {"Variables": {"LOGS": {"Ref": f"Logs{i}"}}},
            "Code": {"ZipFile": HANDLER}}}
        resources[f"Queue{i}"] = {"Type": "AWS::SQS::Queue",
                                  "Properties": {"VisibilityTimeout": 60}}
        resources[f"Topic{i}"] = {"Type": "AWS::SNS::Topic"}
        resources[f"Subscription{i}"] = {"Type": "AWS::SNS::Subscription", "Properties": {
            "TopicArn": {"Ref": f"Topic{i}"}, "Protocol": "sqs",
            "Endpoint": {"Fn::GetAtt": [f"Queue{i}", "Arn"]}}}
    return json.dumps({"Resources": resources})


def _deploy(cfn: Any, body: str) -> float:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    began = time.perf_counter()
    cfn.create_stack(StackName=name, TemplateBody=body, Capabilities=["CAPABILITY_IAM"])
    while True:
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
        if status == "CREATE_COMPLETE":
            return time.perf_counter() - began
        if not status.endswith("IN_PROGRESS"):
            raise Unavailable(f"the stack ended {status}")
        time.sleep(0.01)


def _by_hand(endpoint: str) -> float:
    """The same resources made by boto3 calls, one after another."""
    iam, logs, lam, sqs, sns = (client(s, endpoint, retries=ONE_TRY)
                                for s in ("iam", "logs", "lambda", "sqs", "sns"))
    from emulator.cloudformation.types.lambda_ import inline_zip

    code = inline_zip(HANDLER, "python3.12")
    trust = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {
        "Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    tag = uuid.uuid4().hex[:8]
    began = time.perf_counter()
    for i in range(GROUPS):
        role = iam.create_role(RoleName=f"r{tag}{i}", AssumeRolePolicyDocument=trust)
        logs.create_log_group(logGroupName=f"g{tag}{i}")
        logs.put_retention_policy(logGroupName=f"g{tag}{i}", retentionInDays=7)
        lam.create_function(FunctionName=f"f{tag}{i}", Runtime="python3.12",
                            Handler="index.handler", Role=role["Role"]["Arn"] or ROLE,
                            Environment={"Variables": {"LOGS": f"g{tag}{i}"}},
                            Code={"ZipFile": code})
        queue = sqs.create_queue(QueueName=f"q{tag}{i}",
                                 Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        topic = sns.create_topic(Name=f"t{tag}{i}")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return time.perf_counter() - began


def run(rounds: int) -> list[Result]:
    port = servers.free_port()
    body = template()
    with servers.started(servers.emulator_command(port), port) as ours:
        cfn = client("cloudformation", ours.endpoint_url, retries=ONE_TRY)
        try:
            cold = _deploy(cfn, body)
        except Exception as error:
            raise Unavailable(str(error)) from None
        _by_hand(ours.endpoint_url)
        stacks, scripts = [], []
        for _ in range(rounds):
            stacks.append(_deploy(cfn, body))
            scripts.append(_by_hand(ours.endpoint_url))
    deploy, floor = median(stacks), median(scripts)
    count = GROUPS * 6
    return [
        Result(f"CloudFormation {count}-resource deploy vs boto3 calls", "s", deploy, floor,
               TARGET, rounds),
        Result(f"CloudFormation {count}-resource deploy vs {BUDGET_SECONDS:.0f} s budget", "s",
               deploy, BUDGET_SECONDS, 1.0, rounds),
        Result("CloudFormation time per resource (warm)", "s", deploy / count,
               floor / count, None, rounds),
        # The first stack of a fresh process also imports and starts every service it
        # touches; shown for context.
        Result(f"CloudFormation {count}-resource first deploy (cold)", "s", cold,
               BUDGET_SECONDS, None, 1),
    ]


__all__ = ["Unavailable", "run"]
