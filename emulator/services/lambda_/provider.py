"""The Lambda provider: every part of the API, and the ``functions`` port."""

from __future__ import annotations

import base64
from typing import Any

from emulator.context import RequestContext
from emulator.services.lambda_.async_events import AsyncEventsApi
from emulator.services.lambda_.event_invoke import EventInvokeApi
from emulator.services.lambda_.event_sources import EventSourceMappingsApi
from emulator.services.lambda_.functions import FunctionsApi
from emulator.services.lambda_.invoke import FunctionsPort, InvokeApi
from emulator.services.lambda_.layers import LayersApi
from emulator.services.lambda_.models import FUNCTIONS, LAYERS, FunctionRecord
from emulator.services.lambda_.names import Scope, function_arn, scope_of, split_function_name
from emulator.services.lambda_.permissions import PermissionsApi
from emulator.services.lambda_.urls import UrlsApi
from emulator.services.lambda_.versions import VersionsApi


class LambdaProvider(FunctionsApi, VersionsApi, InvokeApi, AsyncEventsApi, EventInvokeApi,
                     EventSourceMappingsApi, LayersApi, PermissionsApi, UrlsApi):
    service_name = "lambda"

    def port(self, name: str) -> object | None:
        if name == "function-urls":  # function URLs and code downloads over HTTP (http.py)
            return self
        return FunctionsPort(self) if name == "functions" else None

    def delete_function(
        self, ctx: RequestContext, *, function_name: str, qualifier: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        result = super().delete_function(ctx, function_name=function_name, qualifier=qualifier,
                                         **kwargs)
        name, qualifier = split_function_name(function_name, qualifier)
        if qualifier is None:
            self.forget_configs(scope_of(ctx), name)
        return result

    def code_zip(self, digest_hex: str) -> bytes | None:
        """A stored deployment package by the hex of its SHA-256 (for Code.Location)."""
        try:
            sha = base64.b64encode(bytes.fromhex(digest_hex)).decode()
        except ValueError:
            return None
        for table in (FUNCTIONS, LAYERS):
            for account, region in self.store.scopes(table):
                tables = self.tables(Scope(account, region))
                codes = [r.code for r in (*tables.functions.values(), *tables.versions.values())]
                codes.extend(layer.code for layer in tables.layers.values())
                for code in codes:
                    if code.sha256 == sha:
                        return self.code.read_zip(code)
        return None

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        functions: list[dict[str, Any]] = []
        for account, region in self.store.scopes(FUNCTIONS):
            scope = Scope(account, region)
            record: FunctionRecord
            for record in self.tables(scope).functions.values():
                functions.append({
                    "name": record.name,
                    "arn": function_arn(scope, record.name),
                    "runtime": record.runtime,
                    "handler": record.handler,
                    "hot_reload": record.code.hot_reload_path,
                })
        return {"functions": functions}


__all__ = ["LambdaProvider"]
