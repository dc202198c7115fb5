"""States.DataLimitExceeded counts bytes of UTF-8, as AWS measures it: "The maximum input or
output size for a task, state, or execution is 256 KiB of data as a UTF-8 encoded string"
(https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html, and
https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html for the
error: a result larger than the quota, not caught by Retry or Catch)."""

from __future__ import annotations

import pytest
from asl_runner import run_case

LIMIT = 256 * 1024
OVERHEAD = len('{"v":""}')


def _pass_returning(text: str) -> dict[str, object]:
    return {"definition": {"StartAt": "Big", "States": {"Big": {
        "Type": "Pass", "Result": {"v": text}, "End": True}}}}


@pytest.mark.parametrize(("char", "width"), [("a", 1), ("é", 2), ("€", 3), ("😀", 4)])
def test_the_limit_is_in_utf8_bytes(char: str, width: int) -> None:
    fits = char * ((LIMIT - OVERHEAD) // width)
    outcome, _, _ = run_case(_pass_returning(fits))
    assert outcome.status == "SUCCEEDED"
    # One more character is over by at least one byte, though far under 256 Ki characters.
    outcome, _, _ = run_case(_pass_returning(fits + char))
    assert (outcome.status, outcome.error) == ("FAILED", "States.DataLimitExceeded")
    assert outcome.cause == ("The state/task 'Big' returned a result with a size exceeding "
                             "the maximum number of bytes service limit.")


def test_a_task_result_over_the_limit_is_not_caught() -> None:
    case = {"definition": {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:big",
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": True},
        "Caught": {"Type": "Succeed"}}},
        "functions": {"big": {"result": {"v": "é" * (LIMIT // 2)}}}}
    outcome, _, _ = run_case(case)
    assert (outcome.status, outcome.error) == ("FAILED", "States.DataLimitExceeded")
