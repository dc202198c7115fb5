"""SIGTERM to ``localcloud serve`` with a state dir while acknowledged work is in flight: the
server stops within its graceful window, and after a restart none of that work is lost. A
synchronous Invoke under way gets its answer before the server stops, and runs once; one
still running when the window ends gets 503 ServiceUnavailableException (which SDKs retry) and
its handler is stopped, not left to finish unseen; an SQS
message SendMessage acknowledged is still there to receive; an event an asynchronous Invoke
accepted (202) runs, at least once (Lambda's contract for asynchronous invocation:
https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html); a STANDARD execution
that was running resumes and succeeds.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from emulator_process import EmulatorProcess
from lambda_support import ROLE, zip_of
from polling import eventually

# uvicorn's timeout_graceful_shutdown (5 s) and what the server does after it.
GRACEFUL_SECONDS = 10
HANDLER = """
import os, time

def handler(event, context):
    with open(os.environ["STARTED"], "a") as out:
        out.write(event["mark"] + "\\n")
    time.sleep(event.get("sleep", 0))
    with open(os.environ["SIDE_EFFECTS"], "a") as out:
        out.write(event["mark"] + "\\n")
    return {"mark": event["mark"]}
"""


def _client(url: str, service: str, **config: Any) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(**config))


def _answer(call: Any) -> Any:
    try:
        return call()
    except ClientError as error:
        return error.response


def _eventually(check: Any, timeout: float = 60) -> Any:
    return eventually(check, timeout)  # restarts take longer than the default allows


@pytest.mark.slow  # two server starts and a graceful stop: several seconds
def test_sigterm_loses_no_acknowledged_work(tmp_path: Path) -> None:
    state, effects, started = (tmp_path / "state", tmp_path / "effects.txt",
                               tmp_path / "started.txt")
    effects.touch()
    started.touch()
    env = {"SIDE_EFFECTS": str(effects), "STARTED": str(started)}
    with EmulatorProcess("--state-dir", str(state), env=env) as first:
        first.wait_healthy()
        lam = _client(first.url, "lambda")
        function_arn = lam.create_function(
            FunctionName="slow", Runtime="python3.12", Role=ROLE, Handler="app.handler",
            Code={"ZipFile": zip_of({"app.py": HANDLER})},
            Environment={"Variables": env}, Timeout=30)["FunctionArn"]
        sqs = _client(first.url, "sqs")
        queue = sqs.create_queue(QueueName="in-flight")["QueueUrl"]
        sfn = _client(first.url, "stepfunctions")
        machine = sfn.create_state_machine(name="resumes", roleArn=ROLE, definition=json.dumps({
            "StartAt": "Work", "States": {"Work": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function_arn,
                               "Payload": {"mark": "execution", "sleep": 1}},
                "ResultSelector": {"mark.$": "$.Payload.mark"}, "End": True}}}),
        )["stateMachineArn"]

        sent = sqs.send_message(QueueUrl=queue, MessageBody="acknowledged")["MessageId"]
        # One event a worker is running when the signal comes, one still queued behind it.
        accepted = [lam.invoke(FunctionName="slow", InvocationType="Event",
                               Payload=json.dumps({"mark": mark, "sleep": 2}))["StatusCode"]
                    for mark in ("event-1", "event-2")]
        assert accepted == [202, 202]
        execution = sfn.start_execution(stateMachineArn=machine, name="run",
                                        input="{}")["executionArn"]
        answered: dict[str, Any] = {}
        once = _client(first.url, "lambda", retries={"max_attempts": 0}, read_timeout=60)
        callers = [threading.Thread(target=lambda mark=mark, sleep=sleep: answered.update({
            mark: _answer(lambda: once.invoke(FunctionName="slow", Payload=json.dumps(
                {"mark": mark, "sleep": sleep})))})) for mark, sleep in (("sync", 1), ("long", 20))]
        for caller in callers:
            caller.start()
        # The signal comes while both synchronous calls, the first event and the execution's
        # task are all running.
        assert _eventually(lambda: {"sync", "long", "event-1", "execution"}
                           <= set(started.read_text().split()), 30), started.read_text()

        began = time.monotonic()
        code = first.terminate(timeout=GRACEFUL_SECONDS + 20)
        stopped_in = time.monotonic() - began
        output = first.output()
        for caller in callers:
            caller.join(10)
        # The short call under way when the signal came was answered before the server
        # stopped; the long one was told to retry when the graceful window ended.
        sync = answered["sync"]
        assert (sync["StatusCode"], json.loads(sync["Payload"].read())) == (
            200, {"mark": "sync"}), output
        assert (answered["long"]["ResponseMetadata"]["HTTPStatusCode"],
                answered["long"]["Error"]["Code"]) == (503, "ServiceUnavailableException")
        assert "Traceback" not in output, output
        # uvicorn ends by raising the signal again once it has shut down, as a process
        # stopped by SIGTERM does (exit status 143 in a shell).
        assert code in (0, -signal.SIGTERM), output
        assert "emulator stopped cleanly" in output, output
        assert stopped_in < GRACEFUL_SECONDS, (stopped_in, output)
        # Nothing of the server runs on once it has stopped: a handler it was running when the
        # signal came does not finish (and write its side effect) with no server to answer.
        written = effects.read_text()
        time.sleep(2.5)  # past the end of the handlers that were running
        assert effects.read_text() == written
        assert "BrokenPipeError" not in output, output

    with EmulatorProcess("--state-dir", str(state), env=env) as second:
        second.wait_healthy()
        sqs = _client(second.url, "sqs")
        received = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=5)["Messages"]
        assert [(m["MessageId"], m["Body"]) for m in received] == [(sent, "acknowledged")]

        def ran() -> bool:
            marks = effects.read_text().split()
            return {"event-1", "event-2", "execution"} <= set(marks)

        assert _eventually(ran), effects.read_text()
        marks = effects.read_text().split()
        assert (marks.count("sync"), marks.count("long")) == (1, 0), marks
        described = _eventually(lambda: (d := _client(second.url, "stepfunctions")
                                         .describe_execution(executionArn=execution))
                                ["status"] != "RUNNING" and d)
        assert described["status"] == "SUCCEEDED", described
        assert json.loads(described["output"]) == {"mark": "execution"}
        second.terminate()
