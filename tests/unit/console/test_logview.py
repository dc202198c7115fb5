"""Log events as the console shows them: tracebacks stay one block, REPORT lines become
recent invocations."""

from __future__ import annotations

from emulator.console import logview


def _events(*messages: str, stream: str = "s1") -> list[dict[str, object]]:
    """Events as a Lambda function's stream stores them: each line ends with its newline."""
    return [{"timestamp": 1_700_000_000_000 + n, "message": m, "logStreamName": stream}
            for n, m in enumerate(messages)]


def test_the_runtimes_error_entry_is_one_block_with_its_lines() -> None:
    entry = ("[ERROR] ValueError: boom\rTraceback (most recent call last):\r"
             "\u00a0\u00a0File \"/var/task/app.py\", line 3, in handler\r"
             "\u00a0\u00a0\u00a0\u00a0raise ValueError(\"boom\")")
    shown = logview.entries(_events("START RequestId: 1 Version: $LATEST\n", entry,
                                    "END RequestId: 1\n"))
    assert [e.error for e in shown] == [False, True, False]
    assert shown[1].message.splitlines()[:2] == ["[ERROR] ValueError: boom",
                                                "Traceback (most recent call last):"]


def test_a_traceback_printed_line_by_line_is_joined_into_one_entry() -> None:
    shown = logview.entries(_events(
        "before\n", "Traceback (most recent call last):\n",
        '  File "/var/task/app.py", line 9, in handler\n', "    helper()\n",
        "KeyError: 'id'\n", "after\n"))
    assert [e.message.split("\n")[0] for e in shown] == [
        "before", "Traceback (most recent call last):", "after"]
    assert shown[1].message.endswith("KeyError: 'id'") and shown[1].error


def test_lines_of_other_streams_are_not_joined() -> None:
    events = _events("Traceback (most recent call last):\n", stream="a") + \
        _events("  File x\n", stream="b")
    assert len(logview.entries(events)) == 2


def test_report_lines_become_invocations_newest_first() -> None:
    found = logview.invocations(_events(
        "REPORT RequestId: r1\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: "
        "128 MB\tMax Memory Used: 40 MB\tInit Duration: 80.00 ms\t\n",
        "REPORT RequestId: r2\tDuration: 3001.00 ms\tBilled Duration: 3001 ms\tMemory Size: "
        "128 MB\tMax Memory Used: 41 MB\tStatus: timeout\t\n", "not a report\n"))
    assert [(i.request_id, i.status) for i in found] == [("r2", "timeout"), ("r1", "success")]
    assert found[1].duration_ms == 12.5 and found[1].init_ms == 80.0 and found[1].memory_mb == 40


def test_platform_report_events_of_json_logs_become_invocations() -> None:
    # LogFormat JSON: REPORT is a platform.report event (as recorded from CloudWatch Logs,
    # e.g. '{"time":"2024-06-17T17:23:55.826Z","type":"platform.report","record":{...}}').
    found = logview.invocations(_events(
        '{"time":"2024-06-17T17:23:55.826Z","type":"platform.report","record":{"requestId":'
        '"r1","metrics":{"durationMs":18.593,"billedDurationMs":19,"memorySizeMB":128,'
        '"maxMemoryUsedMB":46,"initDurationMs":80.5},"status":"success"}}',
        '{"time":"2024-06-17T17:23:56.000Z","type":"platform.report","record":{"requestId":'
        '"r2","metrics":{"durationMs":3000.0,"billedDurationMs":3000,"memorySizeMB":128,'
        '"maxMemoryUsedMB":47},"status":"timeout"}}',
        '{"time":"2024-06-17T17:23:55.902Z","type":"platform.start","record":{"requestId":'
        '"r2","version":"$LATEST"}}'))
    assert [(i.request_id, i.status) for i in found] == [("r2", "timeout"), ("r1", "success")]
    assert (found[1].duration_ms, found[1].billed_ms, found[1].memory_mb,
            found[1].init_ms) == (18.593, 19, 46, 80.5)


def test_a_json_error_record_is_shown_as_an_error() -> None:
    shown = logview.entries(_events(
        '{"timestamp": "2024-06-17T17:23:55", "level": "ERROR", "errorMessage": "boom", '
        '"errorType": "ValueError", "requestId": "r1", "stackTrace": []}',
        '{"timestamp": "2024-06-17T17:23:55.100Z", "level": "INFO", "message": "fine"}\n'))
    assert [e.error for e in shown] == [True, False]
