"""Local code in a template, made deployable without uploading it: a function's local folder
becomes a hot-reload reference (the Lambda service runs code straight from that folder), and
local definition files are read in, as ``localcloud deploy`` needs for users without the SAM
CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from emulator import inbound
from emulator.cloudformation import loader

HOT_RELOAD_BUCKET = "hot-reload"  # the Lambda service's bucket name for local folders


def _local(value: Any) -> bool:
    return isinstance(value, str) and not value.startswith(("s3://", "https://", "http://"))


def _folder(base: Path, value: str) -> str:
    path = (base / value).resolve()
    if path.is_file():
        raise ValueError(f"{value}: a zip file cannot be deployed without S3; point the "
                         "template at the folder that holds the code")
    if not path.is_dir():
        raise ValueError(f"{value}: no such folder (relative to {base})")
    return str(path)


def _document(base: Path, value: str) -> Any:
    text = (base / value).read_text()
    return inbound.loads(text) if text.lstrip().startswith("{") else loader.load(text)


def package(template: dict[str, Any], base: Path) -> dict[str, Any]:
    """``template`` with its local paths resolved against ``base``."""
    globals_ = (template.get("Globals") or {}).get("Function") or {}
    for definition in (template.get("Resources") or {}).values():
        if not isinstance(definition, dict):
            continue
        kind, properties = definition.get("Type"), definition.setdefault("Properties", {})
        if not isinstance(properties, dict):
            continue
        if kind == "AWS::Serverless::Function" and "InlineCode" not in properties and (
                properties.get("PackageType", "Zip") == "Zip"):
            code = properties.get("CodeUri", globals_.get("CodeUri", "."))
            if _local(code):
                properties["CodeUri"] = {"Bucket": HOT_RELOAD_BUCKET,
                                         "Key": _folder(base, code)}
        elif kind == "AWS::Serverless::LayerVersion" and _local(properties.get("ContentUri")):
            properties["ContentUri"] = {"Bucket": HOT_RELOAD_BUCKET,
                                        "Key": _folder(base, properties["ContentUri"])}
        elif kind == "AWS::Lambda::Function" and _local(properties.get("Code")):
            properties["Code"] = {"S3Bucket": HOT_RELOAD_BUCKET,
                                  "S3Key": _folder(base, properties["Code"])}
        elif kind == "AWS::Lambda::LayerVersion" and _local(properties.get("Content")):
            properties["Content"] = {"S3Bucket": HOT_RELOAD_BUCKET,
                                     "S3Key": _folder(base, properties["Content"])}
        elif kind == "AWS::Serverless::StateMachine" and _local(properties.get("DefinitionUri")):
            properties["Definition"] = _document(base, properties.pop("DefinitionUri"))
        elif kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi") and _local(
                properties.get("DefinitionUri")):
            properties["DefinitionBody"] = _document(base, properties.pop("DefinitionUri"))
    return template


__all__ = ["HOT_RELOAD_BUCKET", "package"]
