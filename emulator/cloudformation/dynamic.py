"""Dynamic references: ``{{resolve:ssm:...}}``, ``{{resolve:ssm-secure:...}}`` and
``{{resolve:secretsmanager:...}}`` inside property values, read when the resource is made."""

from __future__ import annotations

import json
import re
from typing import Any

from emulator import inbound
from emulator.cloudformation.errors import ResourceError
from emulator.cloudformation.ports import ServiceCall, ServiceFailure

_REFERENCE = re.compile(r"\{\{resolve:(ssm|ssm-secure|secretsmanager):([^}]*)\}\}")


def has_references(value: Any) -> bool:
    if isinstance(value, str):
        return "{{resolve:" in value
    if isinstance(value, dict):
        return any(has_references(item) for item in value.values())
    if isinstance(value, list):
        return any(has_references(item) for item in value)
    return False


async def _ssm(call: ServiceCall, reference: str, secure: bool) -> str:
    name, _, version = reference.partition(":")
    params: dict[str, Any] = {"Name": f"{name}:{version}" if version else name,
                              "WithDecryption": secure}
    try:
        answer = await call("ssm", "GetParameter", params)
    except ServiceFailure as failure:
        if failure.code == "ParameterNotFound":
            raise ResourceError(f"Parameters: [ssm:{name}] cannot be found.",
                                "NotFound") from None
        raise
    return str(answer["Parameter"]["Value"])


async def _secret(call: ServiceCall, reference: str) -> str:
    # secret-id:SecretString:json-key:version-stage:version-id; the secret id may be an ARN.
    if reference.startswith("arn:"):
        parts = reference.split(":")
        secret_id, rest = ":".join(parts[:7]), parts[7:]
    else:
        secret_id, *rest = reference.split(":")
    rest += [""] * (4 - len(rest))
    _, json_key, stage, version_id = rest[:4]
    params: dict[str, Any] = {"SecretId": secret_id}
    if version_id:
        params["VersionId"] = version_id
    elif stage:
        params["VersionStage"] = stage
    try:
        answer = await call("secretsmanager", "GetSecretValue", params)
    except ServiceFailure as failure:
        raise ResourceError(
            f"Could not parse SecretString JSON / fetch secret {secret_id}: {failure.message}",
            "NotFound") from None
    secret = str(answer.get("SecretString", ""))
    if not json_key:
        return secret
    try:
        document = inbound.loads(secret)
    except json.JSONDecodeError:
        raise ResourceError(f"Could not parse SecretString JSON for secret {secret_id}",
                            "InvalidRequest") from None
    if not isinstance(document, dict) or json_key not in document:
        raise ResourceError(f"Could not find SecretString JSON key {json_key} for secret "
                            f"{secret_id}", "InvalidRequest")
    value = document[json_key]
    return value if isinstance(value, str) else json.dumps(value)


async def _resolve_text(text: str, call: ServiceCall) -> str:
    out = []
    position = 0
    for match in _REFERENCE.finditer(text):
        out.append(text[position:match.start()])
        kind, reference = match.group(1), match.group(2)
        if kind == "secretsmanager":
            out.append(await _secret(call, reference))
        else:
            out.append(await _ssm(call, reference, kind == "ssm-secure"))
        position = match.end()
    out.append(text[position:])
    return "".join(out)


async def resolve(value: Any, call: ServiceCall) -> Any:
    if not has_references(value):
        return value
    if isinstance(value, str):
        return await _resolve_text(value, call)
    if isinstance(value, dict):
        return {key: await resolve(item, call) for key, item in value.items()}
    if isinstance(value, list):
        return [await resolve(item, call) for item in value]
    return value


__all__ = ["has_references", "resolve"]
