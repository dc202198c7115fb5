"""Helpers for the Lambda tests: zips built in memory, functions with unique names."""

from __future__ import annotations

import io
import json
import textwrap
import uuid
import zipfile
from typing import Any

ROLE = "arn:aws:iam::000000000000:role/lambda-role"


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, textwrap.dedent(text))
    return buffer.getvalue()


def unique(prefix: str = "fn") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_function(client: Any, files: dict[str, str], *, name: str | None = None,
                    handler: str = "app.handler", **options: Any) -> str:
    name = name or unique()
    options.setdefault("Runtime", "python3.11")
    options.setdefault("Role", ROLE)
    client.create_function(FunctionName=name, Handler=handler,
                           Code={"ZipFile": zip_of(files)}, **options)
    return name


def invoke(client: Any, name: str, event: Any = None, **options: Any) -> tuple[dict[str, Any],
                                                                             Any]:
    """The Invoke response and its decoded JSON payload (None when empty)."""
    reply = client.invoke(FunctionName=name, Payload=json.dumps(event or {}).encode(),
                          **options)
    raw = reply["Payload"].read()
    return reply, json.loads(raw) if raw else None
