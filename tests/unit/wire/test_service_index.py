"""The service index the wire layer routes by (signing names and X-Amz-Target prefixes) is
generated from botocore's models; it must match the botocore installed, or requests to
services botocore added (or renamed) would not be routed."""

from __future__ import annotations

import json

import botocore

from emulator.wire import specs


def test_the_service_index_matches_the_installed_botocore() -> None:
    stored = json.loads(json.dumps(specs.service_index()))
    if stored.get("botocore") == botocore.__version__:
        return  # made from this very botocore (reading every model again takes long)
    built = specs.build_service_index()
    assert {k: v for k, v in stored.items() if k != "botocore"} == {
        k: v for k, v in built.items() if k != "botocore"}, (
        "emulator/wire/overlays/service_index.json does not match the installed botocore; "
        "regenerate it with: python scripts/gen_service_index.py")
