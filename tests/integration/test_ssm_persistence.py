"""With a state dir, parameters keep their versions, labels and tags across a restart, and a
SecureString is stored encrypted: its plain text is nowhere in the state, yet it decrypts after
the restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow

SECRET = "correct-horse-battery-staple"


def _ssm(url: str) -> Any:
    return boto3.client("ssm", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_parameters_survive_a_restart_and_secrets_stay_sealed(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        ssm = _ssm(first.url)
        ssm.put_parameter(Name="/app/url", Value="v1", Type="String",
                          Tags=[{"Key": "team", "Value": "blue"}])
        ssm.put_parameter(Name="/app/url", Value="v2", Type="String", Overwrite=True)
        ssm.label_parameter_version(Name="/app/url", ParameterVersion=1, Labels=["stable"])
        ssm.put_parameter(Name="/app/secret", Value=SECRET, Type="SecureString")
        sealed = ssm.get_parameter(Name="/app/secret")["Parameter"]["Value"]
        first.kill()

    stored = b"".join(path.read_bytes() for path in state.rglob("*") if path.is_file())
    assert SECRET.encode() not in stored
    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        ssm = _ssm(second.url)
        assert ssm.get_parameter(Name="/app/url")["Parameter"]["Value"] == "v2"
        assert ssm.get_parameter(Name="/app/url:stable")["Parameter"]["Value"] == "v1"
        assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/url")[
            "TagList"] == [{"Key": "team", "Value": "blue"}]
        assert ssm.get_parameter(Name="/app/secret")["Parameter"]["Value"] == sealed
        assert ssm.get_parameter(Name="/app/secret", WithDecryption=True)["Parameter"][
            "Value"] == SECRET
        assert ssm.put_parameter(Name="/app/url", Value="v3", Type="String",
                                 Overwrite=True)["Version"] == 3
        assert second.terminate() in (0, -15)
