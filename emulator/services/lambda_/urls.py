"""Function URLs: their configs, and serving them with the payload 2.0 event.

A URL is served at ``http://<emulator>/_aws/lambda-url/<url-id>/<path>`` (the FunctionUrl the
API returns) and at ``http://<url-id>.lambda-url.<region>.localhost:<port>/<path>``.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from emulator import inbound, traffic
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.runtime.spec import SYNC_REQUEST_LIMIT
from emulator.services.lambda_.common import LambdaBase
from emulator.services.lambda_.models import URLS, UrlConfigRecord
from emulator.services.lambda_.names import (
    Scope,
    function_arn,
    invalid_parameter,
    scope_of,
    split_function_name,
    timestamp,
)

URL_PREFIX = "/_aws/lambda-url"
# What a streaming handler's response stream says when it carries an HTTP prelude.
HTTP_INTEGRATION_TYPE = "application/vnd.awslambda.http-integration-response"
PRELUDE_DELIMITER = bytes(8)
_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript",
               "application/x-www-form-urlencoded", "+json", "+xml")


@dataclass
class HttpReply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _is_text(content_type: str) -> bool:
    lowered = content_type.lower()
    return any(marker in lowered for marker in _TEXT_TYPES)


class UrlsApi(LambdaBase):
    def _url_target(self, scope: Scope, function_name: str,
                    qualifier: str | None) -> tuple[str, str]:
        name, qualifier = split_function_name(function_name, qualifier)
        self.latest(scope, name)
        if qualifier and qualifier != "$LATEST":
            if qualifier.isdigit():
                raise invalid_parameter("Function URLs can only be created for $LATEST or an "
                                        "alias.")
            self.version_record(scope, name, qualifier)
        return name, qualifier or "$LATEST"

    def _url_shape(self, scope: Scope, record: UrlConfigRecord) -> dict[str, Any]:
        qualifier = None if record.qualifier == "$LATEST" else record.qualifier
        shape: dict[str, Any] = {
            "FunctionUrl": f"{self.endpoint_url()}{URL_PREFIX}/{record.url_id}/",
            "FunctionArn": function_arn(scope, record.function_name, qualifier),
            "AuthType": record.auth_type,
            "CreationTime": timestamp(record.created),
            "LastModifiedTime": timestamp(record.last_modified),
            "InvokeMode": record.invoke_mode,
        }
        if record.cors is not None:
            shape["Cors"] = record.cors
        return shape

    def _url(self, scope: Scope, function_name: str, qualifier: str | None) -> UrlConfigRecord:
        name, qualifier_key = self._url_target(scope, function_name, qualifier)
        return self.found(self.tables(scope).urls.get(f"{name}:{qualifier_key}"),
                          "The resource you requested does not exist.")

    def create_function_url_config(self, ctx: RequestContext, *, function_name: str, auth_type: str,
                                   qualifier: str | None = None, cors: dict[str, Any] | None = None,
                                   invoke_mode: str | None = None, **_: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        name, qualifier_key = self._url_target(scope, function_name, qualifier)
        urls = self.tables(scope).urls
        key = f"{name}:{qualifier_key}"
        if key in urls:
            arn = function_arn(scope, name, None if qualifier_key == "$LATEST" else qualifier_key)
            raise self.conflict(f"Failed to create function url config for [functionArn = {arn}]. "
                           "Error message:  FunctionUrlConfig exists for this Lambda function")
        alphabet = string.ascii_lowercase + string.digits
        now = self.clock.now()
        record = UrlConfigRecord(
            function_name=name, qualifier=qualifier_key,
            url_id="".join(secrets.choice(alphabet) for _ in range(32)),
            auth_type=auth_type, invoke_mode=invoke_mode or "BUFFERED", cors=cors,
            created=now, last_modified=now,
        )
        urls.put(key, record)
        shape = self._url_shape(scope, record)
        shape.pop("LastModifiedTime")
        return shape

    def get_function_url_config(
        self, ctx: RequestContext, *, function_name: str, qualifier: str | None = None, **_: Any
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        return self._url_shape(scope, self._url(scope, function_name, qualifier))

    def update_function_url_config(self, ctx: RequestContext, *, function_name: str,
                                   qualifier: str | None = None, auth_type: str | None = None,
                                   cors: dict[str, Any] | None = None,
                                   invoke_mode: str | None = None, **_: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        record = self._url(scope, function_name, qualifier)
        record.assign(auth_type=auth_type, cors=cors, invoke_mode=invoke_mode)
        record.last_modified = self.clock.now()
        self.tables(scope).urls.put(f"{record.function_name}:{record.qualifier}", record)
        return self._url_shape(scope, record)

    def delete_function_url_config(
        self, ctx: RequestContext, *, function_name: str, qualifier: str | None = None, **_: Any
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        record = self._url(scope, function_name, qualifier)
        self.tables(scope).urls.delete(f"{record.function_name}:{record.qualifier}")
        return {}

    def list_function_url_configs(
        self, ctx: RequestContext, *, function_name: str, **_: Any
    ) -> dict[str, Any]:
        scope, name, _latest = self.named_function(ctx, function_name)
        configs = [self._url_shape(scope, r) for r in self.tables(scope).urls.values()
                   if r.function_name == name]
        return {"FunctionUrlConfigs": configs}

    # -- serving ---------------------------------------------------------------------------

    def _find_url(self, url_id: str) -> tuple[Scope, UrlConfigRecord] | None:
        for account, region in self.store.scopes(URLS):
            scope = Scope(account, region)
            for record in self.tables(scope).urls.values():
                if record.url_id == url_id:
                    return scope, record
        return None

    def _event(self, scope: Scope, record: UrlConfigRecord, method: str, path: str,
               query: str, headers: list[tuple[str, str]], body: bytes,
               source_ip: str) -> dict[str, Any]:
        merged: dict[str, str] = {}
        cookies: list[str] = []
        for key, value in headers:
            key = key.lower()
            if key == "cookie":
                cookies.extend(part.strip() for part in value.split(";") if part.strip())
                continue
            merged[key] = f"{merged[key]},{value}" if key in merged else value
        now = self.clock.now()
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": path,
            "rawQueryString": query,
            "headers": merged,
        }
        if cookies:
            event["cookies"] = cookies
        if query:
            params: dict[str, str] = {}
            for key, value in parse_qsl(query, keep_blank_values=True):
                params[key] = f"{params[key]},{value}" if key in params else value
            event["queryStringParameters"] = params
        event["requestContext"] = {
            "accountId": "anonymous",
            "apiId": record.url_id,
            "domainName": f"{record.url_id}.lambda-url.{scope.region}.on.aws",
            "domainPrefix": record.url_id,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": source_ip, "userAgent": merged.get("user-agent", "")},
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": datetime.fromtimestamp(now, tz=UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now * 1000),
        }
        if body:
            if _is_text(merged.get("content-type", "")):
                event["body"] = body.decode("utf-8", errors="replace")
                event["isBase64Encoded"] = False
            else:
                event["body"] = base64.b64encode(body).decode("ascii")
                event["isBase64Encoded"] = True
        else:
            event["isBase64Encoded"] = False
        return event

    async def serve_url(self, url_id: str, method: str, path: str, query: str,
                        headers: list[tuple[str, str]], body: bytes,
                        source_ip: str) -> HttpReply:
        json_type = [("content-type", "application/json")]
        found = self._find_url(url_id)
        if found is None:
            return HttpReply(404, json_type, b'{"Message":"Not Found"}')
        scope, record = found
        traffic.note(account=scope.account, region=scope.region,
                     resource=record.function_name)
        if record.auth_type == "AWS_IAM" and not any(k.lower() == "authorization"
                                                     for k, _ in headers):
            return HttpReply(403, json_type, b'{"Message":"Forbidden"}')
        if len(body) > SYNC_REQUEST_LIMIT:
            return HttpReply(413, json_type, b'{"Message":"Request Entity Too Large"}')
        event = self._event(scope, record, method, path, query, headers, body, source_ip)
        qualifier = None if record.qualifier == "$LATEST" else record.qualifier
        try:
            result = await self.invoke_function(
                scope, record.function_name, json.dumps(event).encode(), qualifier=qualifier,
                response_stream=record.invoke_mode == "RESPONSE_STREAM")
        except ServiceError as error:
            status = 429 if error.code == "TooManyRequestsException" else 502
            return HttpReply(status, json_type, json.dumps({"Message": error.message}).encode())
        if result.partial_payload and result.content_type is not None:
            # A streamed answer that failed after writing: the caller has the bytes already
            # sent, and then the connection ends.
            return _streamed_reply(result.partial_payload, result.content_type)
        if result.function_error:
            return HttpReply(502, json_type, b'{"Message":"Internal Server Error"}')
        if record.invoke_mode == "RESPONSE_STREAM" and result.content_type is not None:
            return _streamed_reply(result.payload, result.content_type)
        return self._reply(result.payload)

    @staticmethod
    def _reply(payload: bytes) -> HttpReply:
        try:
            document = inbound.loads(payload) if payload else None
        except ValueError:
            return HttpReply(502, [("content-type", "application/json")],
                             b'{"Message":"Internal Server Error"}')
        if not isinstance(document, dict) or "statusCode" not in document:
            return HttpReply(200, [("content-type", "application/json")], payload)
        headers = [(str(k).lower(), str(v)) for k, v in (document.get("headers") or {}).items()]
        headers.extend(("set-cookie", str(c)) for c in document.get("cookies") or [])
        body = document.get("body")
        raw = b""
        if body is not None:
            text = body if isinstance(body, str) else json.dumps(body)
            raw = base64.b64decode(text) if document.get("isBase64Encoded") else text.encode()
        if not any(k == "content-type" for k, _ in headers):
            headers.append(("content-type", "application/json"))
        try:
            status = int(document["statusCode"])
        except (TypeError, ValueError):
            return HttpReply(502, [("content-type", "application/json")],
                             b'{"Message":"Internal Server Error"}')
        return HttpReply(status, headers, raw)


def _streamed_reply(payload: bytes, content_type: str) -> HttpReply:
    """A streamed answer through a RESPONSE_STREAM URL: the body as written, under the
    stream's content type; a handler that wrote the HTTP integration prelude
    (``awslambda.HttpResponseStream.from``: the JSON metadata, then 8 NUL bytes) sets the
    status code, headers and cookies with it."""
    if content_type.split(";")[0].strip().lower() != HTTP_INTEGRATION_TYPE:
        return HttpReply(200, [("content-type", content_type)], payload)
    prelude, delimiter, body = payload.partition(PRELUDE_DELIMITER)
    try:
        metadata = inbound.loads(prelude) if delimiter else None
        status = int(metadata.get("statusCode", 200)) if isinstance(metadata, dict) else None
    except (ValueError, TypeError):
        status = None
    if status is None or not isinstance(metadata, dict):
        return HttpReply(502, [("content-type", "application/json")],
                         b'{"Message":"Internal Server Error"}')
    headers = [(str(k).lower(), str(v)) for k, v in (metadata.get("headers") or {}).items()]
    headers.extend(("set-cookie", str(c)) for c in metadata.get("cookies") or [])
    if not any(k == "content-type" for k, _ in headers):
        headers.append(("content-type", "application/octet-stream"))
    return HttpReply(status, headers, body)


__all__ = ["URL_PREFIX", "HttpReply", "UrlsApi"]
