"""Layers: published versions of a zip whose ``python/`` folder goes on the import path."""

from __future__ import annotations

import base64
import re
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import paging
from emulator.services.lambda_.common import LambdaBase
from emulator.services.lambda_.models import HOT_RELOAD_BUCKET, LayerVersionRecord
from emulator.services.lambda_.names import Scope, invalid_parameter, layer_arn, scope_of, timestamp

LAYER_NAME = re.compile(
    r"^(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:)?([a-zA-Z0-9_-]+)$"
)


def _layer_name(layer_name: str) -> str:
    match = LAYER_NAME.match(layer_name)
    if match is None or len(match[2]) > 140:
        raise ServiceError(
            "ValidationException",
            f"1 validation error detected: Value '{layer_name}' at 'layerName' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|"
            "[a-zA-Z0-9-_]+",
            status=400,
        )
    return match[2]


class LayersApi(LambdaBase):
    def _layer_shape(self, scope: Scope, record: LayerVersionRecord,
                     endpoint: str) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "LayerArn": layer_arn(scope, record.name),
            "LayerVersionArn": layer_arn(scope, record.name, record.version),
            "Description": record.description,
            "CreatedDate": timestamp(record.created),
            "Version": record.version,
            "CompatibleRuntimes": list(record.compatible_runtimes),
            "CompatibleArchitectures": list(record.compatible_architectures),
        }
        if record.license_info is not None:
            shape["LicenseInfo"] = record.license_info
        return shape

    def _content(self, record: LayerVersionRecord, endpoint: str) -> dict[str, Any]:
        return {
            "Location": f"{endpoint}/_aws/lambda-code/layer-{record.name}/"
            f"{base64.b64decode(record.code.sha256).hex()}.zip",
            "CodeSha256": record.code.sha256,
            "CodeSize": record.code.size,
        }

    def _version_answer(self, scope: Scope, record: LayerVersionRecord,
                        endpoint: str) -> dict[str, Any]:
        """What PublishLayerVersion and GetLayerVersion answer: the version and its code."""
        return {**self._layer_shape(scope, record, endpoint),
                "Content": self._content(record, endpoint)}

    def _get_layer(self, scope: Scope, name: str, version: int) -> LayerVersionRecord:
        return self.found(self.tables(scope).layers.get(f"{name}:{version}"),
                          "The resource you requested does not exist.")

    def publish_layer_version(self, ctx: RequestContext, *, layer_name: str,
                              content: dict[str, Any], description: str = "",
                              compatible_runtimes: list[str] | None = None,
                              compatible_architectures: list[str] | None = None,
                              license_info: str | None = None, **_: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        name = _layer_name(layer_name)
        if content.get("ZipFile") is not None:
            code = self.code.put_zip(content["ZipFile"], "PublishLayerVersion")
        elif content.get("S3Bucket") == HOT_RELOAD_BUCKET and content.get("S3Key"):
            code = self.code.hot_reload(content["S3Key"])
        elif content.get("S3Bucket"):
            code = self.code_from_s3(content, "PublishLayerVersion")
        else:
            raise invalid_parameter("Please provide a source for the layer's content: a "
                                    "ZipFile, an S3 object, or a hot-reload folder.")
        version = self.next_number(scope, f"layer:{name}")
        record = LayerVersionRecord(
            name=name, version=version, account=scope.account, region=scope.region,
            description=description, compatible_runtimes=list(compatible_runtimes or []),
            compatible_architectures=list(compatible_architectures or []),
            license_info=license_info, code=code, created=self.clock.now(),
        )
        self.tables(scope).layers.put(f"{name}:{version}", record)
        return self._version_answer(scope, record, ctx.endpoint_url)

    def get_layer_version(
        self, ctx: RequestContext, *, layer_name: str, version_number: int, **_: Any
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        record = self._get_layer(scope, _layer_name(layer_name), version_number)
        return self._version_answer(scope, record, ctx.endpoint_url)

    def get_layer_version_by_arn(self, ctx: RequestContext, *, arn: str, **_: Any
                                 ) -> dict[str, Any]:
        parts = arn.split(":")
        if len(parts) != 8 or parts[5] != "layer" or not parts[7].isdigit():
            raise invalid_parameter(f"{arn} is not a layer version ARN.")
        scope = Scope(parts[4], parts[3])
        record = self._get_layer(scope, parts[6], int(parts[7]))
        return self._version_answer(scope, record, ctx.endpoint_url)

    def delete_layer_version(
        self, ctx: RequestContext, *, layer_name: str, version_number: int, **_: Any
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        self.tables(scope).layers.delete(f"{_layer_name(layer_name)}:{version_number}")
        return {}

    def _matching(self, scope: Scope, name: str | None, runtime: str | None,
                  architecture: str | None) -> list[LayerVersionRecord]:
        found = []
        for record in self.tables(scope).layers.values():
            if name is not None and record.name != name:
                continue
            if runtime and runtime not in record.compatible_runtimes:
                continue
            if architecture and architecture not in record.compatible_architectures:
                continue
            found.append(record)
        return found

    def list_layer_versions(self, ctx: RequestContext, *, layer_name: str,
                            compatible_runtime: str | None = None,
                            compatible_architecture: str | None = None, marker: str | None = None,
                            max_items: int | None = None, **_: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        name = _layer_name(layer_name)
        records = sorted(self._matching(scope, name, compatible_runtime,
                                        compatible_architecture),
                         key=lambda r: r.version, reverse=True)
        return paging.answer("LayerVersions", records, marker, max_items or 50,
                             token_member="NextMarker",
                             shape=lambda r: self._layer_shape(scope, r, ctx.endpoint_url))

    def list_layers(self, ctx: RequestContext, *, compatible_runtime: str | None = None,
                    compatible_architecture: str | None = None, marker: str | None = None,
                    max_items: int | None = None, **_: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        latest: dict[str, LayerVersionRecord] = {}
        for record in self._matching(scope, None, compatible_runtime, compatible_architecture):
            if record.name not in latest or record.version > latest[record.name].version:
                latest[record.name] = record
        layers: list[dict[str, Any]] = []
        for name, record in sorted(latest.items()):
            version = self._layer_shape(scope, record, ctx.endpoint_url)
            version.pop("LayerArn", None)
            layers.append({"LayerName": name, "LayerArn": layer_arn(scope, name),
                           "LatestMatchingVersion": version})
        return paging.answer("Layers", layers, marker, max_items or 50,
                             token_member="NextMarker")


__all__ = ["LayersApi"]
