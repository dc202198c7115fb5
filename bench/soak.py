"""``python -m bench soak``: a steady mixed load against the server's default configuration,
with its resident memory sampled as it goes.

The mix is the one the memory bound is stated for: Lambda invokes (each writing a log line),
STANDARD Step Functions executions of a Lambda task, API Gateway AWS_PROXY calls and SQS
send/receive/delete, from a few callers at once. The report: the RSS curve (one sample every
``--every`` seconds), throughput, the error count, the peak, and the idle RSS once the load has
stopped and the server has had ``--settle`` seconds to itself.

Not a test: nothing here asserts; the caps it is judged against are in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import httpx

from bench import machine, servers
from bench.clients import ROLE, client, function_zip

CALLERS = 4
# The memory bound of issue 19: peak RSS under the load, and idle RSS after it.
PEAK_CAP_MB = 150
IDLE_GROWTH_CAP_MB = 20
HANDLER = """
import json

def handler(event, context):
    print("soak", json.dumps(event)[:200])
    if "httpMethod" in event:
        return {"statusCode": 200, "body": '{"ok": true}'}
    return {"ok": True, "n": event.get("n")}
"""


def _mb(value: int) -> float:
    return round(value / 1024 / 1024, 1)


@dataclass
class Report:
    minutes: float
    callers: int
    operations: dict[str, int]
    errors: dict[str, int]
    seconds: float
    per_second: float
    rss_mb: list[tuple[float, float]]  # (seconds since the load began, RSS in MB)
    start_mb: float  # after setup and a warm-up, before the load
    peak_mb: float
    idle_mb: float  # after the load and the settle time
    machine: dict[str, str] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        peak = "within" if self.peak_mb <= PEAK_CAP_MB else "OVER"
        idle = "within" if self.idle_mb - self.start_mb <= IDLE_GROWTH_CAP_MB else "OVER"
        return (f"peak {self.peak_mb} MB {peak} the {PEAK_CAP_MB} MB cap; idle "
                f"{self.idle_mb - self.start_mb:+.1f} MB from the start, {idle} the "
                f"{IDLE_GROWTH_CAP_MB} MB cap")


class Load:
    """The resources the mix works on, and one operation of each kind."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        self.lam = client("lambda", endpoint_url, retries={"max_attempts": 1})
        self.sfn = client("stepfunctions", endpoint_url, retries={"max_attempts": 1})
        self.sqs = client("sqs", endpoint_url, retries={"max_attempts": 1})
        gateway = client("apigateway", endpoint_url)
        function_arn = self.lam.create_function(
            FunctionName="soak", Runtime="python3.12", Handler="app.handler", Role=ROLE,
            Code={"ZipFile": function_zip(HANDLER)}, Timeout=30)["FunctionArn"]
        self.machine_arn = self.sfn.create_state_machine(
            name="soak", roleArn=ROLE, definition=json.dumps({
                "StartAt": "Prepare", "States": {
                    "Prepare": {"Type": "Pass", "Result": {"n": 1}, "Next": "Call"},
                    "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                             "Parameters": {"FunctionName": function_arn, "Payload.$": "$"},
                             "OutputPath": "$.Payload", "End": True}}}))["stateMachineArn"]
        self.queue_url = self.sqs.create_queue(QueueName="soak")["QueueUrl"]
        api = gateway.create_rest_api(name="soak")
        resource = gateway.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                           pathPart="call")["id"]
        gateway.put_method(restApiId=api["id"], resourceId=resource, httpMethod="GET",
                           authorizationType="NONE")
        gateway.put_integration(
            restApiId=api["id"], resourceId=resource, httpMethod="GET", type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                f"{function_arn}/invocations")
        gateway.create_deployment(restApiId=api["id"], stageName="soak")
        self.api_url = f"{endpoint_url}/_aws/execute-api/{api['id']}/soak/call"

    def kinds(self, http: httpx.Client, number: int) -> dict[str, Callable[[], None]]:
        def invoke() -> None:
            reply = self.lam.invoke(FunctionName="soak", Payload=json.dumps({"n": number}))
            if "FunctionError" in reply:
                raise RuntimeError(reply["Payload"].read()[:200])

        def execution() -> None:
            self.sfn.start_execution(stateMachineArn=self.machine_arn, input='{"n": 2}')

        def api_call() -> None:
            reply = http.get(self.api_url, params={"n": str(number)})
            if reply.status_code != 200:
                raise RuntimeError(f"API Gateway answered {reply.status_code}")

        def queue() -> None:
            self.sqs.send_message(QueueUrl=self.queue_url, MessageBody="x" * 256)
            for message in self.sqs.receive_message(
                    QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", []):
                self.sqs.delete_message(QueueUrl=self.queue_url,
                                        ReceiptHandle=message["ReceiptHandle"])

        return {"lambda-invoke": invoke, "sfn-execution": execution,
                "apigateway-call": api_call, "sqs-send-receive": queue}


def _caller(load: Load, number: int, stop: threading.Event, done: Counter[str],
            errors: Counter[str], lock: threading.Lock) -> None:
    with httpx.Client(timeout=60) as http:
        kinds = list(load.kinds(http, number).items())
        turn = number
        while not stop.is_set():
            name, operation = kinds[turn % len(kinds)]
            turn += 1
            try:
                operation()
                with lock:
                    done[name] += 1
            except Exception as error:  # counted, not raised: the soak goes on
                with lock:
                    errors[f"{name}: {type(error).__name__}"] += 1


def run(minutes: float, every: float, settle: float, callers: int = CALLERS) -> Report:
    load_average = machine.load_average()
    port = servers.free_port()
    with servers.started(servers.emulator_command(port), port) as server:
        pid = server.process.pid
        load = Load(server.endpoint_url)
        done: Counter[str] = Counter()
        errors: Counter[str] = Counter()
        lock = threading.Lock()
        # A short warm-up so the start is measured with every part loaded.
        warm = threading.Event()
        warm_thread = threading.Thread(target=_caller, args=(load, 0, warm, Counter(),
                                                             Counter(), lock))
        warm_thread.start()
        time.sleep(5)
        warm.set()
        warm_thread.join()
        time.sleep(2)
        start = servers.rss_bytes(pid)
        stop = threading.Event()
        threads = [threading.Thread(target=_caller, args=(load, n, stop, done, errors, lock))
                   for n in range(callers)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        curve = [(0.0, _mb(start))]
        end = began + minutes * 60
        while (now := time.monotonic()) < end:
            time.sleep(min(every, end - now))
            curve.append((round(time.monotonic() - began, 1), _mb(servers.rss_bytes(pid))))
        stop.set()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - began
        time.sleep(settle)
        idle = servers.rss_bytes(pid)
    total = sum(done.values())
    return Report(minutes, callers, dict(done), dict(errors), round(seconds, 1),
                  round(total / seconds, 1), curve, _mb(start),
                  max(mb for _, mb in curve), _mb(idle), machine.describe(load_average))


def print_report(report: Report) -> None:
    about = report.machine
    print(f"{about['date']}  {about['cpus']} x {about['cpu_model']}  "
          f"load average {about['load_average']} before the run")
    print(f"{report.minutes:g} min, {report.callers} callers: "
          f"{sum(report.operations.values())} operations, {report.per_second}/s; "
          f"errors {sum(report.errors.values())}")
    for name, count in sorted(report.operations.items()):
        print(f"  {name}: {count}")
    for name, count in sorted(report.errors.items()):
        print(f"  error {name}: {count}")
    print("RSS (s, MB): " + ", ".join(f"{at:g} {mb}" for at, mb in report.rss_mb))
    print(f"start {report.start_mb} MB, peak {report.peak_mb} MB, idle after "
          f"{report.idle_mb} MB: {report.verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the load runs")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--settle", type=float, default=30.0,
                        help="seconds of idle before the idle RSS is read")
    parser.add_argument("--callers", type=int, default=CALLERS)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    options = parser.parse_args(argv)
    report = run(options.minutes, options.every, options.settle, options.callers)
    if options.json:
        print(json.dumps(asdict(report) | {"verdict": report.verdict}, indent=1))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["Report", "main", "run"]
