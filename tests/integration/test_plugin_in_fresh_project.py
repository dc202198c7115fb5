"""The pytest plugin as a user gets it: installed with the package, nothing else."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

USER_TEST = textwrap.dedent(
    """
    import pytest


    def test_queue_round_trip(emulator):
        sqs = emulator.client("sqs")
        url = sqs.create_queue(QueueName="orders")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        messages = sqs.receive_message(QueueUrl=url)["Messages"]
        assert [m["Body"] for m in messages] == ["hello"]


    @pytest.mark.emulator_reset
    def test_reset_marker_starts_empty(emulator):
        assert emulator.client("sqs").list_queues().get("QueueUrls", []) == []


    def test_state_is_shared_without_the_marker(emulator):
        emulator.client("sqs").create_queue(QueueName="kept")
        assert "QueueUrls" in emulator.client("sqs").list_queues()


    def test_the_x_ray_daemon_is_on_a_free_port_not_2000(emulator):
        address = emulator.xray_daemon_address
        assert address is not None and not address.endswith(":2000"), address


    def test_fresh_emulator_fixture_resets_state_and_clock(fresh_emulator):
        assert fresh_emulator.client("sqs").list_queues().get("QueueUrls", []) == []
        before = fresh_emulator.clock.now()
        fresh_emulator.clock.advance(3600)
        assert fresh_emulator.clock.now() - before >= 3600
    """
)


def _pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("EMULATOR_XRAY_DAEMON_PORT", None)  # the fixture's own default
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )


def test_fixture_works_in_a_project_that_only_installed_the_package(tmp_path: Path) -> None:
    (tmp_path / "test_user_project.py").write_text(USER_TEST)
    done = _pytest(tmp_path, "-q", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout


def test_fixtures_and_handle_explain_themselves(tmp_path: Path) -> None:
    listed = _pytest(tmp_path, "--fixtures", "-q").stdout
    for fixture, words in (("emulator", "free port"), ("fresh_emulator", "reset to empty")):
        start = listed.index(fixture + " ")
        assert words in listed[start:start + 1200], listed[start:start + 1200]
    from emulator.testing.handle import EmulatorHandle, VirtualClock

    for member in ("client", "reset", "wait_idle", "xray_daemon_address", "emulator"):
        assert getattr(EmulatorHandle, member).__doc__, member
    for member in ("now", "advance", "set", "reset"):
        assert getattr(VirtualClock, member).__doc__, member
    assert EmulatorHandle.__doc__ and "endpoint_url" in EmulatorHandle.__doc__
