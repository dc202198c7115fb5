"""The greeting function, tested against the emulator with the pytest plugin's fixtures."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from deploy_hello import deploy

from emulator.testing import EmulatorHandle


def invoke(client: object, event: dict[str, object], **options: object) -> tuple[dict, dict]:
    reply = client.invoke(FunctionName="hello", Payload=json.dumps(event), **options)  # type: ignore[attr-defined]
    return reply, json.loads(reply["Payload"].read())


def test_greets_by_name(fresh_emulator: EmulatorHandle) -> None:
    client = fresh_emulator.client("lambda")
    deploy(client)
    reply, body = invoke(client, {"name": "Ada"})
    assert body["message"] == "Hello, Ada!"
    assert body["requestId"] == reply["ResponseMetadata"]["RequestId"]


def test_falls_back_to_the_configured_name(fresh_emulator: EmulatorHandle) -> None:
    client = fresh_emulator.client("lambda")
    deploy(client)
    assert invoke(client, {})[1]["message"] == "Hello, world!"


def test_a_bad_event_is_an_unhandled_error_with_logs(fresh_emulator: EmulatorHandle) -> None:
    client = fresh_emulator.client("lambda")
    deploy(client)
    reply, body = invoke(client, {"name": 42}, LogType="Tail")
    assert reply["FunctionError"] == "Unhandled"
    assert body["errorType"] == "TypeError"
    log = base64.b64decode(reply["LogResult"]).decode()
    assert "greeting 42" in log and "[ERROR] TypeError: name must be a string" in log


def test_hot_reload_serves_the_folder_in_place(fresh_emulator: EmulatorHandle) -> None:
    client = fresh_emulator.client("lambda")
    deploy(client, hot_reload=True)
    assert invoke(client, {"name": "Grace"})[1]["message"] == "Hello, Grace!"
