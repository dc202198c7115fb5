"""Malformed execution input worded as Step Functions' JSON parser words it.

The wording of a missing comma between object entries is AWS's own, from a real StartExecution
answer quoted in a public project's notes: ``Invalid State Machine Execution Input:
'com.fasterxml.jackson.core.JsonParseException: Unexpected character ('"' (code 34)): was
expecting comma to separate Object entries\\n at [Source: (String)"..."; line: 1, column: 58]'``.
"""

from __future__ import annotations

import json

import pytest

from emulator.services.stepfunctions.json_errors import jackson_message


def _message(text: str) -> str:
    with pytest.raises(json.JSONDecodeError) as excinfo:
        json.loads(text)
    return jackson_message(text, excinfo.value)


def test_a_missing_comma_in_an_object_is_worded_as_aws_answered() -> None:
    text = '{"courseId": "6225", "department": "CSYE", "boardId": """, "size": "0"}'
    assert _message(text) == (
        "com.fasterxml.jackson.core.JsonParseException: Unexpected character ('\"' (code 34)): "
        "was expecting comma to separate Object entries\n at [Source: (String)\"" + text
        + "\"; line: 1, column: 58]"
    )


def test_an_array_names_array_entries_and_later_lines_count_from_their_start() -> None:
    text = '{"a": "]", "b": [1,\n 2 3]}'
    assert _message(text).startswith(
        "com.fasterxml.jackson.core.JsonParseException: Unexpected character ('3' (code 51)): "
        "was expecting comma to separate Array entries\n"
    )
    assert _message(text).endswith("; line: 2, column: 5]")


def test_a_long_source_is_cut_where_the_parser_cuts_it() -> None:
    text = '{"a": "' + "x" * 600 + '" "b": 1}'
    assert f'"[truncated {len(text) - 500} chars]; line: 1, column: ' in _message(text)


def test_other_failures_keep_the_decoder_message() -> None:
    assert _message("{not json") == "Expecting property name enclosed in double quotes: " \
        "line 1 column 2 (char 1)"
