"""The Runtime API endpoint of one environment, driven over raw HTTP/1.1 as a runtime does
(https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html)."""

from __future__ import annotations

import asyncio
import json

from emulator.runtime.runtime_api import Invocation, RuntimeApi


async def exchange(address: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    host, port = address.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in
               (line.partition(":") for line in lines[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    writer.close()
    return int(lines[0].split()[1]), headers, body


def post(path: str, body: bytes, *extra: str) -> bytes:
    head = "".join(f"{line}\r\n" for line in extra)
    return (f"POST /2018-06-01/runtime{path} HTTP/1.1\r\nHost: x\r\n{head}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


NEXT = b"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n"


def test_next_delivers_the_event_with_its_headers_and_a_response_is_taken() -> None:
    async def scenario() -> None:
        api = RuntimeApi()
        address = await api.start()
        invocation = Invocation("req-1", b'{"a": 1}', {
            "Lambda-Runtime-Aws-Request-Id": "req-1", "Lambda-Runtime-Deadline-Ms": "99",
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:1:function:f"})
        api.submit(invocation)
        status, headers, body = await exchange(address, NEXT)
        assert api.ready.done()
        assert (status, body) == (200, b'{"a": 1}')
        assert headers["lambda-runtime-aws-request-id"] == "req-1"
        assert headers["lambda-runtime-deadline-ms"] == "99"
        answered = asyncio.ensure_future(exchange(
            address, post("/invocation/req-1/response", b'"done"')))
        reply = await invocation.reply
        assert (reply.kind, reply.body) == ("response", b'"done"')
        invocation.take()
        status, _, body = await answered
        assert (status, json.loads(body)) == (202, {"status": "OK"})
        # A second answer, and an unknown request id, are refused.
        status, _, body = await exchange(address, post("/invocation/req-1/error", b"{}"))
        assert status == 403
        status, _, body = await exchange(address, post("/invocation/other/response", b"{}"))
        assert (status, json.loads(body)["errorType"]) == (400, "InvalidRequestID")
        status, _, _ = await exchange(address, b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == 404
        api.close()

    asyncio.run(scenario())


def test_a_streamed_response_and_a_streamed_error_in_trailers() -> None:
    async def scenario() -> None:
        api = RuntimeApi()
        address = await api.start()
        for request_id, trailer in (("s-1", ""), ("s-2", "Lambda-Runtime-Function-Error-Type: "
                                                          "Boom\r\nLambda-Runtime-Function-"
                                                          "Error-Body: eyJlcnJvclR5cGUiOiJCb29"
                                                          "tIn0=\r\n")):
            invocation = Invocation(request_id, b"{}", {})
            api.submit(invocation)
            await exchange(address, NEXT)
            chunked = (f"POST /2018-06-01/runtime/invocation/{request_id}/response HTTP/1.1\r\n"
                       "Host: x\r\nLambda-Runtime-Function-Response-Mode: streaming\r\n"
                       "Transfer-Encoding: chunked\r\nTrailer: Lambda-Runtime-Function-Error-"
                       "Type, Lambda-Runtime-Function-Error-Body\r\n\r\n"
                       f"5\r\nhello\r\n6\r\n world\r\n0\r\n{trailer}\r\n").encode()
            answered = asyncio.ensure_future(exchange(address, chunked))
            reply = await invocation.reply
            invocation.take()
            assert (await answered)[0] == 202
            if trailer:
                assert (reply.kind, reply.error_type) == ("error", "Boom")
                assert json.loads(reply.body) == {"errorType": "Boom"}
                # The bytes sent before the error stay with it, for the caller to receive.
                assert reply.partial_payload == b"hello world"
            else:
                assert (reply.kind, reply.body) == ("response", b"hello world")
        api.close()

    asyncio.run(scenario())


def test_an_init_error_is_taken_once() -> None:
    async def scenario() -> None:
        api = RuntimeApi()
        address = await api.start()
        document = b'{"errorType": "Runtime.ImportModuleError", "errorMessage": "x"}'
        status, _, _ = await exchange(address, post(
            "/init/error", document, "Lambda-Runtime-Function-Error-Type: Runtime.Unknown"))
        assert status == 202
        error = api.init_error.result()
        assert (error.body, error.error_type) == (document, "Runtime.Unknown")
        status, _, _ = await exchange(address, post("/init/error", document))
        assert status == 403
        api.close()

    asyncio.run(scenario())
