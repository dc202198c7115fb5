"""TestInvokeMethod: run one request through the current (undeployed) API."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from emulator.context import RequestContext
from emulator.gateway.messages import GatewayRequest
from emulator.gateway.rest.deployed import DeployedStage
from emulator.services.apigateway.common import ApiGatewayBase
from emulator.services.apigateway.deployments import snapshot_of


class TestInvokeApi(ApiGatewayBase):
    async def test_invoke_method(self, ctx: RequestContext, *, rest_api_id: str,
                                 resource_id: str, http_method: str,
                                 path_with_query_string: str | None = None,
                                 body: str | None = None,
                                 headers: dict[str, str] | None = None,
                                 multi_value_headers: dict[str, list[str]] | None = None,
                                 stage_variables: dict[str, str] | None = None, **_: Any
                                 ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        resource = self.resource_of(record, resource_id)
        self.method_of(record, resource_id, http_method)
        path, _sep, query = (path_with_query_string or resource["path"]).partition("?")
        header_list = [(k, v) for k, v in (headers or {}).items()]
        for key, values in (multi_value_headers or {}).items():
            header_list.extend((key, value) for value in values)
        request = GatewayRequest(method=http_method.upper(), path=path or "/",
                                 query=parse_qsl(query, keep_blank_values=True),
                                 headers=header_list, body=(body or "").encode(),
                                 host=f"{rest_api_id}.execute-api.localhost")
        stage = {"stageName": "test-invoke-stage", "variables": stage_variables or {},
                 "methodSettings": {}}
        deployed = DeployedStage(ctx.account_id, ctx.region, rest_api_id, stage,
                                 "test-invoke-deployment-id", snapshot_of(record))
        response, log_lines, latency = await self.gateway.test_invoke(deployed, request)
        single: dict[str, str] = {}
        multi: dict[str, list[str]] = {}
        for key, value in response.headers:
            single[key] = value
            multi.setdefault(key, []).append(value)
        return {"status": response.status, "body": response.body.decode("utf-8", "replace"),
                "headers": single, "multiValueHeaders": multi, "log": "\n".join(log_lines),
                "latency": latency}


__all__ = ["TestInvokeApi"]
