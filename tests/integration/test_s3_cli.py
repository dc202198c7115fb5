"""The AWS CLI against S3: ``aws s3 cp/sync/ls/rm`` (multipart for large files) and
``aws s3api``, with the pip-installed CLI and with CLI v2 where the machine has it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from test_lambda_cli import V1_CLI, cli_env, cli_v2

from emulator.testing import EmulatorHandle

# Every command starts a real AWS CLI process (about a second each): the slow profile.
pytestmark = pytest.mark.slow

CLIS = [pytest.param(str(V1_CLI), id="v1"), pytest.param("v2", id="v2")]


def _cli(choice: str) -> str:
    if choice != "v2":
        return choice
    found = cli_v2()
    if found is None:
        pytest.skip("no AWS CLI v2 on this machine")
    return found


def run(cli: str, emulator: EmulatorHandle, *args: str, cwd: Path | None = None) -> str:
    # --endpoint-url as well: CLI v2 builds older than 2.13 do not read AWS_ENDPOINT_URL.
    args = (*args, "--endpoint-url", emulator.endpoint_url)
    done = subprocess.run([cli, *args], capture_output=True, text=True, check=False,
                          env=cli_env(emulator), timeout=120, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("choice", CLIS)
def test_s3_cp_sync_ls_rm(choice: str, fresh_emulator: EmulatorHandle, tmp_path: Path) -> None:
    cli = _cli(choice)
    run(cli, fresh_emulator, "s3", "mb", "s3://cli-bucket")
    source = tmp_path / "site"
    (source / "css").mkdir(parents=True)
    (source / "index.html").write_text("<h1>home</h1>")
    (source / "css" / "app.css").write_text("body {}")
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(9 * 1024 * 1024))  # past the CLI's 8 MB multipart threshold
    run(cli, fresh_emulator, "s3", "cp", str(big), "s3://cli-bucket/big.bin")
    run(cli, fresh_emulator, "s3", "sync", str(source), "s3://cli-bucket/site")
    listing = run(cli, fresh_emulator, "s3", "ls", "--recursive", "s3://cli-bucket")
    assert {line.split()[-1] for line in listing.splitlines()} == {
        "big.bin", "site/index.html", "site/css/app.css"}
    copy = tmp_path / "copy.bin"
    run(cli, fresh_emulator, "s3", "cp", "s3://cli-bucket/big.bin", str(copy))
    assert copy.read_bytes() == big.read_bytes()
    head = json.loads(run(cli, fresh_emulator, "s3api", "head-object", "--bucket",
                          "cli-bucket", "--key", "big.bin"))
    assert head["ETag"].endswith('-2"')  # uploaded in two parts
    # A second sync finds nothing to do; a changed file is uploaded again.
    assert run(cli, fresh_emulator, "s3", "sync", str(source), "s3://cli-bucket/site") == ""
    run(cli, fresh_emulator, "s3", "rm", "s3://cli-bucket/site", "--recursive")
    listing = run(cli, fresh_emulator, "s3", "ls", "--recursive", "s3://cli-bucket")
    assert [line.split()[-1] for line in listing.splitlines()] == ["big.bin"]
    down = tmp_path / "down"
    run(cli, fresh_emulator, "s3", "sync", "s3://cli-bucket", str(down))
    assert (down / "big.bin").read_bytes() == big.read_bytes()


@pytest.mark.parametrize("choice", CLIS)
def test_s3api_commands(choice: str, fresh_emulator: EmulatorHandle, tmp_path: Path) -> None:
    cli = _cli(choice)
    run(cli, fresh_emulator, "s3api", "create-bucket", "--bucket", "api-bucket")
    body = tmp_path / "note.txt"
    body.write_text("note")
    put = json.loads(run(cli, fresh_emulator, "s3api", "put-object", "--bucket", "api-bucket",
                         "--key", "notes/a.txt", "--body", str(body), "--content-type",
                         "text/plain"))
    assert put["ETag"]
    listed = json.loads(run(cli, fresh_emulator, "s3api", "list-objects-v2", "--bucket",
                            "api-bucket"))
    assert [item["Key"] for item in listed["Contents"]] == ["notes/a.txt"]
    out = tmp_path / "out.txt"
    run(cli, fresh_emulator, "s3api", "get-object", "--bucket", "api-bucket", "--key",
        "notes/a.txt", str(out))
    assert out.read_text() == "note"
    run(cli, fresh_emulator, "s3api", "delete-object", "--bucket", "api-bucket", "--key",
        "notes/a.txt")
    run(cli, fresh_emulator, "s3api", "delete-bucket", "--bucket", "api-bucket")
