"""Regenerate emulator/wire/overlays/service_index.json from the installed botocore.

The index maps SigV4 signing names and X-Amz-Target prefixes to botocore service names, so
the wire layer can find a service without loading every model at start-up.
"""

from __future__ import annotations

import json
from pathlib import Path

from emulator.wire.specs import build_service_index

OUT = (
    Path(__file__).resolve().parent.parent / "emulator" / "wire" / "overlays" / "service_index.json"
)


def main() -> None:
    OUT.write_text(json.dumps(build_service_index(), indent=0, sort_keys=True))


if __name__ == "__main__":
    main()
