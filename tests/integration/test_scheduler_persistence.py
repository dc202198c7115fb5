"""With a state dir, schedule groups (with their tags) and schedules survive a restart, and a
schedule stored before the restart still fires when the clock reaches it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow


def _client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_schedules_survive_a_restart_and_still_fire(tmp_path: Path) -> None:
    state = tmp_path / "state"
    due = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        scheduler, sqs = _client("scheduler", first.url), _client("sqs", first.url)
        url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        group_arn = scheduler.create_schedule_group(
            Name="jobs", Tags=[{"Key": "team", "Value": "ops"}])["ScheduleGroupArn"]
        scheduler.create_schedule(
            Name="later", GroupName="jobs", FlexibleTimeWindow={"Mode": "OFF"},
            ScheduleExpression=f"at({due.strftime('%Y-%m-%dT%H:%M:%S')})",
            Target={"Arn": arn, "RoleArn": "arn:aws:iam::000000000000:role/s",
                    "Input": "after the restart"})
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        scheduler, sqs = _client("scheduler", second.url), _client("sqs", second.url)
        assert scheduler.list_tags_for_resource(ResourceArn=group_arn)["Tags"] == [
            {"Key": "team", "Value": "ops"}]
        schedule = scheduler.get_schedule(Name="later", GroupName="jobs")
        assert schedule["Target"]["Input"] == "after the restart"
        httpx.post(f"{second.url}/_emulator/clock", json={"freeze": True}).raise_for_status()
        httpx.post(f"{second.url}/_emulator/clock", json={"advance": 3600}).raise_for_status()
        httpx.post(f"{second.url}/_emulator/idle", json={"timeout": 10}).raise_for_status()
        url = sqs.get_queue_url(QueueName="inbox")["QueueUrl"]
        [message] = sqs.receive_message(QueueUrl=url)["Messages"]
        assert message["Body"] == "after the restart"
        assert second.terminate() in (0, -15)
