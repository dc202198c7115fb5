"""Local code in a template made deployable, as ``localcloud deploy`` needs for users without
the SAM CLI: each local folder is zipped and uploaded (``aws cloudformation package`` does the
same) or, with hot reload, handed to Lambda as a hot-reload reference (the function runs the
folder's current files); local definition files are read in."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Callable
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


def zip_folder(folder: str) -> bytes:
    """The folder's files in a zip, in a stable order (so unchanged code uploads once)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for root, directories, files in os.walk(folder):
            directories.sort()
            for name in sorted(files):
                path = Path(root, name)
                info = zipfile.ZipInfo(str(path.relative_to(folder)), (1980, 1, 1, 0, 0, 0))
                info.external_attr = (path.stat().st_mode & 0o777) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


# Stores a zip and answers where: (bucket, key).
Upload = Callable[[str, bytes], tuple[str, str]]


def _stored(folder: str, upload: Upload) -> tuple[str, str]:
    data = zip_folder(folder)
    return upload(hashlib.sha256(data).hexdigest() + ".zip", data)


def _document(base: Path, value: str) -> Any:
    text = (base / value).read_text()
    return inbound.loads(text) if text.lstrip().startswith("{") else loader.load(text)


def package(template: dict[str, Any], base: Path,
            upload: Upload | None = None) -> dict[str, Any]:
    """``template`` with its local paths resolved against ``base``: uploaded with
    ``upload``, or hot-reload references without it."""
    def where(folder: str) -> tuple[str, str]:
        return _stored(folder, upload) if upload is not None else (HOT_RELOAD_BUCKET, folder)

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
                bucket, key = where(_folder(base, code))
                properties["CodeUri"] = {"Bucket": bucket, "Key": key}
        elif kind == "AWS::Serverless::LayerVersion" and _local(properties.get("ContentUri")):
            bucket, key = where(_folder(base, properties["ContentUri"]))
            properties["ContentUri"] = {"Bucket": bucket, "Key": key}
        elif kind == "AWS::Lambda::Function" and _local(properties.get("Code")):
            bucket, key = where(_folder(base, properties["Code"]))
            properties["Code"] = {"S3Bucket": bucket, "S3Key": key}
        elif kind == "AWS::Lambda::LayerVersion" and _local(properties.get("Content")):
            bucket, key = where(_folder(base, properties["Content"]))
            properties["Content"] = {"S3Bucket": bucket, "S3Key": key}
        elif kind == "AWS::Serverless::StateMachine" and _local(properties.get("DefinitionUri")):
            properties["Definition"] = _document(base, properties.pop("DefinitionUri"))
        elif kind in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi") and _local(
                properties.get("DefinitionUri")):
            properties["DefinitionBody"] = _document(base, properties.pop("DefinitionUri"))
    return template


__all__ = ["HOT_RELOAD_BUCKET", "Upload", "package", "zip_folder"]
