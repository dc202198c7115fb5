"""CloudFront Functions (cloudfront-js-1.0 and -2.0) at the viewer request and viewer
response points, and for TestFunction: run by this machine's ``node`` in one long-lived
worker (cloudfront_functions.js), each call in a fresh ``vm`` context with only what
CloudFront Functions offer, and converted to and from CloudFront's event object.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/test-function.html
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from emulator.edge import pages
from emulator.edge.deployed import Deployed, Distributions, EdgeRequest, EdgeResponse
from emulator.edge.failures import EdgeFailure
from emulator.edge.lambda_edge import hidden

WORKER = Path(__file__).with_name("cloudfront_functions.js")
CALL_TIMEOUT = 5.0  # seconds: the worker's own limit is 1 s per call


@dataclass
class Outcome:
    """One run: the handler's return value, or its error, and what it logged."""

    output: Any = None
    error: str | None = None
    logs: list[str] = field(default_factory=list)
    utilization: int = 0
    origin: dict[str, Any] | None = None  # an origin modification ({select} or {update})


class Worker:
    """The node process running functions, started on first use and again if it ends."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        self._ids = itertools.count(1)

    async def _started(self) -> asyncio.subprocess.Process:
        if self._process is None or self._process.returncode is not None:
            node = shutil.which("node")
            if node is None:
                raise RuntimeError("CloudFront Functions need Node.js (node) on the PATH")
            self._process = await asyncio.create_subprocess_exec(
                node, str(WORKER), stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
                limit=16 * 1024 * 1024)
        return self._process

    async def run(self, runtime: str, code: str, event: dict[str, Any],
                  store: dict[str, Any] | None = None) -> Outcome:
        async with self._lock:
            try:
                process = await self._started()
            except (RuntimeError, OSError) as error:
                return Outcome(error=str(error))
            assert process.stdin is not None and process.stdout is not None
            call_id = next(self._ids)
            process.stdin.write(json.dumps({"id": call_id, "runtime": runtime, "code": code,
                                            "event": event, "kvs": store}).encode() + b"\n")
            try:
                await process.stdin.drain()
                line = await asyncio.wait_for(process.stdout.readline(), CALL_TIMEOUT)
            except (TimeoutError, ConnectionError):
                process.kill()
                return Outcome(error="The function exceeded the time limit")
            if not line:
                return Outcome(error="The function could not run")
            answer = json.loads(line)
            origin = answer.get("origin")
            return Outcome(answer.get("output"), answer.get("error"), answer.get("logs") or [],
                           int(answer.get("utilization") or 0),
                           origin if isinstance(origin, dict) else None)

    def close(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.kill()

    async def aclose(self) -> None:
        """Stop the worker and reap it while the loop still runs (its pipes close with it)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.returncode is None:
            process.kill()
        with contextlib.suppress(TimeoutError, ProcessLookupError):
            await asyncio.wait_for(process.wait(), 2.0)


# -- the event object ----------------------------------------------------------------------

def _values(pairs: list[tuple[str, str]], lower: bool) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for key, value in pairs:
        name = key.lower() if lower else key
        if name in found:
            entry = found[name]
            entry.setdefault("multiValue", [{"value": entry["value"]}]).append(
                {"value": value})
        else:
            found[name] = {"value": value}
    return found


def request_object(request: EdgeRequest) -> dict[str, Any]:
    cookies: list[tuple[str, str]] = []
    for key, value in request.headers:
        if key.lower() == "cookie":
            for part in value.split(";"):
                name, _, cookie = part.strip().partition("=")
                if name:
                    cookies.append((name, cookie))
    headers = [(k, v) for k, v in request.headers if k.lower() != "cookie" and not hidden(k)]
    return {"method": request.method, "uri": request.uri,
            "querystring": _values(parse_qsl(request.querystring, keep_blank_values=True),
                                   False),
            "headers": _values(headers, True), "cookies": _values(cookies, False)}


def response_object(response: EdgeResponse) -> dict[str, Any]:
    cookies = [(v.split("=", 1)[0].strip(), v) for k, v in response.headers
               if k.lower() == "set-cookie"]
    headers = [(k, v) for k, v in response.headers
               if k.lower() != "set-cookie" and not hidden(k)]
    return {"statusCode": response.status,
            "statusDescription": response.status_description or "",
            "headers": _values(headers, True),
            "cookies": {name: {"value": value.split("=", 1)[-1].split(";", 1)[0]}
                        for name, value in cookies}}


def event_object(deployed: Deployed, event_type: str, cf_id: str, request: EdgeRequest,
                 response: EdgeResponse | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {
        "version": "1.0",
        "context": {"distributionDomainName": deployed.domain_name,
                    "distributionId": deployed.id, "eventType": event_type,
                    "requestId": cf_id},
        "viewer": {"ip": request.client_ip}, "request": request_object(request)}
    if response is not None:
        event["response"] = response_object(response)
    return event


def _pairs(given: Any, *, cookie: bool = False) -> list[tuple[str, str]]:
    if not isinstance(given, dict):
        return []
    pairs: list[tuple[str, str]] = []
    for name, entry in given.items():
        if not isinstance(entry, dict):
            continue
        values = entry.get("multiValue") or [entry]
        for each in values:
            value = str(each.get("value", "")) if isinstance(each, dict) else ""
            pairs.append((name, value))
    return pairs


def request_from(given: dict[str, Any], before: EdgeRequest) -> EdgeRequest:
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}"
                     for k, v in _pairs(given.get("querystring")))
    headers = _pairs(given.get("headers"))
    cookies = _pairs(given.get("cookies"))
    if cookies:
        headers.append(("cookie", "; ".join(f"{k}={v}" for k, v in cookies)))
    uri = str(given.get("uri") or before.uri)
    kept = [(k, v) for k, v in before.headers if hidden(k)]
    return EdgeRequest(before.method, uri, query, headers + kept, before.body,
                       before.client_ip)


def response_from(given: dict[str, Any], body: bytes = b"") -> EdgeResponse:
    headers = _pairs(given.get("headers"))
    for name, entry in (given.get("cookies") or {}).items():
        if isinstance(entry, dict):
            attributes = entry.get("attributes")
            cookie = f"{name}={entry.get('value', '')}"
            headers.append(("set-cookie", f"{cookie}; {attributes}" if attributes else cookie))
    raw_body = given.get("body")
    if isinstance(raw_body, dict):
        body = str(raw_body.get("data", "")).encode()
    elif isinstance(raw_body, str):
        body = raw_body.encode()
    return EdgeResponse(int(given.get("statusCode") or 200), headers, body,
                        str(given.get("statusDescription") or ""))


class CloudFrontFunctions:
    """The viewer request and viewer response points of a behaviour's CloudFront
    Functions, and TestFunction's runs."""

    def __init__(self, distributions: Distributions) -> None:
        self.distributions = distributions
        self.worker = Worker()

    async def _run(self, deployed: Deployed, arn: str, event: dict[str, Any]) -> Outcome:
        found = self.distributions.function_code(deployed.account, arn)
        if found is None:
            raise EdgeFailure(503, pages.FUNCTION_FAILED, "FunctionExecutionError")
        outcome = await self.worker.run(found.runtime, found.code, event, found.store)
        if outcome.error is not None or not isinstance(outcome.output, dict):
            raise EdgeFailure(503, pages.FUNCTION_FAILED, "FunctionExecutionError")
        return outcome

    async def on_request(self, deployed: Deployed, arn: str, request: EdgeRequest,
                         cf_id: str) -> EdgeRequest | EdgeResponse:
        outcome = await self._run(deployed, arn, event_object(deployed, "viewer-request",
                                                              cf_id, request))
        output = outcome.output
        if "statusCode" in output:
            return response_from(output)
        changed = request_from(output, request)
        changed.origin = outcome.origin
        return changed

    async def on_response(self, deployed: Deployed, arn: str, request: EdgeRequest,
                          response: EdgeResponse, cf_id: str) -> EdgeResponse:
        outcome = await self._run(deployed, arn, event_object(
            deployed, "viewer-response", cf_id, request, response))
        changed = response_from(outcome.output, response.body)
        changed.headers += [(k, v) for k, v in response.headers if hidden(k)]
        return changed

    async def test(self, runtime: str, code: str, event: dict[str, Any],
                   store: dict[str, Any] | None = None) -> Outcome:
        return await self.worker.run(runtime, code, event, store)


__all__ = ["CloudFrontFunctions", "Outcome", "Worker", "event_object", "request_from",
           "response_from"]
