"""Running a behaviour's edge code at a trigger point: Lambda@Edge functions through the
``functions`` port (published versions only, in us-east-1), and CloudFront Functions (see
js_functions.py). Failures become CloudFront's 502 answers."""

from __future__ import annotations

import json
from typing import Any

from emulator.edge import lambda_edge, pages
from emulator.edge.deployed import EdgeRequest, EdgeResponse
from emulator.edge.failures import EdgeFailure
from emulator.edge.lambda_edge import LambdaValidationError, Trigger
from emulator.errors import ServiceError
from emulator.ports import Ports


class LambdaAtEdge:
    def __init__(self, ports: Ports) -> None:
        self.ports = ports

    async def _invoke(self, arn: str, payload: dict[str, Any]) -> Any:
        function, _, version = arn.rpartition(":")
        account = arn.split(":")[4]
        try:
            result = await self.ports.functions.invoke(
                function, json.dumps(payload).encode(), account=account, region="us-east-1",
                qualifier=version)
        except ServiceError:
            raise EdgeFailure(502, pages.LAMBDA_FAILED, "LambdaExecutionError") from None
        if result.function_error:
            raise EdgeFailure(502, pages.LAMBDA_FAILED, "LambdaExecutionError")
        try:
            return lambda_edge.parse_payload(result.payload)
        except LambdaValidationError:
            raise EdgeFailure(502, pages.LAMBDA_INVALID, "LambdaValidationError") from None

    async def on_request(self, trigger: Trigger, arn: str, request: EdgeRequest,
                         origin: dict[str, Any] | None
                         ) -> tuple[EdgeRequest, dict[str, Any] | None] | EdgeResponse:
        result = await self._invoke(arn, lambda_edge.event(trigger, request, origin))
        try:
            return lambda_edge.request_result(trigger, request, origin, result)
        except LambdaValidationError:
            raise EdgeFailure(502, pages.LAMBDA_INVALID, "LambdaValidationError") from None

    async def on_response(self, trigger: Trigger, arn: str, request: EdgeRequest,
                          origin: dict[str, Any] | None, response: EdgeResponse
                          ) -> EdgeResponse:
        result = await self._invoke(arn, lambda_edge.event(trigger, request, origin, response))
        try:
            return lambda_edge.response_result(trigger, response, result)
        except LambdaValidationError:
            raise EdgeFailure(502, pages.LAMBDA_INVALID, "LambdaValidationError") from None


__all__ = ["LambdaAtEdge"]
