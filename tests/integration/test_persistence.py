"""With a state dir, everything acknowledged survives ``kill -9`` and a restart."""

from pathlib import Path

import boto3
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow


def _sqs(url: str, region: str = "us-east-1", key: str = "test") -> object:
    return boto3.client(
        "sqs",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key="test",
    )


def test_queues_and_messages_survive_kill_9(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        sqs = _sqs(first.url)
        url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "45"})[
            "QueueUrl"
        ]
        sqs.tag_queue(QueueUrl=url, Tags={"team": "core"})
        for index in range(5):
            sqs.send_message(QueueUrl=url, MessageBody=f"job-{index}")
        other = _sqs(first.url, region="eu-west-1", key="111111111111")
        other.create_queue(QueueName="elsewhere")
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        sqs = _sqs(second.url)
        url = sqs.get_queue_url(QueueName="jobs")["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["VisibilityTimeout"] == "45"
        assert attributes["ApproximateNumberOfMessages"] == "5"
        assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core"}
        bodies: list[str] = []
        for _ in range(10):
            received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            bodies += [m["Body"] for m in received.get("Messages", [])]
            if len(bodies) == 5:
                break
        assert sorted(bodies) == [f"job-{i}" for i in range(5)]
        other = _sqs(second.url, region="eu-west-1", key="111111111111")
        assert other.list_queues()["QueueUrls"][0].endswith("/111111111111/elsewhere")
        assert "QueueUrls" not in _sqs(second.url, region="eu-west-1").list_queues()
        assert second.terminate() in (0, -15)


def test_without_a_state_dir_nothing_is_kept(tmp_path: Path) -> None:
    with EmulatorProcess() as first:
        first.wait_healthy()
        _sqs(first.url).create_queue(QueueName="gone")
        first.kill()
    with EmulatorProcess() as second:
        second.wait_healthy()
        assert "QueueUrls" not in _sqs(second.url).list_queues()


def test_ecr_repositories_and_sts_sessions_survive_kill_9(tmp_path: Path) -> None:
    state = tmp_path / "state"
    options = {"region_name": "us-east-1", "aws_access_key_id": "test",
               "aws_secret_access_key": "test"}
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        ecr = boto3.client("ecr", endpoint_url=first.url, **options)
        ecr.create_repository(repositoryName="app/web", imageTagMutability="IMMUTABLE")
        iam = boto3.client("iam", endpoint_url=first.url, **options)
        role = iam.create_role(RoleName="deployer", AssumeRolePolicyDocument="{}")["Role"]
        sts = boto3.client("sts", endpoint_url=first.url, **options)
        keys = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="ci")["Credentials"]
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        ecr = boto3.client("ecr", endpoint_url=second.url, **options)
        repositories = ecr.describe_repositories()["repositories"]
        assert [(r["repositoryName"], r["imageTagMutability"]) for r in repositories] == [
            ("app/web", "IMMUTABLE")]
        session = boto3.client("sts", endpoint_url=second.url, region_name="us-east-1",
                               aws_access_key_id=keys["AccessKeyId"],
                               aws_secret_access_key=keys["SecretAccessKey"],
                               aws_session_token=keys["SessionToken"])
        assert session.get_caller_identity()["Arn"].endswith(":assumed-role/deployer/ci")
