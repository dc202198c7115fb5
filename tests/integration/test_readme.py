"""Every command in the README runs here, against a started emulator, so none can rot.

The shell blocks run as written, with the README's port 4566 swapped for the test emulator's
free port and ``.venv/bin/`` for the environment running the tests. The first block (install,
serve; install the test extra, run the suite) runs in a fresh copy of the project with real
virtualenvs: it takes minutes, so it is marked ``install`` and CI runs it as its own step
(``pytest -m install``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from emulator_process import EmulatorProcess

from emulator.server import free_port
from emulator.services.registry import PROVIDERS
from emulator.testing.handle import connect_to_endpoint

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README.read_text()) if lang == language]


def _is_install(block: str) -> bool:
    return "pip install" in block and "localcloud serve" in block


def _is_docker(block: str) -> bool:
    return block.lstrip().startswith("docker ")


def _aws_cli_v2() -> str | None:
    for candidate in ("/usr/bin/aws", "/usr/local/bin/aws", shutil.which("aws")):
        if not candidate or not Path(candidate).exists():
            continue
        done = subprocess.run([candidate, "--version"], capture_output=True, text=True,
                              timeout=60)
        if done.stdout.startswith("aws-cli/2"):
            return candidate
    return None


def _for_port(text: str, port: int) -> str:
    return text.replace("localhost:4566", f"localhost:{port}").replace(
        "127.0.0.1:4566", f"127.0.0.1:{port}")


@pytest.fixture(scope="module")
def served() -> Iterator[EmulatorProcess]:
    with EmulatorProcess() as process:
        process.wait_healthy()
        yield process


def _shell_blocks() -> list[str]:
    return [b for b in blocks("sh") if not _is_install(b) and not _is_docker(b)]


def test_the_readme_has_the_blocks_these_tests_run() -> None:
    shell = blocks("sh")
    assert _is_install(shell[0]), "the README opens with the two install commands"
    assert any(_is_docker(b) for b in shell)
    assert len(_shell_blocks()) >= 3
    assert len(blocks("python")) >= 2


def _shell_block_params() -> list[Any]:
    """Each shell block; a stack deployment waits on the CLI's waiters (seconds of polling),
    so it runs in the slow profile."""
    return [pytest.param(b, id=b.strip().splitlines()[0][:40],
                         marks=[pytest.mark.slow] if "cloudformation deploy" in b else [])
            for b in _shell_blocks()]


@pytest.mark.parametrize("block", _shell_block_params())
def test_shell_block_runs(block: str, served: EmulatorProcess, tmp_path: Path) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    uses_aws_v2 = re.search(r"^aws ", block, re.M) is not None
    if uses_aws_v2:
        aws = _aws_cli_v2()
        if aws is None:
            pytest.skip("this block needs the AWS CLI v2 (Debian package awscli; .ci/run "
                        "installs it)")
        (tools / "aws").symlink_to(aws)
    script = _for_port(block, served.port).replace(".venv/bin/", f"{Path(sys.prefix)}/bin/")
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
           "EMULATOR_PORT": str(served.port), "AWS_PAGER": "", "AWS_DEFAULT_REGION": "us-east-1"}
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_CONFIG_FILE"):
        env.pop(name, None)
    env["AWS_CONFIG_FILE"] = str(tmp_path / "no-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "no-credentials")
    if "AWS_ACCESS_KEY_ID" not in block:  # what a reader has configured already
        env.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    work = tmp_path / "work"  # a block may write files (a template)
    work.mkdir()
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=work, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    if "/_emulator/health" in block:
        assert '"status": "running"' in done.stdout or '"status":"running"' in done.stdout


def test_the_aws_cli_block_without_logs_tail_runs_on_the_version_1_cli(tmp_path: Path) -> None:
    """What the README says of the pip-installed CLI: all but ``logs tail`` works with it."""
    v1 = Path(sys.prefix) / "bin" / "aws"
    if not v1.exists():
        pytest.skip("the test extra's AWS CLI is not installed")
    block = next(b for b in _shell_blocks() if re.search(r"^aws .* sqs", b, re.M))
    kept = [line for line in block.splitlines() if "logs tail" not in line]
    with EmulatorProcess() as process:
        process.wait_healthy()
        script = re.sub(r"^aws ", f"{v1} ", _for_port("\n".join(kept), process.port),
                        flags=re.M)
        env = {**os.environ, "AWS_CONFIG_FILE": str(tmp_path / "none"),
               "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], env=env,
                              capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, script + done.stdout + done.stderr
    assert '"Body": "hi"' in done.stdout


def test_the_aws_cli_block_talks_to_the_emulator(served: EmulatorProcess) -> None:
    """The CLI block's queue is really there afterwards (the block ran against us)."""
    block = next((b for b in _shell_blocks() if re.search(r"^aws .* sqs", b, re.M)), None)
    assert block is not None
    if _aws_cli_v2() is None:
        pytest.skip("needs the AWS CLI v2")
    sqs = boto3.client("sqs", endpoint_url=served.url, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    names = [url.rsplit("/", 1)[-1] for url in sqs.list_queues().get("QueueUrls", [])]
    assert "jobs" in names


def test_python_client_block_runs(served: EmulatorProcess) -> None:
    snippet = next(b for b in blocks("python") if "boto3.client" in b and "def test_" not in b)
    scope: dict[str, Any] = {}
    exec(_for_port(snippet, served.port), scope)  # the README's own snippet
    url = scope["sqs"].create_queue(QueueName="from-the-readme")["QueueUrl"]
    assert url in scope["sqs"].list_queues()["QueueUrls"]


def test_pytest_example_block_passes(tmp_path: Path) -> None:
    example = next(b for b in blocks("python") if "def test_" in b)
    (tmp_path / "test_readme_example.py").write_text(example)
    env = dict(os.environ)
    env.pop("EMULATOR_XRAY_DAEMON_PORT", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{example.count('def test_')} passed" in done.stdout


@pytest.mark.install
@pytest.mark.skipif(os.environ.get("EMULATOR_TEST_DOCKER") != "1",
                    reason="needs a Docker engine (EMULATOR_TEST_DOCKER=1); .ci/run checks the "
                    "compose file and the Dockerfile instead")
def test_docker_block_builds_and_answers() -> None:
    block = next(b for b in blocks("sh") if _is_docker(b))
    done = subprocess.run(["bash", "-c", block.strip() + " -d --build --wait"], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    try:
        assert done.returncode == 0, done.stdout + done.stderr
        assert httpx.get("http://127.0.0.1:4566/_emulator/health", timeout=10).status_code == 200
    finally:
        subprocess.run(["docker", "compose", "down"], cwd=ROOT, capture_output=True,
                       timeout=300)


# ----- the two install commands, in one shell session, in a fresh copy ----------------------

# One read operation per service: each must answer as the service does, never a 5xx.
READS: dict[str, tuple[str, dict[str, Any]]] = {
    "sqs": ("list_queues", {}),
    "lambda": ("list_functions", {}),
    "logs": ("describe_log_groups", {}),
    "stepfunctions": ("list_state_machines", {}),
    "sns": ("list_topics", {}),
    "events": ("list_event_buses", {}),
    "scheduler": ("list_schedule_groups", {}),
    "pipes": ("list_pipes", {}),
    "apigateway": ("get_rest_apis", {}),
    "apigatewayv2": ("get_apis", {}),
    "xray": ("get_sampling_rules", {}),
    "cognito-idp": ("list_user_pools", {"MaxResults": 10}),
    "apigatewaymanagementapi": ("get_connection", {"ConnectionId": "none"}),
    "cloudformation": ("list_stacks", {}),
    "iam": ("list_roles", {}),
    "kms": ("list_keys", {}),
    "secretsmanager": ("list_secrets", {}),
    "dynamodb": ("list_tables", {}),
    "s3": ("list_buckets", {}),
    "kinesis": ("list_streams", {}),
    "dynamodbstreams": ("list_streams", {}),
    "ssm": ("describe_parameters", {}),
    "cloudwatch": ("list_metrics", {}),
    "cloudfront": ("list_distributions", {}),
    "cloudtrail": ("describe_trails", {}),
    "wafv2": ("list_web_acls", {"Scope": "REGIONAL"}),
    "ec2": ("describe_vpc_endpoints", {}),
    "sts": ("get_caller_identity", {}),
    "ecr": ("describe_repositories", {}),
    "cloudcontrol": ("list_resources", {"TypeName": "AWS::SQS::Queue"}),
    "firehose": ("list_delivery_streams", {}),
    "cloudfront-keyvaluestore": ("describe_key_value_store", {
        "KvsARN": "arn:aws:cloudfront::000000000000:key-value-store/none"}),
}


def test_every_service_has_a_read_for_the_install_test() -> None:
    assert set(READS) == set(PROVIDERS)


def _copy_project(target: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path,
                  timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the first command ended:\n{log.read_text()}")
        try:
            reply = httpx.get(f"{url}/_emulator/health", timeout=2)
            if reply.status_code == 200:
                body: dict[str, Any] = reply.json()
                return body
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise AssertionError(f"the server never answered:\n{log.read_text()}")


def _answers_every_service(url: str) -> None:
    for service, (operation, params) in READS.items():
        client = boto3.client(service, endpoint_url=url, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test",
                              config=Config(retries={"max_attempts": 1}))
        if service == "cloudfront-keyvaluestore":
            connect_to_endpoint(client, url)
        try:
            getattr(client, operation)(**params)
        except ClientError as error:
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            assert status < 500, (service, error.response)


@pytest.mark.install
def test_the_two_readme_commands_in_one_session(tmp_path: Path) -> None:
    """A fresh copy, the README's first command serving, then its second command: the server
    still answers every service (almost none of them loaded before the reinstall)."""
    first, second = [line for line in blocks("sh")[0].splitlines()
                     if line.strip() and not line.startswith("#")]
    project = tmp_path / "project"
    _copy_project(project)
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env.update(EMULATOR_PORT=str(port), EMULATOR_XRAY_DAEMON_PORT="0", PIP_QUIET="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(["bash", "-c", first], cwd=project, env=env, stdout=output,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        health = _wait_healthy(url, server, log, timeout=900)
        assert health["status"] == "running"
        # Nothing but SQS (the deploy script's) is loaded yet, and CloudWatch once a minute has
        # passed: SQS publishes each queue's size metrics to it every minute.
        loaded = {name for name, state in health["services"].items() if state == "running"}
        assert loaded <= {"sqs", "cloudwatch"}, loaded
        # The second command exactly, with the suite narrowed to one quick module.
        suite = {**env, "PYTEST_ADDOPTS": "tests/unit/test_clock.py"}
        done = subprocess.run(["bash", "-c", second], cwd=project, env=suite,
                              capture_output=True, text=True, timeout=1500)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert server.poll() is None, log.read_text()
        health = httpx.get(f"{url}/_emulator/health", timeout=10).json()
        assert health["status"] == "running", health
        assert "problems" not in health, health
        _answers_every_service(url)
        sqs = boto3.client("sqs", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test")
        assert sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)

