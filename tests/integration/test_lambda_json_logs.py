"""Lambda's advanced logging controls, read back through CloudWatch Logs: LogFormat JSON,
ApplicationLogLevel and SystemLogLevel, and a custom LogGroup.

Sources:
- https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html (the
  options; JSON applies to the system logs and to the supported runtimes' application logs;
  Python's ``logging`` and Node.js's ``console`` methods, while ``print`` stays plain text)
- https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html (a
  line without a valid ``"level"`` counts as INFO; filtering needs the JSON format)
- https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html (platform
  event records); events recorded from CloudWatch Logs show ``platform.initStart``,
  ``platform.start`` and ``platform.report`` at the default INFO level, compact and without a
  newline, the report's ``metrics`` before its ``status``
- AWS's runtime interface clients: Python's awslambdaric/lambda_runtime_log_utils.py (the
  record's fields, one newline after it) and bootstrap.py (the JSON error record), Node.js's
  src/LogPatch.js (``{timestamp, level, requestId, message}``, no newline)
- https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Lambda.html
  (EMF written to stdout becomes metrics)
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_support import create_function, invoke, unique
from polling import eventually
from runtime_functions import need

from emulator.testing import EmulatorHandle

EXECUTORS = ["inprocess", "process"]
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
PYTHON = """
import logging
logger = logging.getLogger()
def handler(event, context):
    print("printed")
    logger.info("info %s", "line", extra={"order": 42})
    logger.debug("debug line")
    logger.warning("warning line")
    print('{"level": "error", "msg": "printed json"}')
    if event.get("fail"):
        raise ValueError("bad input")
    return "ok"
"""


def messages(emulator: EmulatorHandle, group: str) -> list[str]:
    events = emulator.client("logs").filter_log_events(logGroupName=group)["events"]
    return [event["message"] for event in events]


def platform(found: list[str], kind: str) -> list[dict[str, Any]]:
    """The records of the platform events of one type, each checked to be stored compact
    and without a newline."""
    records = []
    for message in found:
        if message.startswith('{"time"') and f'"type":"{kind}"' in message:
            document = json.loads(message)
            assert json.dumps(document, separators=(",", ":")) == message
            assert TIMESTAMP.fullmatch(document["time"])
            records.append(document["record"])
    return records


def json_lines(found: list[str]) -> list[dict[str, Any]]:
    return [json.loads(m) for m in found if m.startswith('{"timestamp"')]


def make(emulator: EmulatorHandle, executor: str, source: str = PYTHON,
         **logging_config: str) -> str:
    return create_function(emulator.client("lambda"), {"app.py": source},
                           Tags={"emulator:executor": executor},
                           LoggingConfig={"LogFormat": "JSON", **logging_config})


@pytest.mark.parametrize("executor", EXECUTORS)
def test_python_json_logs_as_aws_writes_them(emulator: EmulatorHandle, executor: str) -> None:
    client = emulator.client("lambda")
    name = make(emulator, executor)
    config = client.get_function_configuration(FunctionName=name)["LoggingConfig"]
    assert config == {"LogFormat": "JSON", "ApplicationLogLevel": "INFO",
                      "SystemLogLevel": "INFO", "LogGroup": f"/aws/lambda/{name}"}
    request_id = invoke(client, name)[0]["ResponseMetadata"]["RequestId"]
    found = messages(emulator, f"/aws/lambda/{name}")

    [init] = platform(found, "platform.initStart")
    assert init["initializationType"] == "on-demand" and init["phase"] == "init"
    assert init["runtimeVersion"] == "python:3.11.v1"
    assert init["runtimeVersionArn"].startswith("arn:aws:lambda:us-east-1::runtime:")
    assert (init["functionName"], init["functionVersion"]) == (name, "$LATEST")
    assert platform(found, "platform.start") == [{"requestId": request_id,
                                                   "version": "$LATEST"}]
    [report] = platform(found, "platform.report")
    assert list(report) == ["requestId", "metrics", "status"]
    assert (report["requestId"], report["status"]) == (request_id, "success")
    assert list(report["metrics"]) == ["durationMs", "billedDurationMs", "memorySizeMB",
                                       "maxMemoryUsedMB", "initDurationMs"]
    assert report["metrics"]["memorySizeMB"] == 128
    # DEBUG platform events stay out at the default SystemLogLevel INFO; no text lines.
    assert not platform(found, "platform.runtimeDone")
    assert not any(m.startswith(("START", "END", "REPORT", "INIT_START")) for m in found)

    assert "printed\n" in found  # print stays plain text
    assert '{"level": "error", "msg": "printed json"}\n' in found
    info, warning = json_lines(found)
    assert list(info) == ["timestamp", "level", "message", "logger", "requestId", "order"]
    assert TIMESTAMP.fullmatch(info["timestamp"])
    assert (info["level"], info["message"], info["logger"], info["requestId"],
            info["order"]) == ("INFO", "info line", "root", request_id, 42)
    assert warning["level"] == "WARNING" and warning["message"] == "warning line"
    assert all(m.endswith("}\n") for m in found if m.startswith('{"timestamp"'))
    assert not any("debug line" in m for m in found)


@pytest.mark.parametrize("executor", EXECUTORS)
def test_python_error_record_in_json(emulator: EmulatorHandle, executor: str) -> None:
    client = emulator.client("lambda")
    name = make(emulator, executor)
    reply, body = invoke(client, name, {"fail": True})
    request_id = reply["ResponseMetadata"]["RequestId"]
    assert body["errorType"] == "ValueError"
    found = messages(emulator, f"/aws/lambda/{name}")
    [error] = [m for m in found if '"errorType"' in m]
    assert not error.endswith("\n")  # one record, as the text format's [ERROR] entry
    document = json.loads(error)
    assert list(document) == ["timestamp", "level", "errorMessage", "errorType", "requestId",
                              "stackTrace"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", document["timestamp"])
    assert (document["level"], document["errorMessage"], document["requestId"]) == \
        ("ERROR", "bad input", request_id)
    assert platform(found, "platform.report")[0]["status"] == "error"


def test_levels_filter_application_and_system_logs(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = make(emulator, "inprocess", ApplicationLogLevel="WARN", SystemLogLevel="DEBUG")
    request_id = invoke(client, name)[0]["ResponseMetadata"]["RequestId"]
    found = messages(emulator, f"/aws/lambda/{name}")
    # WARN and past: the logger's warning and the printed JSON line at "error"; print's
    # plain line counts as INFO and is dropped, as the INFO record.
    assert [line["level"] for line in json_lines(found)] == ["WARNING"]
    assert '{"level": "error", "msg": "printed json"}\n' in found
    assert "printed\n" not in found
    assert platform(found, "platform.initRuntimeDone") == [
        {"initializationType": "on-demand", "phase": "init", "status": "success"}]
    [done] = platform(found, "platform.runtimeDone")
    assert (done["requestId"], done["status"]) == (request_id, "success")
    assert list(done["metrics"]) == ["durationMs", "producedBytes"]
    assert done["metrics"]["producedBytes"] == len(b'"ok"')

    quiet = make(emulator, "inprocess", ApplicationLogLevel="ERROR", SystemLogLevel="WARN")
    invoke(client, quiet)
    assert messages(emulator, f"/aws/lambda/{quiet}") == [
        '{"level": "error", "msg": "printed json"}\n']


def test_a_custom_log_group_receives_the_logs(emulator: EmulatorHandle) -> None:
    client, logs = emulator.client("lambda"), emulator.client("logs")
    group = f"/custom/{unique('group')}"
    name = create_function(client, {"app.py": """
def handler(event, context):
    print(context.log_group_name)
    return context.log_group_name
"""}, LoggingConfig={"LogFormat": "Text", "LogGroup": group})
    assert invoke(client, name)[1] == group
    found = messages(emulator, group)
    assert f"{group}\n" in found and any(m.startswith("REPORT RequestId: ") for m in found)
    assert not logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{name}")["logGroups"]


def test_emf_printed_in_json_mode_still_becomes_a_metric(emulator: EmulatorHandle) -> None:
    cloudwatch = emulator.client("cloudwatch")
    namespace = unique("Shop")
    name = make(emulator, "inprocess", """
import json, time
def handler(event, context):
    print(json.dumps({"_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [
        {"Namespace": "NAMESPACE", "Dimensions": [["Channel"]],
         "Metrics": [{"Name": "Orders", "Unit": "Count"}]}]},
        "Channel": "web", "Orders": 3}))
    return "ok"
""".replace("NAMESPACE", namespace))
    invoke(emulator.client("lambda"), name)
    metrics = eventually(lambda: cloudwatch.list_metrics(Namespace=namespace)["Metrics"])
    assert [m["MetricName"] for m in metrics] == ["Orders"]


NODE = """
exports.handler = async (event) => {
  console.log("hello");
  console.info({ a: 1 });
  console.debug("debug line");
  console.warn("n=%d", 5);
  process.stdout.write("raw line\\n");
  if (event.fail) throw new TypeError("bad input");
  return "ok";
};
"""


def test_nodejs_console_writes_json_records(emulator: EmulatorHandle) -> None:
    need("node")
    client = emulator.client("lambda")
    name = create_function(client, {"index.js": NODE}, handler="index.handler",
                           Runtime="nodejs20.x", LoggingConfig={"LogFormat": "JSON"})
    request_id = invoke(client, name)[0]["ResponseMetadata"]["RequestId"]
    failed = invoke(client, name, {"fail": True})[0]["ResponseMetadata"]["RequestId"]
    found = messages(emulator, f"/aws/lambda/{name}")
    assert "raw line\n" in found
    records = [m for m in found if m.startswith('{"timestamp"')]
    assert not any(m.endswith("\n") for m in records)
    first = [json.loads(m) for m in records if request_id in m]
    assert [list(r) for r in first] == [["timestamp", "level", "requestId", "message"]] * 3
    assert [(r["level"], r["message"]) for r in first] == [
        ("INFO", "hello"), ("INFO", {"a": 1}), ("WARN", "n=5")]
    assert TIMESTAMP.fullmatch(first[0]["timestamp"])
    [error] = [json.loads(m) for m in records if failed in m and '"ERROR"' in m]
    assert error["message"]["errorType"] == "TypeError"
    assert error["message"]["errorMessage"] == "bad input"
    assert error["message"]["stackTrace"][0] == "TypeError: bad input"
    assert [r["status"] for r in platform(found, "platform.report")] == ["success", "error"]
    assert platform(found, "platform.initStart")[0]["runtimeVersion"] == "nodejs:20.v1"


def test_log_levels_need_the_json_format(emulator: EmulatorHandle) -> None:
    # The message CloudFormation relays from Lambda, quoted in
    # https://github.com/aws/aws-cdk/pull/28045 ("LogLevel is not supported when LogFormat
    # is set to "Text" ...").
    client = emulator.client("lambda")
    with pytest.raises(ClientError) as refused:
        create_function(client, {"app.py": "def handler(e, c):\n    return 1\n"},
                        LoggingConfig={"ApplicationLogLevel": "DEBUG"})
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert refused.value.response["Error"]["Message"] == (
        'LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel from your '
        'request or change the LogFormat to "Json" and try again.')
    name = make(emulator, "inprocess", SystemLogLevel="WARN")
    answer = client.update_function_configuration(FunctionName=name,
                                                   LoggingConfig={"LogFormat": "Text"})
    assert answer["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"}
