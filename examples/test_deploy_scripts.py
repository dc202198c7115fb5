"""Every example's deploy script: run twice, it updates instead of failing; run as a script, it
prints an invoke URL that resolves everywhere (the ``/_aws/execute-api/`` form) first."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from emulator.testing import EmulatorHandle

HERE = Path(__file__).parent


def _load(relative: str) -> ModuleType:
    path = HERE / relative
    spec = importlib.util.spec_from_file_location(f"deploy_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


def _clients(emulator: EmulatorHandle) -> Callable[[str], Any]:
    return emulator.client


DEPLOYS: dict[str, Callable[[EmulatorHandle], Any]] = {
    "sqs_orders/deploy.py": lambda e: _load("sqs_orders/deploy.py").deploy(e.client("sqs")),
    "lambda_hello/deploy_hello.py": lambda e: _load("lambda_hello/deploy_hello.py").deploy(
        e.client("lambda")),
    "event_flow/deploy_event_flow.py": lambda e: _load(
        "event_flow/deploy_event_flow.py").deploy(_clients(e)),
    "order_workflow/deploy_order_workflow.py": lambda e: _load(
        "order_workflow/deploy_order_workflow.py").deploy(_clients(e)),
    "rest_api/deploy_api.py": lambda e: _load("rest_api/deploy_api.py").deploy(
        e.client("apigateway"), e.client("lambda"), e.region),
    "rest_api_auth/deploy_auth_api.py": lambda e: _load(
        "rest_api_auth/deploy_auth_api.py").deploy(e.client("apigateway"), e.client("lambda"),
                                                   e.region),
    "http_api_cognito/deploy_http_api_cognito.py": lambda e: _load(
        "http_api_cognito/deploy_http_api_cognito.py").deploy(
            e.endpoint_url, e.client("cognito-idp"), e.client("apigatewayv2"),
            e.client("lambda")),
    "websocket_chat/deploy_websocket_chat.py": lambda e: _load(
        "websocket_chat/deploy_websocket_chat.py").deploy(
            e.client("sqs"), e.client("lambda"), e.client("apigatewayv2")),
    "s3_thumbnails/deploy_thumbnails.py": lambda e: _load(
        "s3_thumbnails/deploy_thumbnails.py").deploy(_clients(e)),
}


def test_every_deploy_script_is_covered() -> None:
    scripts = {str(p.relative_to(HERE)) for p in HERE.glob("*/deploy*.py")}
    assert scripts == set(DEPLOYS)


@pytest.mark.parametrize("script", sorted(DEPLOYS))
def test_deploying_twice_updates(script: str, fresh_emulator: EmulatorHandle) -> None:
    first = DEPLOYS[script](fresh_emulator)
    second = DEPLOYS[script](fresh_emulator)
    if script.startswith("rest_api"):
        assert first == second  # the same REST API, so the same invoke URL
    functions = fresh_emulator.client("lambda").list_functions()["Functions"]
    names = [f["FunctionName"] for f in functions]
    assert len(names) == len(set(names))


def _run_script(relative: str, emulator: EmulatorHandle) -> list[str]:
    env = {**os.environ, "AWS_ENDPOINT_URL": emulator.endpoint_url,
           "AWS_DEFAULT_REGION": emulator.region, "AWS_ACCESS_KEY_ID": "test",
           "AWS_SECRET_ACCESS_KEY": "test"}
    done = subprocess.run([sys.executable, str(HERE / relative)], env=env, capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("script", ["rest_api/deploy_api.py", "rest_api_auth/deploy_auth_api.py",
                                    "http_api_cognito/deploy_http_api_cognito.py"])
def test_scripts_print_a_url_python_can_call_first(script: str,
                                                   fresh_emulator: EmulatorHandle) -> None:
    lines = _run_script(script, fresh_emulator)
    assert lines[0].startswith(f"{fresh_emulator.endpoint_url}/_aws/execute-api/"), lines
    assert ".execute-api.localhost:" in lines[1] and "curl and browsers" in lines[1]
    # Python's own client reaches the first URL (auth may refuse, routing may not fail).
    reply = httpx.get(lines[0], timeout=30)
    assert reply.status_code in (200, 401, 403), (reply.status_code, reply.text)
    assert "x-amzn-errortype" not in reply.headers or reply.status_code != 404
    # Run again: the same REST API, so the same URL.
    if script.startswith("rest_api"):
        assert _run_script(script, fresh_emulator)[0] == lines[0]


def test_websocket_script_prints_the_path_form_first(fresh_emulator: EmulatorHandle) -> None:
    lines = _run_script("websocket_chat/deploy_websocket_chat.py", fresh_emulator)
    netloc = fresh_emulator.endpoint_url.split("://", 1)[1]
    assert lines[0].startswith(f"ws://{netloc}/_aws/execute-api/"), lines
    assert lines[0].endswith("/production?name=ada"), lines


@pytest.mark.parametrize("example", sorted(p.name for p in HERE.iterdir()
                                           if p.is_dir() and any(p.glob("deploy*.py"))))
def test_every_example_has_a_readme_saying_how_to_run_it(example: str) -> None:
    readme = HERE / example / "README.md"
    assert readme.exists(), f"examples/{example} has no README.md"
    text = readme.read_text()
    assert text.startswith("# ")
    assert f"pytest examples/{example}" in text
    for script in (HERE / example).glob("deploy*.py"):
        assert f"python examples/{example}/{script.name}" in text or script.name in text
