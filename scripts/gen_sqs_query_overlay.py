"""Regenerate emulator/wire/overlays/sqs.json.

Current botocore describes SQS in the json protocol only; older clients still speak query.
The query serialisation traits (locationName, flattened, resultWrapper) and the legacy query
error codes come from the last botocore release whose SQS model used the query protocol.

Usage: python scripts/gen_sqs_query_overlay.py path/to/old/sqs/service-2.json
(unpack it from the botocore 1.29.0 wheel on PyPI).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "emulator" / "wire" / "overlays" / "sqs.json"

# Error shapes added after SQS moved to json; their query codes as AWS documents them.
NEWER_ERRORS = {
    "InvalidAddress": {"code": "InvalidAddress", "httpStatusCode": 404, "senderFault": True},
    "InvalidSecurity": {"code": "InvalidSecurity", "httpStatusCode": 403, "senderFault": True},
    "RequestThrottled": {"code": "RequestThrottled", "httpStatusCode": 403, "senderFault": True},
    "InvalidAttributeValue": {
        "code": "InvalidAttributeValue",
        "httpStatusCode": 400,
        "senderFault": True,
    },
    "InvalidAttributeName": {
        "code": "InvalidAttributeName",
        "httpStatusCode": 400,
        "senderFault": True,
    },
    "InvalidIdFormat": {"code": "InvalidIdFormat", "httpStatusCode": 400, "senderFault": True},
    "InvalidMessageContents": {
        "code": "InvalidMessageContents",
        "httpStatusCode": 400,
        "senderFault": True,
    },
    "ReceiptHandleIsInvalid": {
        "code": "ReceiptHandleIsInvalid",
        "httpStatusCode": 400,
        "senderFault": True,
    },
    "ResourceNotFoundException": {
        "code": "ResourceNotFoundException",
        "httpStatusCode": 404,
        "senderFault": True,
    },
}


def traits_of(shape: dict[str, Any]) -> dict[str, Any]:
    traits: dict[str, Any] = {k: shape[k] for k in ("locationName", "flattened") if k in shape}
    if shape["type"] == "structure":
        members = {
            name: {k: member[k] for k in ("locationName", "flattened") if k in member}
            for name, member in shape["members"].items()
        }
        members = {name: t for name, t in members.items() if t}
        if members:
            traits["members"] = members
    for part in ("member", "key", "value"):
        if part in shape and "locationName" in shape[part]:
            traits[part] = {"locationName": shape[part]["locationName"]}
    return traits


def main(old_model_path: str) -> None:
    old = json.loads(Path(old_model_path).read_text())
    shapes = {name: t for name, s in old["shapes"].items() if (t := traits_of(s))}
    errors = {name: s["error"] for name, s in old["shapes"].items() if "error" in s}
    errors.update(NEWER_ERRORS)
    operations = {
        name: {"resultWrapper": op["output"]["resultWrapper"]}
        for name, op in old["operations"].items()
        if "resultWrapper" in op.get("output", {})
    }
    overlay = {
        "query": {
            "xmlNamespace": old["metadata"]["xmlNamespace"],
            "operations": operations,
            "shapes": shapes,
            # Query clients may post to the queue URL instead of passing QueueUrl.
            "pathMember": "QueueUrl",
        },
        "errors": errors,
        "jsonErrorNamespace": "com.amazonaws.sqs",
        # SQS words missing and invalid parameters the query way in both protocols.
        "validation": "query",
        # SQS accepts message system attribute names in ReceiveMessage's AttributeNames.
        "enums": "unchecked",
    }
    OUT.write_text(json.dumps(overlay, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
