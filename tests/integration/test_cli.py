"""The console script and ``python -m emulator`` as a user runs them."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from emulator_process import EmulatorProcess


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args], capture_output=True, text=True, timeout=60
    )


def test_version_and_help() -> None:
    assert "localcloud" in _cli("--version").stdout
    helped = _cli("serve", "--help").stdout
    for flag in ("--host", "--port", "--state-dir", "--region", "--log-level", "--deploy"):
        assert flag in helped


def test_every_setting_is_a_flag_and_a_variable() -> None:
    from emulator.cli import build_parser
    from emulator.config import options

    helped = _cli("serve", "--help").stdout.replace("\n", " ")
    for name in (option.name for option in options()):
        assert "--" + name.replace("_", "-") in helped
        assert f"EMULATOR_{name.upper()}" in " ".join(helped.split())
    args = build_parser().parse_args(
        ["serve", "--port", "5001", "--no-request-log", "--deploy", "a.py", "--deploy", "b.py"]
    )
    assert (args.port, args.request_log, [str(p) for p in args.deploy]) == (
        5001, False, ["a.py", "b.py"],
    )
    before = build_parser().parse_args(["--region", "eu-west-1", "serve"])
    assert before.region == "eu-west-1"


def test_client_commands_show_only_their_own_options() -> None:
    server_only = ("--state-dir", "--lambda-executor", "--deploy", "--log-level",
                   "--sfn-wait-scale", "--xray-daemon-port", "--request-log")
    own = {"status": [], "reset": ["--service"], "traces": ["--limit", "--json", "--region"],
           "trace": ["trace_id", "--json", "--account"]}
    for command, flags in own.items():
        helped = _cli(command, "--help").stdout
        for flag in ("--endpoint-url", "--host", "--port", *flags):
            assert flag in helped, (command, flag)
        for flag in server_only:
            assert flag not in helped, (command, flag)


def test_client_commands_find_the_emulator_by_port_before_or_after_the_name() -> None:
    from emulator.cli import _endpoint, build_parser

    for argv in (["--port", "4999", "status"], ["status", "--port", "4999"],
                 ["traces", "--port", "4999"]):
        assert _endpoint(build_parser().parse_args(argv)) == "http://localhost:4999", argv


def test_serve_logs_requests_status_and_reset_and_stops_gracefully(tmp_path: Path) -> None:
    marker = tmp_path / "deployed.txt"
    script = tmp_path / "deploy.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, pathlib
            import httpx
            url = os.environ["AWS_ENDPOINT_URL"]
            assert httpx.get(url + "/_emulator/health").status_code == 200
            pathlib.Path({str(marker)!r}).write_text(os.environ["AWS_DEFAULT_REGION"])
            """
        )
    )
    with EmulatorProcess("--region", "eu-west-1", "--deploy", str(script)) as emulator:
        assert emulator.wait_healthy()["status"] == "running"
        status = _cli("status", "--endpoint-url", emulator.url)
        assert status.returncode == 0 and '"running"' in status.stdout
        reset = _cli("reset", "--endpoint-url", emulator.url, "--service", "sqs")
        assert reset.returncode == 0 and '"sqs"' in reset.stdout
        for _ in range(200):
            if marker.exists():
                break
            time.sleep(0.05)
        assert marker.read_text() == "eu-west-1"
        # uvicorn re-raises SIGTERM after its graceful shutdown, so -15 is a clean exit too
        assert emulator.terminate() in (0, -15)
        logs = emulator.output()
        assert "deploying" in logs
        assert "emulator stopped cleanly" in logs


def test_status_fails_when_nothing_listens() -> None:
    from emulator.server import free_port

    done = _cli("status", "--endpoint-url", f"http://127.0.0.1:{free_port()}")
    assert done.returncode == 1
    assert "cannot reach" in done.stderr


def test_settings_come_from_environment(monkeypatch: object) -> None:
    import pytest

    from emulator.config import Settings

    patch = pytest.MonkeyPatch()
    try:
        patch.setenv("EMULATOR_PORT", "4999")
        patch.setenv("EMULATOR_REGION", "ap-south-1")
        patch.setenv("EMULATOR_STATE_DIR", "/tmp/somewhere")
        settings = Settings()
        assert settings.port == 4999 and settings.region == "ap-south-1"
        assert settings.database_path == Path("/tmp/somewhere/state.db")
        assert Settings().host == "127.0.0.1"
    finally:
        patch.undo()


def test_a_bad_setting_is_a_clear_error_not_a_traceback() -> None:
    import os

    done = subprocess.run(
        [sys.executable, "-m", "emulator", "--port", "70000"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert "invalid setting: port" in done.stderr and "Traceback" not in done.stderr
    env = {**os.environ, "EMULATOR_LAMBDA_EXECUTOR": "docker"}
    done = subprocess.run(
        [sys.executable, "-m", "emulator"], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 2 and "lambda_executor" in done.stderr
