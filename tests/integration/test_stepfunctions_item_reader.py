"""A Distributed Map reading its items from S3 (ItemReader), and S3 bodies in AWS SDK tasks.

AWS: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
(getObject with InputType CSV, JSON or JSONL; CSV values are strings keyed by the header row
or CSVHeaders, short rows padded with empty strings, extra fields skipped, doubled backslashes
kept as one; listObjectsV2 gives each object's Etag, Key, LastModified, Size and StorageClass,
or with LOAD_AND_FLATTEN the listed objects' items; ItemsPointer selects a JSON file's array;
GZIP files; S3 inventory manifests; ReaderConfig.MaxItems caps the items).
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from cloudformation_support import create, outputs, stack_name
from sfn_helpers import finished, machine, sfn
from sfn_tasks import start, unique


def _bucket(emulator: Any, objects: dict[str, str | bytes]) -> str:
    s3 = emulator.client("s3")
    name = unique("items").lower()
    s3.create_bucket(Bucket=name)
    for key, body in objects.items():
        s3.put_object(Bucket=name, Key=key,
                      Body=body.encode() if isinstance(body, str) else body)
    return name


def _reader_map(reader: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"StartAt": "Map", "States": {"Map": {
        "Type": "Map", "ItemReader": reader, "End": True, **extra,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}}}}


def _run(emulator: Any, definition: dict[str, Any], payload: Any = None) -> dict[str, Any]:
    client = sfn(emulator)
    arn = machine(client, unique("reader"), definition)
    return finished(client, start(client, arn, payload or {}))


CSV = 'Content,Title,Views\nabc,"Hello, world",10\ndef,Second,20\n'


def test_csv_rows_become_items_keyed_by_the_first_row(emulator: Any) -> None:
    bucket = _bucket(emulator, {"data/metrics.csv": CSV})
    done = _run(emulator, _reader_map({
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
        "Parameters": {"Bucket.$": "$.bucket", "Key": "data/metrics.csv"}}),
        {"bucket": bucket})
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == [
        {"Content": "abc", "Title": "Hello, world", "Views": "10"},
        {"Content": "def", "Title": "Second", "Views": "20"}]


def test_csv_with_given_headers_and_max_items(emulator: Any) -> None:
    bucket = _bucket(emulator, {"rows.csv": "a|1\nb|2\nc|3\n"})
    done = _run(emulator, _reader_map({
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN",
                         "CSVHeaders": ["name", "rank"], "CSVDelimiter": "PIPE",
                         "MaxItems": 2},
        "Parameters": {"Bucket": bucket, "Key": "rows.csv"}}))
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == [{"name": "a", "rank": "1"},
                                          {"name": "b", "rank": "2"}]


def test_json_array_and_json_lines(emulator: Any) -> None:
    bucket = _bucket(emulator, {"a.json": '[{"n": 1}, {"n": 2}]',
                                "b.jsonl": '{"n": 3}\n{"n": 4}\n'})
    for key, kind, expected in (("a.json", "JSON", [{"n": 1}, {"n": 2}]),
                                ("b.jsonl", "JSONL", [{"n": 3}, {"n": 4}])):
        done = _run(emulator, _reader_map({
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": kind},
            "Parameters": {"Bucket": bucket, "Key": key}},
            ItemSelector={"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"}))
        assert done["status"] == "SUCCEEDED", done
        assert json.loads(done["output"]) == [{"value": item, "index": i}
                                              for i, item in enumerate(expected)]


def test_csv_rows_shorter_or_longer_than_the_header(emulator: Any) -> None:
    bucket = _bucket(emulator, {"r.csv": "a,b\n1\n2,3,4\nC:\\\\dir,\"x \"\"y\"\"\"\n"})
    done = _run(emulator, _reader_map({
        "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV"},
        "Parameters": {"Bucket": bucket, "Key": "r.csv"}}))
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == [{"a": "1", "b": ""}, {"a": "2", "b": "3"},
                                          {"a": "C:\\dir", "b": 'x "y"'}]


def test_items_pointer_and_gzip(emulator: Any) -> None:
    nested = json.dumps({"inventory": {"featured": [{"sku": 1}, {"sku": 2}]}})
    bucket = _bucket(emulator, {"n.json.gz": gzip.compress(nested.encode())})
    done = _run(emulator, _reader_map({
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON", "ItemsPointer": "/inventory/featured"},
        "Parameters": {"Bucket": bucket, "Key": "n.json.gz"}}))
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == [{"sku": 1}, {"sku": 2}]


def test_load_and_flatten_reads_every_listed_object(emulator: Any) -> None:
    bucket = _bucket(emulator, {"logs/": "", "logs/1.jsonl": '{"h": 1}\n{"h": 2}\n',
                                "logs/2.jsonl": '{"h": 3}\n', "other.jsonl": '{"h": 9}\n'})
    done = _run(emulator, _reader_map({
        "Resource": "arn:aws:states:::s3:listObjectsV2",
        "ReaderConfig": {"InputType": "JSONL", "Transformation": "LOAD_AND_FLATTEN"},
        "Parameters": {"Bucket": bucket, "Prefix": "logs/"}}))
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == [{"h": 1}, {"h": 2}, {"h": 3}]


def test_an_s3_inventory_manifest(emulator: Any) -> None:
    rows = '"src","a.txt","3","2022-11-16T00:29:32.000Z"\n"src","b/c.jpg","10","2022-11-15"\n'
    bucket = _bucket(emulator, {"data/part.csv.gz": gzip.compress(rows.encode())})
    s3 = emulator.client("s3")
    s3.put_object(Bucket=bucket, Key="inv/manifest.json", Body=json.dumps({
        "sourceBucket": "src", "destinationBucket": f"arn:aws:s3:::{bucket}",
        "version": "2016-11-30", "fileFormat": "CSV",
        "fileSchema": "Bucket, Key, Size, LastModifiedDate",
        "files": [{"key": "data/part.csv.gz", "size": 1}]}).encode())
    done = _run(emulator, _reader_map({
        "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "MANIFEST"},
        "Parameters": {"Bucket": bucket, "Key": "inv/manifest.json"}}))
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"])[0] == {
        "Bucket": "src", "Key": "a.txt", "Size": "3",
        "LastModifiedDate": "2022-11-16T00:29:32.000Z"}


def test_list_objects_gives_one_item_per_object(emulator: Any) -> None:
    bucket = _bucket(emulator, {"in/one.txt": "1", "in/two.txt": "22", "out/x.txt": "x"})
    done = _run(emulator, _reader_map({
        "Resource": "arn:aws:states:::s3:listObjectsV2",
        "Parameters": {"Bucket": bucket, "Prefix": "in/"}}))
    assert done["status"] == "SUCCEEDED", done
    items = json.loads(done["output"])
    assert [(item["Key"], item["Size"]) for item in items] == [("in/one.txt", 1),
                                                               ("in/two.txt", 2)]
    assert set(items[0]) == {"Etag", "Key", "LastModified", "Size", "StorageClass"}
    assert isinstance(items[0]["LastModified"], int)
    assert items[0]["StorageClass"] == "STANDARD"


def test_jsonata_arguments(emulator: Any) -> None:
    bucket = _bucket(emulator, {"a.json": "[1, 2, 3]"})
    definition = _reader_map({
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON"},
        "Arguments": {"Bucket": "{% $states.input.bucket %}", "Key": "a.json"}})
    definition["QueryLanguage"] = "JSONata"
    done = _run(emulator, definition, {"bucket": bucket})
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == [1, 2, 3]


def test_a_missing_object_fails_with_item_reader_failed(emulator: Any) -> None:
    bucket = _bucket(emulator, {})
    done = _run(emulator, _reader_map({
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket": bucket, "Key": "absent.json"}}))
    assert done["status"] == "FAILED"
    assert done["error"] == "States.ItemReaderFailed"


@pytest.mark.parametrize("reader, problem", [
    ({"Resource": "arn:aws:states:::s3:putObject", "Parameters": {}}, "/ItemReader/Resource"),
    ({"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "XML"}},
     "/ItemReader/ReaderConfig/InputType"),
])
def test_invalid_readers_are_refused(emulator: Any, reader: dict[str, Any],
                                     problem: str) -> None:
    client = sfn(emulator)
    answer = client.validate_state_machine_definition(
        definition=json.dumps(_reader_map(reader)))
    assert answer["result"] == "FAIL"
    assert any(d["location"] == f"/States/Map{problem}" for d in answer["diagnostics"]), answer


def test_sdk_get_object_returns_the_body_as_text(emulator: Any) -> None:
    bucket = _bucket(emulator, {"note.txt": "hello"})
    client = sfn(emulator)
    arn = machine(client, unique("get"), {"StartAt": "Get", "States": {"Get": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
        "Parameters": {"Bucket": bucket, "Key": "note.txt"},
        "ResultSelector": {"body.$": "$.Body"}, "End": True}}})
    done = finished(client, start(client, arn))
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == {"body": "hello"}


# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-stepfunctions-statemachine-s3location.html
# (a JSON or YAML definition file in S3; `sam deploy` uploads a DefinitionUri there)
@pytest.mark.parametrize("body", [
    '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "${Greeting}", "End": true}}}',
    "StartAt: P\nStates:\n  P: {Type: Pass, Result: '${Greeting}', End: true}\n",
])
def test_cloudformation_reads_the_definition_from_s3(emulator: Any, body: str) -> None:
    bucket = _bucket(emulator, {"machine.asl": body})
    template = f"""
Resources:
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::000000000000:role/StepFunctions
      DefinitionS3Location: {{Bucket: {bucket}, Key: machine.asl}}
      DefinitionSubstitutions: {{Greeting: hello}}
Outputs:
  Arn: {{Value: !Ref Machine}}
"""
    cfn, name = emulator.client("cloudformation"), stack_name("sfn-s3")
    create(cfn, name, template)
    client = sfn(emulator)
    done = finished(client, start(client, outputs(cfn, name)["Arn"]))
    assert done["status"] == "SUCCEEDED", done
    assert json.loads(done["output"]) == "hello"
