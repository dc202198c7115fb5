"""A Distributed Map's ResultWriter: child workflow results shaped (WriterConfig) and
exported to S3 (``arn:aws:states:::s3:putObject``).

Exported, the results go to ``<Prefix>/<map run id>/`` as ``SUCCEEDED_0.json``,
``FAILED_0.json`` and ``PENDING_0.json`` with a ``manifest.json`` naming them, and the state's
result becomes the map run ARN and the manifest's location. See
https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from emulator.asl import errors
from emulator.asl.errors import StatesError
from emulator.asl.integrations.base import SdkCaller
from emulator.asl.map_runs import ChildRun, MapRunProgress
from emulator.asl.nodes import JSONATA, Expr
from emulator.asl.paths import Evaluator, dumps
from emulator.asl.resources import not_recognized

if TYPE_CHECKING:
    from emulator.asl.loader import Loader

PUT_OBJECT = "arn:aws:states:::s3:putObject"
_TRANSFORMATIONS = ("NONE", "COMPACT", "FLATTEN")
_OUTPUT_TYPES = ("JSON", "JSONL")


@dataclass
class ResultWriter:
    exports: bool = False  # Resource and Parameters (or Arguments) name an S3 location
    parameters: Evaluator | None = None
    arguments: Expr | None = None
    transformation: str | None = None  # None: NONE when exported, COMPACT otherwise
    output_type: str = "JSON"


@dataclass
class MapRun:
    """A Distributed Map's run: its ARN, label and child executions in start order."""

    arn: str
    label: str
    children: list[ChildRun]
    progress: MapRunProgress | None = None


def load_result_writer(loader: Loader, value: Any, at: str, lang: str) -> ResultWriter | None:
    if not isinstance(value, dict):
        loader.problem("The value for the field 'ResultWriter' must be a JSON object", at)
        return None
    jsonata = lang == JSONATA
    fields = "Arguments" if jsonata else "Parameters"
    loader.unknown_fields(value, {"Resource", fields, "WriterConfig"}, at)
    writer = ResultWriter()
    if "Resource" in value:
        if value["Resource"] != PUT_OBJECT:
            loader.problem(not_recognized(str(value["Resource"])), f"{at}/Resource")
            return None
        if fields not in value:
            loader.problem(f"The field '{fields}' is required with 'Resource'", at)
        writer.exports = True
    elif fields in value:
        loader.problem(f"The field 'Resource' is required with '{fields}'", at)
    elif "WriterConfig" not in value:
        loader.problem("The field 'ResultWriter' must not be empty", at)
    if jsonata and "Arguments" in value:
        writer.arguments = loader.jsonata_value(value["Arguments"], "Arguments",
                                                f"{at}/Arguments")
    elif not jsonata and "Parameters" in value:
        writer.parameters = loader.template(value["Parameters"], f"{at}/Parameters")
    config = value.get("WriterConfig")
    if config is not None:
        where = f"{at}/WriterConfig"
        if not isinstance(config, dict):
            loader.problem("The value for the field 'WriterConfig' must be a JSON object", where)
            return writer
        loader.unknown_fields(config, {"Transformation", "OutputType"}, where)
        transformation = config.get("Transformation", "COMPACT")
        if transformation not in _TRANSFORMATIONS:
            loader.problem("The value for the field 'Transformation' must be one of "
                           f"[{', '.join(_TRANSFORMATIONS)}]", f"{where}/Transformation")
        writer.transformation = str(transformation)
        output_type = config.get("OutputType", "JSON")
        if output_type not in _OUTPUT_TYPES:
            loader.problem("The value for the field 'OutputType' must be one of "
                           f"[{', '.join(_OUTPUT_TYPES)}]", f"{where}/OutputType")
        writer.output_type = str(output_type)
    return writer


def _stamp(moment: float) -> str:
    when = datetime.fromtimestamp(moment, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def describe(run: ChildRun, machine_arn: str, execution_prefix: str) -> dict[str, Any]:
    """A child execution as DescribeExecution words it (the NONE transformation)."""
    record: dict[str, Any] = {
        "ExecutionArn": f"{execution_prefix}:{run.name}",
        "Input": dumps(run.input), "InputDetails": {"Included": True},
        "Name": run.name,
    }
    if run.succeeded:
        record.update({"Output": dumps(run.output), "OutputDetails": {"Included": True},
                       "RedriveCount": 0, "RedriveStatus": "NOT_REDRIVABLE",
                       "RedriveStatusReason": "Execution is SUCCEEDED and cannot be redriven"})
    else:
        record["Error"] = run.error
        if run.cause is not None:
            record["Cause"] = run.cause
        record.update({"RedriveCount": 0, "RedriveStatus": "REDRIVABLE"})
    record.update({"StartDate": _stamp(run.start), "StateMachineArn": machine_arn,
                   "Status": "SUCCEEDED" if run.succeeded else "FAILED",
                   "StopDate": _stamp(run.stop)})
    return record


def shaped(writer: ResultWriter | None, runs: list[ChildRun], machine_arn: str,
           execution_prefix: str) -> list[Any]:
    """The results as the transformation shapes them (failed runs always described)."""
    transformation = writer.transformation if writer is not None else None
    if transformation is None:
        transformation = "NONE" if writer is not None and writer.exports else "COMPACT"
    out: list[Any] = []
    for run in runs:
        if transformation == "NONE" or not run.succeeded:
            out.append(describe(run, machine_arn, execution_prefix))
        elif transformation == "FLATTEN" and isinstance(run.output, list):
            out.extend(run.output)
        else:
            out.append(run.output)
    return out


def _body(items: list[Any], output_type: str) -> bytes:
    if output_type == "JSONL":
        return "".join(json.dumps(item, separators=(",", ":")) + "\n"
                       for item in items).encode()
    return json.dumps(items, separators=(",", ":")).encode()


async def export(writer: ResultWriter, params: Any, runs: list[ChildRun], map_run_arn: str,
                 machine_arn: str, execution_prefix: str, sdk: SdkCaller, *, account: str,
                 region: str) -> dict[str, Any]:
    """Write the result files and the manifest; the Map state's result."""
    if not isinstance(params, dict) or not isinstance(params.get("Bucket"), str):
        raise StatesError(errors.RESULT_WRITER_FAILED,
                          f"The ResultWriter parameters must name a Bucket, got {dumps(params)}")
    bucket = params["Bucket"]
    prefix = str(params.get("Prefix") or "")
    folder = f"{prefix.rstrip('/')}/" if prefix else ""
    folder += map_run_arn.rsplit(":", 1)[-1] + "/"
    extension = "jsonl" if writer.output_type == "JSONL" else "json"
    files: dict[str, list[dict[str, Any]]] = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
    for status, wanted in (("SUCCEEDED", True), ("FAILED", False)):
        chosen = [run for run in runs if run.succeeded == wanted]
        if not chosen:
            continue
        body = _body(shaped(writer, chosen, machine_arn, execution_prefix), writer.output_type)
        key = f"{folder}{status}_0.{extension}"
        await _put(sdk, bucket, key, body, account, region)
        files[status].append({"Key": key, "Size": len(body)})
    manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": files}
    await _put(sdk, bucket, f"{folder}manifest.json",
               json.dumps(manifest, separators=(",", ":")).encode(), account, region)
    return {"MapRunArn": map_run_arn,
            "ResultWriterDetails": {"Bucket": bucket, "Key": f"{folder}manifest.json"}}


async def _put(sdk: SdkCaller, bucket: str, key: str, body: bytes, account: str,
               region: str) -> None:
    try:
        await sdk.call("s3", "PutObject", {"Bucket": bucket, "Key": key,
                                           "Body": body.decode()},
                       account=account, region=region, error_prefix="S3")
    except StatesError as failure:
        raise StatesError(errors.RESULT_WRITER_FAILED, failure.cause or failure.error) from None


__all__ = ["PUT_OBJECT", "ChildRun", "MapRun", "ResultWriter", "describe", "export",
           "load_result_writer", "shaped"]
