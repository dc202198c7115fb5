"""Helpers for the HTTP API tests: an HTTP API built with apigatewayv2, its invoke URLs, and
Lambda functions behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from lambda_support import create_function

from emulator.testing import EmulatorHandle

ACCOUNT = "000000000000"


@dataclass
class HttpApi:
    client: Any
    id: str
    endpoint: str

    def integration(self, **options: Any) -> str:
        return str(self.client.create_integration(ApiId=self.id, **options)["IntegrationId"])

    def lambda_integration(self, function_arn: str, version: str = "2.0", **options: Any
                           ) -> str:
        return self.integration(IntegrationType="AWS_PROXY", IntegrationUri=function_arn,
                                PayloadFormatVersion=version, **options)

    def route(self, key: str, integration_id: str | None = None, **options: Any) -> str:
        if integration_id is not None:
            options["Target"] = f"integrations/{integration_id}"
        return str(self.client.create_route(ApiId=self.id, RouteKey=key, **options)["RouteId"])

    def stage(self, StageName: str = "$default", AutoDeploy: bool = True,
              **options: Any) -> None:
        self.client.create_stage(ApiId=self.id, StageName=StageName, AutoDeploy=AutoDeploy,
                                 **options)

    def url(self, path: str = "/", stage: str | None = None) -> str:
        prefix = f"/{stage}" if stage else ""
        return f"{self.endpoint}/_aws/execute-api/{self.id}{prefix}{path}"

    def request(self, method: str, path: str = "/", stage: str | None = None,
                **options: Any) -> httpx.Response:
        return httpx.request(method, self.url(path, stage), **options)

    def get(self, path: str = "/", stage: str | None = None, **options: Any) -> httpx.Response:
        return self.request("GET", path, stage, **options)


def new_http_api(emulator: EmulatorHandle, name: str = "http-api", **options: Any) -> HttpApi:
    client = emulator.client("apigatewayv2")
    created = client.create_api(Name=name, ProtocolType="HTTP", **options)
    return HttpApi(client, created["ApiId"], emulator.endpoint_url)


def function_arn(emulator: EmulatorHandle, name: str) -> str:
    return f"arn:aws:lambda:{emulator.region}:{ACCOUNT}:function:{name}"


def new_function(emulator: EmulatorHandle, code: str) -> str:
    """A Python function whose ``app.py`` is ``code``; its ARN."""
    return function_arn(emulator, create_function(emulator.client("lambda"), {"app.py": code}))


ECHO = """
import json
def handler(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(event)}
"""


__all__ = ["ACCOUNT", "ECHO", "HttpApi", "function_arn", "new_function", "new_http_api"]
