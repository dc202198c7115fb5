"""Every row of the JSON case files under tests/dynamodb/cases, one test each: DynamoDB's
expression languages, attribute values and item sizes, each row citing its source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from expression_runner import CASES, check


def _rows() -> list[Any]:
    rows = []
    for path in sorted(CASES.glob("*.json")):
        document = json.loads(path.read_text())
        for number, case in enumerate(document["cases"], 1):
            rows.append(pytest.param(case, document.get("items", {}),
                                     id=f"{path.stem}-{number}"))
    return rows


ROWS = _rows()


@pytest.mark.parametrize(("case", "items"), ROWS)
def test_case(case: dict[str, Any], items: dict[str, Any]) -> None:
    check(case, items)


def test_every_row_cites_a_documented_source() -> None:
    for path in CASES.glob("*.json"):
        document = json.loads(path.read_text())
        for case in document["cases"]:
            assert document["sources"][case["source"]].startswith("https://docs.aws.amazon.com/")


def test_there_are_several_hundred_rows_in_every_area() -> None:
    areas = {Path(str(row.id).rsplit("-", 1)[0]).name for row in ROWS}
    assert {"conditions", "updates", "projections", "key_conditions", "values", "sizes"} <= areas
    assert len(ROWS) >= 400
