"""Recover the screenshots a failing console test wrote into a log:
``python -m tests.console.screenshot < ci.log`` writes each one as a PNG here."""

from __future__ import annotations

import base64
import sys
from pathlib import Path


def main() -> None:
    name: str | None = None
    lines: list[str] = []
    for line in sys.stdin:
        line = line.strip()
        if line.startswith("BEGIN SCREENSHOT "):
            name, lines = line.removeprefix("BEGIN SCREENSHOT "), []
        elif line.startswith("END SCREENSHOT ") and name:
            Path(name).write_bytes(base64.b64decode("".join(lines)))
            print(f"wrote {name}")
            name = None
        elif name is not None:
            lines.append(line)


if __name__ == "__main__":
    main()
