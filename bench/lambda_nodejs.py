"""Node.js functions through the Runtime API executor, against the Python process executor in
the same run: warm Invoke latency (median, p90) alternating with the same trivial handler in
Python, and the cold start of a Node.js function (its first invocation after a configuration
change), held to 300 ms."""

from __future__ import annotations

import io
import shutil
import zipfile
from typing import Any

from bench import servers
from bench.clients import ONE_TRY, ROLE, client, function_zip
from bench.lambda_invoke import caller
from bench.results import MEDIAN_P90, Result, Skipped, median, summary
from bench.timing import alternate, timed

WARM_TARGET = 1.5  # times the Python process executor
COLD_START_SECONDS = 0.300
NODE_HANDLER = "export const handler = async (event, context) => ({ ok: true });\n"
PYTHON_HANDLER = "def handler(event, context):\n    return {'ok': True}\n"


class Unavailable(Exception):
    """The emulator cannot answer the calls."""


def _node_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.mjs", NODE_HANDLER)
    return buffer.getvalue()


def _create(lam: Any, name: str, runtime: str, handler: str, code: bytes,
            **options: Any) -> None:
    from botocore.exceptions import ClientError

    try:
        lam.create_function(FunctionName=name, Runtime=runtime, Handler=handler, Role=ROLE,
                            Code={"ZipFile": code}, MemorySize=512, **options)
    except ClientError as error:
        raise Unavailable(str(error)) from None


def run(calls: int, warmup: int) -> list[Result | Skipped]:
    if shutil.which("node") is None:
        return [Skipped("Lambda Node.js", "no node on this machine")]
    port = servers.free_port()
    with servers.started(servers.emulator_command(port), port) as server:
        lam = client("lambda", server.endpoint_url, retries=ONE_TRY)
        _create(lam, "bench-node", "nodejs20.x", "index.handler", _node_zip())
        _create(lam, "bench-python", "python3.11", "app.handler", function_zip(PYTHON_HANDLER),
                Tags={"emulator:executor": "process"})
        node, python = caller(lam, "bench-node"), caller(lam, "bench-python")
        alternate(node, python, warmup)
        node_times, python_times = alternate(node, python, calls)
        results: list[Result | Skipped] = list(summary(
            "Lambda Invoke, warm, nodejs20.x vs Python process executor", node_times,
            python_times, WARM_TARGET, calls, by=MEDIAN_P90))
        rounds = max(5, calls // 40)
        colds = []
        for round_number in range(rounds):
            lam.update_function_configuration(
                FunctionName="bench-node", Environment={"Variables": {"ROUND": str(round_number)}})
            colds.append(timed(node))
        results.append(Result("Lambda cold start, nodejs20.x (median)", "s", median(colds),
                              COLD_START_SECONDS, 1.0, rounds))
        return results


__all__ = ["Unavailable", "run"]
