"""An execution's history as each state's run: the recorded history of a Parallel holding a Map
and a Wait, a Choice, and a Task that retried once and failed."""

from __future__ import annotations

import json
from pathlib import Path

from emulator.console import statemachine

RECORDED = json.loads((Path(__file__).parent / "failed_execution.json").read_text())


def _runs() -> dict[str, statemachine.StateRun]:
    return statemachine.runs(RECORDED["events"], RECORDED["status"],
                             statemachine.parents(RECORDED["definition"]))


def test_each_state_gets_the_status_it_ended_with() -> None:
    statuses = {name: run.status for name, run in _runs().items()}
    assert statuses == {"P": "succeeded", "M": "succeeded", "W": "succeeded",
                        "Inner": "succeeded", "C": "succeeded", "Boom": "failed"}


def test_map_iterations_count_as_entries_of_the_inner_state_and_outputs_are_their_own() -> None:
    runs = _runs()
    assert runs["Inner"].entered == 2 and runs["Inner"].output == "2"
    assert runs["M"].output == "[1,2]"
    assert json.loads(runs["P"].output or "") == [[1, 2], {"items": [1, 2]}]


def test_the_failing_state_keeps_its_retries_error_and_cause() -> None:
    boom = _runs()["Boom"]
    assert boom.retries == 1
    assert boom.error == "Lambda.ResourceNotFoundException"
    assert boom.cause is not None and boom.cause.startswith("Function not found")
    assert statemachine.failure(RECORDED["events"])[0] == "Lambda.ResourceNotFoundException"


def test_a_running_execution_shows_the_state_it_is_in() -> None:
    cut = [e for e in RECORDED["events"] if e["id"] <= 24]  # Boom scheduled, not yet failed
    runs = statemachine.runs(cut, "RUNNING", statemachine.parents(RECORDED["definition"]))
    assert runs["Boom"].status == "running" and runs["C"].status == "succeeded"


def test_a_state_left_unfinished_by_an_aborted_execution_is_aborted() -> None:
    cut = [e for e in RECORDED["events"] if e["id"] <= 24]
    runs = statemachine.runs(cut, "ABORTED", statemachine.parents(RECORDED["definition"]))
    assert runs["Boom"].status == "aborted"


def test_a_caught_error_marks_the_state_caught() -> None:
    events = [
        {"id": 1, "previousEventId": 0, "type": "ExecutionStarted"},
        {"id": 2, "previousEventId": 1, "type": "TaskStateEntered",
         "stateEnteredEventDetails": {"name": "T", "input": "{}"}},
        {"id": 3, "previousEventId": 2, "type": "TaskScheduled"},
        {"id": 4, "previousEventId": 3, "type": "TaskFailed",
         "taskFailedEventDetails": {"error": "Oops", "cause": "bad"}},
        {"id": 5, "previousEventId": 4, "type": "TaskStateExited",
         "stateExitedEventDetails": {"name": "T", "output": "{}"}},
    ]
    run = statemachine.runs(events, "SUCCEEDED")["T"]
    assert (run.status, run.error, run.retries) == ("caught", "Oops", 0)
