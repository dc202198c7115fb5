"""Helpers for the API Gateway tests: a REST API built step by step, and its invoke URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from emulator.testing import EmulatorHandle


@dataclass
class Api:
    client: Any
    id: str
    root: str
    endpoint: str

    def resource(self, path: str) -> str:
        """The id of ``path``, creating each missing part."""
        items = self.client.get_resources(restApiId=self.id, limit=500)["items"]
        by_path = {item["path"]: item["id"] for item in items}
        current, parent = "", self.root
        for part in [p for p in path.split("/") if p]:
            current += "/" + part
            if current not in by_path:
                by_path[current] = self.client.create_resource(
                    restApiId=self.id, parentId=parent, pathPart=part)["id"]
            parent = by_path[current]
        return parent

    def method(self, path: str, http_method: str, integration: dict[str, Any],
               **method: Any) -> str:
        resource = self.resource(path)
        method.setdefault("authorizationType", "NONE")
        self.client.put_method(restApiId=self.id, resourceId=resource, httpMethod=http_method,
                               **method)
        self.client.put_integration(restApiId=self.id, resourceId=resource,
                                    httpMethod=http_method, **integration)
        return resource

    def mock(self, path: str, http_method: str = "GET", body: str = '{"ok": true}',
             status: str = "200", **method: Any) -> str:
        """A MOCK method answering ``status`` with ``body``."""
        resource = self.method(path, http_method, {
            "type": "MOCK",
            "requestTemplates": {"application/json": f'{{"statusCode": {int(status)}}}'}},
            **method)
        self.client.put_method_response(restApiId=self.id, resourceId=resource,
                                        httpMethod=http_method, statusCode=status)
        self.client.put_integration_response(
            restApiId=self.id, resourceId=resource, httpMethod=http_method, statusCode=status,
            responseTemplates={"application/json": body})
        return resource

    def deploy(self, stage: str = "dev", **options: Any) -> str:
        return str(self.client.create_deployment(restApiId=self.id, stageName=stage,
                                                 **options)["id"])

    def url(self, stage: str, path: str = "/") -> str:
        return f"{self.endpoint}/_aws/execute-api/{self.id}/{stage}{path}"

    def get(self, stage: str, path: str = "/", **options: Any) -> httpx.Response:
        return httpx.get(self.url(stage, path), **options)

    def request(self, method: str, stage: str, path: str = "/", **options: Any
                ) -> httpx.Response:
        return httpx.request(method, self.url(stage, path), **options)


def new_api(emulator: EmulatorHandle, name: str = "test-api", **options: Any) -> Api:
    client = emulator.client("apigateway")
    created = client.create_rest_api(name=name, **options)
    return Api(client, created["id"], created["rootResourceId"], emulator.endpoint_url)


def lambda_uri(region: str, function_arn: str) -> str:
    return (f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}"
            "/invocations")


__all__ = ["Api", "lambda_uri", "new_api"]
