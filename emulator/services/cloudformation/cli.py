"""``localcloud deploy TEMPLATE``: deploy a CloudFormation or SAM template to a running
emulator as `sam deploy` would: local code folders zipped and uploaded to the emulator's S3
(or, with ``--hot-reload``, run in place), a change set created and executed, each stack event
printed as it happens and the outputs at the end."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from emulator.cloudformation import loader, packaging
from emulator.cloudformation.errors import TemplateError

TERMINAL = ("_COMPLETE", "_FAILED")


def add_command(commands: Any, common: argparse.ArgumentParser) -> None:
    deploy = commands.add_parser("deploy", parents=[common],
                                 help="deploy a CloudFormation or SAM template")
    deploy.add_argument("template", type=Path, help="template file (JSON or YAML)")
    deploy.add_argument("--stack-name", help="default: the template file's folder name")
    deploy.add_argument("--parameter-overrides", nargs="*", default=[],
                        metavar="KEY=VALUE", help="template parameter values")
    deploy.add_argument("--no-wait", action="store_true", help="return once it has started")
    deploy.add_argument("--hot-reload", action="store_true",
                        help="run functions from their folders instead of uploading them")


def _client(url: str, region: str, service: str = "cloudformation") -> Any:
    import boto3

    return boto3.client(service, endpoint_url=url, region_name=region,
                        aws_access_key_id="test", aws_secret_access_key="test")


def _uploader(url: str, region: str) -> packaging.Upload:
    """Uploads to the emulator's S3, in a bucket made for deployments."""
    s3 = _client(url, region, "s3")
    bucket = f"localcloud-deploy-artifacts-{region}"
    made: list[bool] = []

    def upload(key: str, data: bytes) -> tuple[str, str]:
        if not made:
            from botocore.exceptions import ClientError

            try:
                options = {} if region == "us-east-1" else {
                    "CreateBucketConfiguration": {"LocationConstraint": region}}
                s3.create_bucket(Bucket=bucket, **options)
            except ClientError as problem:
                if problem.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
                    raise
            made.append(True)
        s3.put_object(Bucket=bucket, Key=key, Body=data)
        return bucket, key
    return upload


def _exists(cfn: Any, name: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        status = cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    except ClientError:
        return False
    return str(status) != "REVIEW_IN_PROGRESS"


def _follow(cfn: Any, name: str, change_set: str) -> str:
    """Print the stack's events until it settles; returns its final status."""
    seen: set[str] = set()
    while True:
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
        events = cfn.describe_stack_events(StackName=name)["StackEvents"]
        for event in reversed(events):
            if event["EventId"] in seen:
                continue
            seen.add(event["EventId"])
            reason = event.get("ResourceStatusReason", "")
            print(f"{event['ResourceStatus']:<28} {event['ResourceType']:<36} "
                  f"{event['LogicalResourceId']}{'  ' + reason if reason else ''}")
        status = str(stack["StackStatus"])
        if status.endswith(TERMINAL) and "CLEANUP" not in status and stack.get(
                "ChangeSetId", change_set) == change_set:
            return status
        time.sleep(0.2)


def run(args: argparse.Namespace, url: str, region: str) -> int:
    from botocore.exceptions import ClientError, WaiterError

    path: Path = args.template
    upload = None if args.hot_reload else _uploader(url, region)
    try:
        template = packaging.package(loader.load(path.read_text()), path.resolve().parent,
                                     upload)
    except (OSError, TemplateError, ValueError) as problem:
        print(f"localcloud deploy: {problem}", file=sys.stderr)
        return 2
    except ClientError as problem:
        print(f"localcloud deploy: uploading the code failed: "
              f"{problem.response['Error']['Message']}", file=sys.stderr)
        return 1
    name = args.stack_name or path.resolve().parent.name.replace("_", "-") or "stack"
    parameters = []
    for item in args.parameter_overrides:
        key, _, value = item.partition("=")
        parameters.append({"ParameterKey": key, "ParameterValue": value})
    cfn = _client(url, region)
    kind = "UPDATE" if _exists(cfn, name) else "CREATE"
    change_set = f"localcloud-deploy-{int(time.time())}"
    try:
        created = cfn.create_change_set(
            StackName=name, ChangeSetName=change_set, ChangeSetType=kind,
            TemplateBody=json.dumps(template), Parameters=parameters,
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"])
        cfn.get_waiter("change_set_create_complete").wait(
            ChangeSetName=created["Id"], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    except WaiterError:
        reason = cfn.describe_change_set(ChangeSetName=created["Id"]).get("StatusReason", "")
        if "didn't contain changes" in reason:
            print(f"No changes to deploy. Stack {name} is up to date")
            return 0
        print(f"localcloud deploy: {reason}", file=sys.stderr)
        return 1
    except ClientError as problem:
        print(f"localcloud deploy: {problem.response['Error']['Message']}", file=sys.stderr)
        return 1
    cfn.execute_change_set(ChangeSetName=created["Id"])
    print(f"Deploying stack {name} ({kind.lower()})")
    if args.no_wait:
        return 0
    status = _follow(cfn, name, created["Id"])
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    for output in stack.get("Outputs", []):
        print(f"Output {output['OutputKey']}: {output['OutputValue']}")
    ok = status in ("CREATE_COMPLETE", "UPDATE_COMPLETE")
    print(f"Stack {name}: {status}")
    return 0 if ok else 1


__all__ = ["add_command", "run"]
