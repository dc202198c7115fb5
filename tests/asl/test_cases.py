"""Every JSON language case under tests/asl/cases, one test each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from asl_runner import CASES, case_files, check


@pytest.mark.parametrize(
    "path", case_files(), ids=lambda p: str(Path(p).relative_to(CASES).with_suffix(""))
)
def test_case(path: Path) -> None:
    check(json.loads(path.read_text()))


def test_there_are_cases_for_every_area() -> None:
    areas = {p.parent.name for p in case_files()}
    assert {"pass", "task", "choice", "wait", "succeed_fail", "parallel", "map", "intrinsics",
            "errors", "jsonata", "variables", "definitions", "paths"} <= areas
