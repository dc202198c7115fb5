"""``python -m bench``: each benchmark against its floor, measured in the same run.
``python -m bench soak`` runs the mixed-load soak instead (bench/soak.py).

Benchmarks are not tests: a MISS is reported, and the exit code stays 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Callable, Sequence

from bench import (
    apigateway_auth,
    apigateway_invoke,
    apigatewayv2_invoke,
    asl_interpreter,
    asl_latency,
    asl_memory,
    asl_tasks,
    async_events,
    cloudformation_deploy,
    cloudfront_edge,
    cloudtrail_overhead,
    cloudwatch_put,
    console_live,
    console_pages,
    dynamodb_latency,
    firehose_ingest,
    first_answer,
    kinesis_events,
    lambda_invoke,
    lambda_nodejs,
    machine,
    memory,
    pipes_latency,
    s3_objects,
    scheduler_latency,
    soak,
    sqs_latency,
    ssm_latency,
    startup,
    throughput,
    waf_overhead,
    websocket_messages,
    wrk,
    xray_query,
    xray_tracing,
    xray_udp,
)
from bench.results import Result, Skipped, table

BENCHMARKS = ("startup", "memory", "first-answer", "sqs", "asl", "asl-e2e", "asl-memory",
              "lambda", "lambda-nodejs",
              "xray-udp", "xray-query", "xray-tracing",
              "apigateway", "apigateway-auth", "http-api", "websocket", "throughput",
              "async",
              "asl-tasks", "cloudformation", "console", "console-live", "dynamodb", "s3", "kinesis",
              "ssm", "cloudfront", "waf", "cloudwatch", "cloudtrail", "scheduler", "pipes",
              "firehose")


def _options(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--only", choices=BENCHMARKS, action="append", help="run only these (repeatable)"
    )
    return parser.parse_args(argv)


def _plan(quick: bool) -> dict[str, Callable[[], list[Result]]]:
    starts = 3 if quick else 5
    calls, warmup = (100, 20) if quick else (400, 50)
    return {
        "startup": lambda: [startup.run(starts)],
        "memory": lambda: [memory.run(starts if quick else 3)],
        "first-answer": lambda: [first_answer.run(starts)],
        "sqs": lambda: sqs_latency.run(calls, warmup),
        "asl": lambda: asl_interpreter.run(50 if quick else 200),
        "asl-e2e": lambda: asl_latency.run(calls // 2, warmup),
        "asl-memory": lambda: [asl_memory.run()],
        "lambda": lambda: lambda_invoke.run(calls, warmup),
        "lambda-nodejs": lambda: lambda_nodejs.run(calls, warmup),
        "xray-udp": lambda: xray_udp.run(4_000 if quick else 20_000),
        "xray-query": lambda: xray_query.run(10 if quick else 50),
        "xray-tracing": lambda: xray_tracing.run(calls // 2, warmup),
        "apigateway": lambda: apigateway_invoke.run(calls, warmup),
        "apigateway-auth": lambda: apigateway_auth.run(calls, warmup),
        "http-api": lambda: apigatewayv2_invoke.run(calls, warmup),
        "websocket": lambda: websocket_messages.run(calls, warmup),
        "throughput": lambda: throughput.run(*((1, 1.0) if quick else (3, 2.0))),
        "async": lambda: async_events.run(calls // 2, warmup),
        "asl-tasks": lambda: asl_tasks.run(calls // 2, warmup),
        "cloudformation": lambda: cloudformation_deploy.run(2 if quick else 5),
        "console": lambda: console_pages.run(2, *((100, 1_000, 1_000) if quick else ())),
        "console-live": lambda: console_live.run(1.0, 4 if quick else 10),
        "dynamodb": lambda: dynamodb_latency.run(calls, warmup,
                                                 20_000 if quick else dynamodb_latency.ITEMS),
        "s3": lambda: s3_objects.run(calls, warmup, 3 if quick else 5),
        "kinesis": lambda: kinesis_events.run(calls // 4, warmup // 2),
        "ssm": lambda: ssm_latency.run(calls, warmup),
        "cloudfront": lambda: cloudfront_edge.run(calls, warmup),
        "waf": lambda: waf_overhead.run(calls, warmup),
        "cloudwatch": lambda: cloudwatch_put.run(calls, warmup),
        "cloudtrail": lambda: cloudtrail_overhead.run(calls, warmup),
        "scheduler": lambda: scheduler_latency.run(calls, warmup),
        "pipes": lambda: pipes_latency.run(calls, warmup),
        "firehose": lambda: firehose_ingest.run(calls, warmup),
    }


def _skip_name(name: str) -> str:
    names = {"startup": "start-up", "memory": "idle RSS", "first-answer": "first SQS answer",
             "asl": "ASL interpreter", "asl-e2e": "SFN latency", "asl-memory": "SFN memory",
             "lambda": "Lambda invoke", "lambda-nodejs": "Lambda Node.js",
             "xray-udp": "X-Ray UDP ingest", "xray-query": "X-Ray summaries",
             "xray-tracing": "X-Ray tracing on vs off",
             "apigateway": "API Gateway invoke",
             "apigateway-auth": "API Gateway cached authorizer",
             "http-api": "HTTP API invoke",
             "websocket": "WebSocket messages",
             "throughput": "throughput under concurrency (wrk)",
             "async": "async invoke and event sources",
             "asl-tasks": "SFN Lambda tasks",
             "cloudformation": "CloudFormation deploy",
             "console": "console pages", "console-live": "console live updates",
             "dynamodb": "DynamoDB latency",
             "s3": "S3 objects",
             "kinesis": "Kinesis event source",
             "ssm": "SSM GetParameter",
             "cloudfront": "CloudFront viewer",
             "waf": "AWS WAF on API Gateway",
             "cloudwatch": "CloudWatch PutMetricData",
             "cloudtrail": "CloudTrail recording",
             "scheduler": "Scheduler GetSchedule",
             "pipes": "Pipes DescribePipe",
             "firehose": "Firehose PutRecordBatch"}
    return names.get(name, "SQS latency")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["soak"]:  # a soak, not a ratio against a floor: its own report
        return soak.main(arguments[1:])
    options = _options(arguments)
    plan = _plan(options.quick)
    lines: list[Result | Skipped] = []
    load = machine.load_average()
    began = time.perf_counter()
    for name in options.only or BENCHMARKS:
        if not options.json:
            print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            lines.extend(plan[name]())
        except (sqs_latency.Unavailable, lambda_invoke.Unavailable, lambda_nodejs.Unavailable,
                apigateway_invoke.Unavailable, async_events.Unavailable,
                asl_tasks.Unavailable, xray_tracing.Unavailable,
                cloudformation_deploy.Unavailable, dynamodb_latency.Unavailable,
                s3_objects.Unavailable, kinesis_events.Unavailable,
                cloudfront_edge.Unavailable, waf_overhead.Unavailable,
                cloudwatch_put.Unavailable, cloudtrail_overhead.Unavailable) as error:
            lines.append(Skipped(_skip_name(name), f"emulator not ready: {error}"))
        except wrk.Missing as error:
            lines.append(Skipped(_skip_name(name), str(error)))
        except Exception as error:
            traceback.print_exc()
            lines.append(Skipped(_skip_name(name), f"failed: {error}"))
    elapsed = time.perf_counter() - began
    about = machine.describe(load)
    busy = machine.busy_note(load)
    if options.json:
        document = {
            "machine": about,
            "quick": options.quick,
            "elapsed_seconds": round(elapsed, 1),
            "busy": busy,
            "results": [line.as_dict() for line in lines],
        }
        print(json.dumps(document, indent=2))
    else:
        print(
            f"{about['date']}  {about['cpus']} x {about['cpu_model']}  Python {about['python']}"
        )
        print(table(lines))
        print(f"({elapsed:.0f} s{', quick' if options.quick else ''})")
        if busy:
            print(busy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
