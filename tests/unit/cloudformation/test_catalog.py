"""The docs' table of supported resource types is the code's."""

from __future__ import annotations

from pathlib import Path

from emulator.cloudformation import schemas
from emulator.cloudformation.catalog import END, START, section
from emulator.cloudformation.resources import TYPES

DOC = Path(__file__).resolve().parents[3] / "docs" / "cloudformation.md"


def test_the_docs_table_matches_the_registered_types() -> None:
    document = DOC.read_text()
    written = document[document.index(START):document.index(END) + len(END)]
    assert written == section(), "run: python scripts/gen_cfn_docs.py"


def test_every_supported_type_is_an_aws_type() -> None:
    assert len(TYPES) >= 50
    assert all(schemas.known(name) for name in TYPES)
