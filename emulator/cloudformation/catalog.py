"""The supported resource types as the docs list them: made from the registered types, so
docs/cloudformation.md cannot drift from the code (a test compares them)."""

from __future__ import annotations

import emulator.cloudformation.types  # noqa: F401 - registers the supported resource types
from emulator.cloudformation.resources import TYPES

START = "<!-- supported-types:start -->"
END = "<!-- supported-types:end -->"


def table() -> str:
    lines = ["| Resource type | Service | Fn::GetAtt attributes |", "| --- | --- | --- |"]
    for type_name in sorted(TYPES):
        kind = TYPES[type_name]
        attributes = ", ".join(sorted(name for name in kind.attributes() if "." not in name))
        lines.append(f"| `{type_name}` | {kind.service} | {attributes or '-'} |")
    return "\n".join(lines)


def section() -> str:
    return f"{START}\n{table()}\n{END}"


def replace_section(document: str) -> str:
    """``document`` with its generated table brought up to date."""
    before, _, rest = document.partition(START)
    _, _, after = rest.partition(END)
    return before + section() + after


__all__ = ["END", "START", "replace_section", "section", "table"]
