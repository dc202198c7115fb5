"""Regenerate emulator/wire/overlays/service_index.json from the installed botocore.

The index maps SigV4 signing names and X-Amz-Target prefixes to botocore service names, so
the wire layer can find a service without loading every model at start-up.
"""

from __future__ import annotations

import json
from pathlib import Path

import botocore.session

OUT = (
    Path(__file__).resolve().parent.parent / "emulator" / "wire" / "overlays" / "service_index.json"
)


def main() -> None:
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    signing: dict[str, list[str]] = {}
    targets: dict[str, str] = {}
    for name in sorted(loader.list_available_services("service-2")):
        meta = loader.load_service_model(name, "service-2")["metadata"]
        sign = meta.get("signingName") or meta.get("endpointPrefix") or name
        signing.setdefault(sign, []).append(name)
        if "targetPrefix" in meta:
            targets[meta["targetPrefix"]] = name
    OUT.write_text(json.dumps({"signing": signing, "target": targets}, indent=0, sort_keys=True))


if __name__ == "__main__":
    main()
