"""A Map state over a JSON object, driven through boto3: one iteration per key-value pair.

AWS: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html (ItemsPath
"must evaluate to a JSON array or object"; for an object, "an iteration for each key-value pair
in the object, passing the pair to the iteration as input");
https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
(``Map.Item.Key``, "Only valid for JSON objects"); the AWS behaviour recorded in
https://github.com/floci-io/floci/pull/1588 (comment of 2026-07-02): an S3 ItemReader JSON file
whose top level is an object is accepted, each iteration receives ``{"Key": "a", "Value":
{"x": 1}}``, and ``$$.Map.Item.Key``, ``Index`` and ``Value`` resolve in ItemSelector.
"""

from __future__ import annotations

import json
from typing import Any

from sfn_helpers import finished, machine, sfn
from sfn_tasks import events, start, unique

PAIRS = {"b": {"x": 1}, "a": 2}  # key order, not sorted order
PAIR_INPUTS = [{"Key": "b", "Value": {"x": 1}}, {"Key": "a", "Value": 2}]
SELECTOR = {"key.$": "$$.Map.Item.Key", "index.$": "$$.Map.Item.Index",
            "value.$": "$$.Map.Item.Value"}
SELECTED = [{"key": "b", "index": 0, "value": {"x": 1}}, {"key": "a", "index": 1, "value": 2}]


def _map(processor_config: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    processor: dict[str, Any] = {"StartAt": "Echo",
                                 "States": {"Echo": {"Type": "Pass", "End": True}}}
    if processor_config:
        processor["ProcessorConfig"] = processor_config
    return {"StartAt": "Map", "States": {"Map": {
        "Type": "Map", "ItemProcessor": processor, "End": True, **fields}}}


def _run(client: Any, definition: dict[str, Any], payload: Any) -> tuple[str, dict[str, Any]]:
    execution = start(client, machine(client, unique("mapobj"), definition), payload)
    done = finished(client, execution)
    assert done["status"] == "SUCCEEDED", done
    return execution, done


def test_inline_map_over_an_object_runs_one_iteration_per_pair(emulator: Any) -> None:
    client = sfn(emulator)
    execution, done = _run(client, _map(ItemsPath="$.settings"), {"settings": PAIRS})
    assert json.loads(done["output"]) == PAIR_INPUTS
    history = events(client, execution)
    started = [e for e in history if e["type"] == "MapStateStarted"]
    assert started[0]["mapStateStartedEventDetails"] == {"length": 2}
    entered = [json.loads(e["stateEnteredEventDetails"]["input"]) for e in history
               if e["type"] == "PassStateEntered"]
    assert sorted(entered, key=json.dumps) == sorted(PAIR_INPUTS, key=json.dumps)
    _, selected = _run(client, _map(ItemsPath="$.settings", ItemSelector=SELECTOR),
                       {"settings": PAIRS})
    assert json.loads(selected["output"]) == SELECTED


def test_jsonata_items_object_and_context_key(emulator: Any) -> None:
    client = sfn(emulator)
    definition = {"QueryLanguage": "JSONata", **_map(
        Items="{% $states.input.settings %}",
        ItemSelector={"key": "{% $states.context.Map.Item.Key %}",
                      "index": "{% $states.context.Map.Item.Index %}",
                      "value": "{% $states.context.Map.Item.Value %}"})}
    _, done = _run(client, definition, {"settings": PAIRS})
    assert json.loads(done["output"]) == SELECTED


def test_item_reader_json_file_whose_top_level_is_an_object(emulator: Any) -> None:
    s3 = emulator.client("s3")
    bucket = unique("mapobj").lower()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="settings.json",
                  Body=json.dumps({**PAIRS, "c": None}).encode())
    reader = {"Resource": "arn:aws:states:::s3:getObject",
              "ReaderConfig": {"InputType": "JSON"},
              "Parameters": {"Bucket": bucket, "Key": "settings.json"}}
    distributed = {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}
    client = sfn(emulator)
    _, done = _run(client, _map(distributed, ItemReader=reader), {})
    assert json.loads(done["output"]) == [*PAIR_INPUTS, {"Key": "c", "Value": None}]
    capped = {**reader, "ReaderConfig": {"InputType": "JSON", "MaxItems": 2}}
    writer = {"Resource": "arn:aws:states:::s3:putObject",
              "Parameters": {"Bucket": bucket, "Prefix": "runs"}}
    _, done = _run(client, _map(distributed, ItemReader=capped, ItemSelector=SELECTOR,
                                ResultWriter=writer), {})
    manifest_key = json.loads(done["output"])["ResultWriterDetails"]["Key"]
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=manifest_key)["Body"].read())
    [succeeded] = manifest["ResultFiles"]["SUCCEEDED"]
    records = json.loads(s3.get_object(Bucket=bucket, Key=succeeded["Key"])["Body"].read())
    assert sorted((json.loads(r["Input"]) for r in records), key=json.dumps) == sorted(
        SELECTED, key=json.dumps)
