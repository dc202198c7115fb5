"""A Distributed Map's ResultWriter: results exported to S3 with a manifest, or shaped by
WriterConfig alone.

AWS: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
(NONE, the default when exporting, describes each child execution; COMPACT gives outputs;
FLATTEN flattens array outputs; failed children are always described; JSON or JSONL files;
the state's result names the map run and the manifest).
"""

from __future__ import annotations

import json
from typing import Any

from sfn_helpers import finished, machine, sfn
from sfn_tasks import start, unique


def _map(writer: dict[str, Any], processor_result: Any = None,
         fail_when: int | None = None) -> dict[str, Any]:
    states: dict[str, Any] = {"Work": {"Type": "Pass", "End": True}}
    if processor_result is not None:
        states["Work"]["Result"] = processor_result
    if fail_when is not None:
        states = {"Check": {"Type": "Choice", "Default": "Work", "Choices": [
            {"Variable": "$.n", "NumericEquals": fail_when, "Next": "Boom"}]},
            "Boom": {"Type": "Fail", "Error": "Item.Bad", "Cause": "odd one"}, **states}
    return {"StartAt": "Map", "States": {"Map": {
        "Type": "Map", "Label": "Batch", "ResultWriter": writer, "End": True,
        "ToleratedFailurePercentage": 100, "ItemsPath": "$.items",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": next(iter(states)), "States": states}}}}


def _run(emulator: Any, definition: dict[str, Any], items: list[Any]) -> dict[str, Any]:
    client = sfn(emulator)
    arn = machine(client, unique("writer"), definition)
    done = finished(client, start(client, arn, {"items": items}))
    assert done["status"] == "SUCCEEDED", done
    return done


def _read(s3: Any, bucket: str, key: str) -> str:
    return str(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode())


def test_results_exported_to_s3_with_a_manifest(emulator: Any) -> None:
    s3 = emulator.client("s3")
    bucket = unique("results").lower()
    s3.create_bucket(Bucket=bucket)
    done = _run(emulator, _map({"Resource": "arn:aws:states:::s3:putObject",
                                "Parameters": {"Bucket": bucket, "Prefix": "runs"}},
                               fail_when=2), [{"n": 1}, {"n": 2}, {"n": 3}])
    output = json.loads(done["output"])
    map_run = output["MapRunArn"]
    assert ":mapRun:" in map_run and "/Batch:" in map_run
    run_id = map_run.rsplit(":", 1)[-1]
    assert output["ResultWriterDetails"] == {"Bucket": bucket,
                                             "Key": f"runs/{run_id}/manifest.json"}
    manifest = json.loads(_read(s3, bucket, f"runs/{run_id}/manifest.json"))
    assert manifest["DestinationBucket"] == bucket and manifest["MapRunArn"] == map_run
    files = manifest["ResultFiles"]
    assert files["PENDING"] == []
    assert [f["Key"] for f in files["SUCCEEDED"]] == [f"runs/{run_id}/SUCCEEDED_0.json"]
    assert [f["Key"] for f in files["FAILED"]] == [f"runs/{run_id}/FAILED_0.json"]
    succeeded = json.loads(_read(s3, bucket, files["SUCCEEDED"][0]["Key"]))
    assert files["SUCCEEDED"][0]["Size"] == len(_read(s3, bucket,
                                                      files["SUCCEEDED"][0]["Key"]).encode())
    assert [json.loads(r["Output"]) for r in succeeded] == [{"n": 1}, {"n": 3}]
    first = succeeded[0]
    assert first["Status"] == "SUCCEEDED" and json.loads(first["Input"]) == {"n": 1}
    assert first["StateMachineArn"].endswith("/Batch")
    assert {"ExecutionArn", "Name", "StartDate", "StopDate", "InputDetails",
            "OutputDetails", "RedriveCount", "RedriveStatus"} <= set(first)
    failed = json.loads(_read(s3, bucket, files["FAILED"][0]["Key"]))
    assert [(r["Status"], r["Error"], r["Cause"]) for r in failed] == [
        ("FAILED", "Item.Bad", "odd one")]
    # DescribeMapRun counts the written results (resultsWritten, API_MapRunItemCounts.html).
    run = sfn(emulator).describe_map_run(mapRunArn=map_run)
    assert (run["itemCounts"]["resultsWritten"], run["itemCounts"]["failed"]) == (3, 1)


def test_writer_config_alone_shapes_the_state_output(emulator: Any) -> None:
    flat = _run(emulator, _map({"WriterConfig": {"Transformation": "FLATTEN",
                                                 "OutputType": "JSON"}},
                               processor_result=["a", "b"]), [1, 2])
    assert json.loads(flat["output"]) == ["a", "b", "a", "b"]
    described = _run(emulator, _map({"WriterConfig": {"Transformation": "NONE"}}), [7])
    [record] = json.loads(described["output"])
    assert record["Status"] == "SUCCEEDED" and json.loads(record["Output"]) == 7


def test_jsonl_files_with_compact_outputs(emulator: Any) -> None:
    s3 = emulator.client("s3")
    bucket = unique("results").lower()
    s3.create_bucket(Bucket=bucket)
    done = _run(emulator, _map({"Resource": "arn:aws:states:::s3:putObject",
                                "Parameters": {"Bucket": bucket},
                                "WriterConfig": {"Transformation": "COMPACT",
                                                 "OutputType": "JSONL"}}), [{"a": 1}, {"a": 2}])
    key = json.loads(done["output"])["ResultWriterDetails"]["Key"]
    manifest = json.loads(_read(s3, bucket, key))
    [entry] = manifest["ResultFiles"]["SUCCEEDED"]
    assert entry["Key"].endswith("/SUCCEEDED_0.jsonl") and not entry["Key"].startswith("/")
    assert _read(s3, bucket, entry["Key"]).splitlines() == ['{"a":1}', '{"a":2}']


def test_an_unknown_writer_resource_is_refused(emulator: Any) -> None:
    answer = sfn(emulator).validate_state_machine_definition(definition=json.dumps(_map(
        {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b"}})))
    assert answer["result"] == "FAIL"
    assert any(d["location"] == "/States/Map/ResultWriter/Resource"
               for d in answer["diagnostics"]), answer
