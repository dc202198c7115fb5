"""The pytest plugin as a user gets it: installed with the package, nothing else."""

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


    def test_fresh_emulator_fixture_resets_state_and_clock(fresh_emulator):
        assert fresh_emulator.client("sqs").list_queues().get("QueueUrls", []) == []
        before = fresh_emulator.clock.now()
        fresh_emulator.clock.advance(3600)
        assert fresh_emulator.clock.now() - before >= 3600
    """
)


def test_fixture_works_in_a_project_that_only_installed_the_package(tmp_path: Path) -> None:
    (tmp_path / "test_user_project.py").write_text(USER_TEST)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout
