"""Sending fuzzed requests to a running emulator and judging the answers.

A request is serialised by botocore's own serializer with its validation off, so the bytes are
exactly what an SDK would send for the broken params. The judge: no 5xx unless it is an error
the operation documents as a server fault, no hang (a generous timeout), and nothing the
server logged as an error while answering.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import httpx
from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.model import OperationModel
from botocore.serialize import Serializer, create_serializer

# What HTTP lets a header value be (RFC 9110 field-value): no control characters, no
# whitespace at either end. Anything else no client can send, so it is not fuzzed.
FIELD_VALUE = re.compile(r"^([\x21-\x7e\x80-\xff]([\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$")
URL_LIMIT = 65_536  # httpx's, and more than AWS's front doors take
# The server's HTTP parser (h11) refuses a request head over 16 KiB before any service sees it
# and closes the connection while the client may still be sending, so the client sees a reset,
# not an answer (AWS's front doors refuse heads that large too: API Gateway's limit is 10 KB).
HEAD_LIMIT = 16_384
TIMEOUT = 60.0  # a hang, not a slow answer: the suite fails on it

# Counts by (service, status class), for the report in docs/reliability.md.
REPORT: Counter[tuple[str, str]] = Counter()


@cache
def serializer(protocol: str) -> Serializer:
    return create_serializer(protocol, include_validation=False)


def authorization(signing_name: str, region: str = "us-east-1") -> str:
    return (f"AWS4-HMAC-SHA256 Credential=test/20240101/{region}/{signing_name}/aws4_request,"
            " SignedHeaders=host;x-amz-date, Signature=0000")


def signing_name(operation: OperationModel) -> str:
    model = operation.service_model
    return str(model.metadata.get("signingName") or model.endpoint_prefix)


@dataclass
class Raw:
    method: str
    path: str  # with its query string
    headers: dict[str, str]
    body: bytes


def serialise(operation: OperationModel, params: dict[str, Any], endpoint: str) -> Raw:
    """The request boto3 would send for ``params``; raises when even botocore cannot."""
    request_dict = serializer(operation.metadata["protocol"]).serialize_to_request(
        params, operation)
    prepare_request_dict(request_dict, endpoint_url=endpoint)
    prepared = create_request_object(request_dict).prepare()
    url = urlsplit(prepared.url)
    headers = {key: str(value) for key, value in prepared.headers.items()}
    headers["Authorization"] = authorization(signing_name(operation))
    unsendable = [name for name, value in headers.items() if not FIELD_VALUE.match(value)]
    if unsendable:
        raise ValueError(f"no HTTP client can send headers {unsendable}")
    if len(prepared.url) > URL_LIMIT:
        raise ValueError("no HTTP client sends a URL this long")
    if len(prepared.url) + sum(len(k) + len(v) + 4 for k, v in headers.items()) > HEAD_LIMIT:
        raise ValueError("the HTTP layer refuses a request head this large")
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = body.read()
    declared = {k.lower(): v for k, v in headers.items()}.get("content-length")
    if declared is not None and declared != str(len(body)):
        # A ContentLength member that is not the body's: no client sends it (httpx refuses,
        # others hang until the server's timeout).
        raise ValueError("no HTTP client sends a body of another length than it declares")
    path = url.path or "/"
    return Raw(prepared.method, f"{path}?{url.query}" if url.query else path, headers, body)


class ErrorLog(logging.Handler):
    """What the server logged at ERROR or above while the suite ran (a 500's traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lock_records = threading.Lock()
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        with self.lock_records:
            self.records.append(text)

    def take(self) -> list[str]:
        with self.lock_records:
            taken, self.records = self.records, []
        return taken


@dataclass
class Judge:
    client: httpx.Client
    errors: ErrorLog
    failures: list[str] = field(default_factory=list)

    def send(self, service: str, raw: Raw, *, allowed_5xx: frozenset[str] = frozenset(),
             what: str = "") -> httpx.Response | None:
        self.errors.take()
        try:
            # Header values as bytes, Latin-1 as http.client (under boto3) sends them: a value
            # with obs-text (\x80-\xff) is valid HTTP, which httpx would refuse as a str.
            headers = {name: value.encode("latin-1") for name, value in raw.headers.items()}
            reply = self.client.request(raw.method, raw.path, headers=headers,
                                        content=raw.body, timeout=TIMEOUT)
        except httpx.TimeoutException:
            REPORT[(service, "hang")] += 1
            self.failures.append(f"{service} {what}: no answer in {TIMEOUT} s")
            return None
        REPORT[(service, f"{reply.status_code // 100}xx")] += 1
        logged = self.errors.take()
        if reply.status_code >= 500 and error_code(reply) not in allowed_5xx:
            self.failures.append(f"{service} {what}: {reply.status_code} {reply.text[:300]}")
        elif logged:
            self.failures.append(f"{service} {what}: logged {logged[0][:1500]}")
        return reply


def error_code(reply: httpx.Response) -> str:
    code = reply.headers.get("x-amzn-errortype", "").split(":")[0]
    if code:
        return code
    try:
        body = json.loads(reply.content)
    except ValueError:
        text = reply.text
        start = text.find("<Code>")
        return text[start + 6:text.find("</Code>")] if start >= 0 else ""
    if isinstance(body, dict):
        return str(body.get("__type") or body.get("code") or "").split("#")[-1]
    return ""


def documented_faults(operation: OperationModel) -> frozenset[str]:
    """The errors an operation documents with a 5xx status (Lambda's ServiceException...)."""
    return frozenset(
        shape.name for shape in operation.error_shapes
        if int(shape.metadata.get("error", {}).get("httpStatusCode", 400)) >= 500
        or shape.metadata.get("fault"))
