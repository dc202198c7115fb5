"""The ``AWS::Include`` transform: ``Fn::Transform`` snippets replaced by a JSON or YAML file
in S3 (where `sam deploy` and `aws cloudformation package` upload a local ``Location``).

Declared in the Transform section, the file's sections are merged into the template's.
A snippet that is a whole value is replaced by the file's content; one beside other keys
merges the file's mapping into them. See
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-include.html
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse

from emulator.cloudformation import loader
from emulator.cloudformation.errors import TemplateError
from emulator.cloudformation.ports import ServiceCall, ServiceFailure

INCLUDE = "AWS::Include"
_TRANSFORM = "Fn::Transform"


def s3_location(url: str) -> tuple[str | None, str]:
    """Bucket and key of an S3 URL in any of its forms (s3://, path or virtual host, any
    endpoint); no bucket when the URL names none."""
    if url.startswith("s3://"):
        bucket, _, key = url[5:].partition("/")
        return (bucket or None), key
    parsed = urlparse(url)
    host = parsed.hostname or ""
    path = unquote(parsed.path.lstrip("/"))
    if ".s3" in host and not host.startswith("s3"):
        return host.split(".s3", 1)[0], path
    bucket, _, key = path.partition("/")
    return (bucket or None), key


def include_location(value: Any) -> str | None:
    """The Location of an AWS::Include snippet, or None for any other value."""
    if not isinstance(value, dict) or value.get("Name") != INCLUDE:
        return None
    location = (value.get("Parameters") or {}).get("Location")
    if not isinstance(location, str) or not location:
        raise TemplateError("Template format error: AWS::Include requires a string "
                            "Location parameter")
    return location


async def fetch(call: ServiceCall, url: str) -> Any:
    bucket, key = s3_location(url)
    if bucket is None:
        raise TemplateError(f"Transform {INCLUDE} failed with: {url} is not an S3 URL")
    try:
        answer = await call("s3", "GetObject", {"Bucket": bucket, "Key": key})
    except ServiceFailure:
        raise TemplateError(f"Transform {INCLUDE} failed with: S3 object at {url} could not "
                            "be read.") from None
    raw = answer.get("Body", b"")
    data = raw.read() if hasattr(raw, "read") else raw
    text = data.decode() if isinstance(data, (bytes, bytearray)) else str(data)
    return loader.load(text)


async def top_level(call: ServiceCall, template: dict[str, Any]) -> dict[str, Any]:
    """The template with the files of AWS::Include entries of its Transform section merged
    in, section by section, and those entries taken out of the section."""
    declared = template.get("Transform")
    entries = declared if isinstance(declared, list) else [declared]
    locations = [include_location(entry) for entry in entries]
    if not any(locations):
        return template
    out = dict(template)
    kept = [entry for entry, location in zip(entries, locations, strict=True) if not location]
    if kept:
        out["Transform"] = kept if isinstance(declared, list) else kept[0]
    else:
        out.pop("Transform")
    for location in locations:
        if location is None:
            continue
        included = await fetch(call, location)
        for section, content in included.items():
            if isinstance(out.get(section), dict) and isinstance(content, dict):
                out[section] = {**out[section], **content}
            else:
                out[section] = content
    return out


def has_includes(value: Any) -> bool:
    if isinstance(value, list):
        return any(has_includes(item) for item in value)
    if isinstance(value, dict):
        if include_location(value.get(_TRANSFORM)) is not None:
            return True
        return any(has_includes(item) for item in value.values())
    return False


async def expand(call: ServiceCall, value: Any) -> Any:
    """``value`` with every AWS::Include snippet replaced by its file."""
    if isinstance(value, list):
        return [await expand(call, item) for item in value]
    if not isinstance(value, dict):
        return value
    location = include_location(value.get(_TRANSFORM))
    if location is not None:
        included = await expand(call, await fetch(call, location))
        rest = {key: item for key, item in value.items() if key != _TRANSFORM}
        if not rest:
            return included
        merged = {key: await expand(call, item) for key, item in rest.items()}
        merged.update(included)
        return merged
    return {key: await expand(call, item) for key, item in value.items()}


__all__ = ["INCLUDE", "expand", "fetch", "has_includes", "include_location", "s3_location",
           "top_level"]
