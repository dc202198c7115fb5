"""What a Lambda function's answer becomes for an HTTP API client.

Payload 1.0 answers are read as REST APIs read them (statusCode, headers, multiValueHeaders,
body, isBase64Encoded). Payload 2.0 adds ``cookies`` (each a ``set-cookie`` header) and infers
a response when the answer is valid JSON without ``statusCode``: status 200, content type
``application/json``, and the answer itself as the body. A malformed answer is AWS's 500.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from emulator import inbound
from emulator.gateway import lambda_answers
from emulator.gateway.http_api.state import HttpApiError
from emulator.gateway.messages import GatewayResponse


def _malformed(detail: str) -> HttpApiError:
    return HttpApiError(500, log=f"Malformed Lambda proxy response: {detail}")


def _body(answer: dict[str, Any]) -> bytes:
    body = answer.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise _malformed("body must be a string")
    if answer.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except ValueError:
            raise _malformed("body is not base64") from None
    return body.encode("utf-8")


def response_v1(payload: bytes) -> GatewayResponse:
    answer = lambda_answers.answer_object(payload, _malformed)
    status = lambda_answers.status_code(answer, _malformed)
    headers = lambda_answers.headers(answer, _malformed, multi_allowed=True)
    body = _body(answer)
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return GatewayResponse(status, headers, body)


def response_v2(payload: bytes) -> GatewayResponse:
    try:
        answer = inbound.loads(payload or b"null")
    except ValueError:
        raise _malformed("not JSON") from None
    if not isinstance(answer, dict) or "statusCode" not in answer:
        # Inferred: the whole answer is the body (a JSON string's text, else its JSON).
        body = answer if isinstance(answer, str) else json.dumps(answer, separators=(",", ":"))
        return GatewayResponse(200, [("Content-Type", "application/json")], body.encode())
    status = lambda_answers.status_code(answer, _malformed)
    headers = lambda_answers.headers(answer, _malformed, multi_allowed=False)
    given = answer.get("cookies") or []
    if not isinstance(given, list):
        raise _malformed("cookies must be a list")
    headers.extend(("Set-Cookie", lambda_answers.text(cookie)) for cookie in given)
    raw = _body(answer)
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return GatewayResponse(status, headers, raw)


__all__ = ["response_v1", "response_v2"]
