"""Which payloads an Execution Status Change event carries: "If the combined escaped input and
escaped output ... exceeds 248KB, then the input will be excluded. Similarly, if the escaped
output exceeds 248KB, then the output will be excluded."
(https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html)"""

from __future__ import annotations

import json

from emulator.services.stepfunctions.models import ExecutionRecord
from emulator.services.stepfunctions.status_events import detail


def _record(input_: str, output: str) -> ExecutionRecord:
    return ExecutionRecord(arn="arn:x", name="x", machine_arn="arn:m", machine_name="m",
                           status="SUCCEEDED", start_date=0.0, input=input_, output=output,
                           role_arn="arn:r", definition="{}")


def test_a_large_output_is_left_out_too() -> None:
    big = json.dumps({"blob": "x" * 260_000})
    event = detail(_record("{}", big), {})
    assert (event["input"], event["inputDetails"]) == (None, {"included": False})
    assert (event["output"], event["outputDetails"]) == (None, {"included": False})


def test_escaping_counts_toward_the_limit() -> None:
    # 100k quotes are 200k characters once escaped: with a 60k output the pair is over 248 KB.
    quoted = json.dumps({"q": '"' * 100_000})
    event = detail(_record(quoted, json.dumps({"o": "y" * 60_000})), {})
    assert event["inputDetails"] == {"included": False}
    assert event["outputDetails"] == {"included": True}


def test_small_payloads_stay() -> None:
    event = detail(_record('{"a":1}', '{"b":2}'), {})
    assert (event["input"], event["output"]) == ('{"a":1}', '{"b":2}')
    assert event["inputDetails"] == event["outputDetails"] == {"included": True}
