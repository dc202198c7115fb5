"""Rewrite the supported resource types table in docs/cloudformation.md from the code."""

from __future__ import annotations

from pathlib import Path

from emulator.cloudformation.catalog import replace_section

DOC = Path(__file__).parent.parent / "docs" / "cloudformation.md"


def main() -> None:
    DOC.write_text(replace_section(DOC.read_text()))
    print(f"updated {DOC}")


if __name__ == "__main__":
    main()
