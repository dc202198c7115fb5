"""CloudWatch clients in each protocol the model lists, as different SDKs speak to it.

boto3 picks json; a client whose model lists only smithy-rpc-v2-cbor (as SDKs preferring CBOR
do) or only query (as older SDKs did) is made from a copy of botocore's model, so the real
client serialises and parses each protocol.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import boto3
import botocore.session

from emulator.testing import EmulatorHandle


def client_speaking(emulator: EmulatorHandle, protocol: str, folder: Path,
                    service: str = "cloudwatch") -> Any:
    """A boto3 client of ``service`` that speaks only ``protocol``."""
    loader = botocore.session.get_session().get_component("data_loader")
    model = copy.deepcopy(loader.load_service_model(service, "service-2"))
    model["metadata"]["protocols"] = [protocol]
    model["metadata"]["protocol"] = protocol
    version = model["metadata"]["apiVersion"]
    target = folder / service / version
    target.mkdir(parents=True, exist_ok=True)
    (target / "service-2.json").write_text(json.dumps(model))
    session = botocore.session.get_session()
    session.set_config_variable("data_path", str(folder))
    return boto3.Session(botocore_session=session).client(
        service, endpoint_url=emulator.endpoint_url, region_name=emulator.region,
        aws_access_key_id="test", aws_secret_access_key="test")


__all__ = ["client_speaking"]
