"""Node.js behaviour beyond the shared suite: callback handlers and the event loop, context
methods, init errors, fatal errors, streaming, and which ``node`` runs.

AWS's documentation of each behaviour:
- https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html (async and callback
  handlers, ES modules and CommonJS, ``callbackWaitsForEmptyEventLoop``)
- https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html (context properties and
  methods)
- https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html (error payloads)
- https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import httpx
import pytest
from lambda_support import ROLE, unique, zip_of
from runtime_functions import need

from emulator.runtime import runtimes
from emulator.testing import EmulatorHandle


@pytest.fixture(autouse=True)
def _node() -> None:
    need("node")


def deploy(emulator: EmulatorHandle, files: dict[str, str], handler: str = "index.handler",
           runtime: str = "nodejs20.x", **options: Any) -> str:
    name = unique("node")
    emulator.client("lambda").create_function(
        FunctionName=name, Runtime=runtime, Handler=handler, Role=ROLE,
        Code={"ZipFile": zip_of(files)}, **options)
    return name


def call(emulator: EmulatorHandle, name: str, event: Any = None) -> tuple[dict[str, Any], Any,
                                                                           str]:
    reply = emulator.client("lambda").invoke(FunctionName=name, LogType="Tail",
                                              Payload=json.dumps(event or {}).encode())
    raw = reply["Payload"].read()
    return reply, json.loads(raw) if raw else None, base64.b64decode(reply["LogResult"]).decode()


def test_callback_waits_for_the_event_loop_unless_told_not_to(emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"index.js": """
        let ticks = 0;
        exports.handler = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = event.wait;
          setTimeout(() => { ticks += 1; console.log("timer ran"); }, 300);
          callback(null, { ticks, waits: context.callbackWaitsForEmptyEventLoop });
        };
    """}, Timeout=5)
    _, body, log = call(emulator, name, {"wait": True})
    assert body == {"ticks": 0, "waits": True}
    assert "timer ran" in log  # answered only once the timer had run
    _reply, body, log = call(emulator, name, {"wait": False})
    assert body == {"ticks": 1, "waits": False}
    assert "timer ran" not in log  # answered at once; the timer fires later


def test_context_methods_and_a_handler_that_never_answers(emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"index.js": """
        exports.handler = (event, context) => {
          if (event.how === "succeed") return context.succeed({ via: "succeed" });
          if (event.how === "fail") return context.fail(new Error("via fail"));
          if (event.how === "done") return context.done(null, { via: "done" });
          // Neither a promise nor a callback: the answer is null once the loop is empty.
        };
    """})
    assert call(emulator, name, {"how": "succeed"})[1] == {"via": "succeed"}
    assert call(emulator, name, {"how": "done"})[1] == {"via": "done"}
    reply, body, _ = call(emulator, name, {"how": "fail"})
    assert reply["FunctionError"] == "Unhandled" and body["errorMessage"] == "via fail"
    reply, body, _ = call(emulator, name, {"how": "nothing"})
    assert "FunctionError" not in reply and body is None


def test_non_error_values_thrown(emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"index.mjs": """
        export const handler = async (event) => { throw "plain text"; };
    """})
    _reply, body, _ = call(emulator, name)
    assert body == {"errorType": "string", "errorMessage": "plain text", "trace": []}


@pytest.mark.parametrize("files,handler,error_type,message", [
    ({"index.js": "exports.handler = async () => 1;"}, "missing.handler",
     "Runtime.ImportModuleError",
     "Error: Cannot find module 'missing'\nRequire stack:\n- /var/runtime/index.mjs"),
    ({"index.js": "exports.other = async () => 1;"}, "index.handler",
     "Runtime.HandlerNotFound", "index.handler is undefined or not exported"),
    ({"index.js": "exports.handler = 42;"}, "index.handler",
     "Runtime.HandlerNotFound", "index.handler is not a function"),
    ({"index.js": "exports.handler = async () => 1;"}, "index", "Runtime.MalformedHandlerName",
     "Bad handler"),
    ({"index.js": "exports.handler = async () => {"}, "index.handler",
     "Runtime.UserCodeSyntaxError", "SyntaxError: Unexpected end of input"),
])
def test_init_errors(emulator: EmulatorHandle, files: dict[str, str], handler: str,
                     error_type: str, message: str) -> None:
    name = deploy(emulator, files, handler)
    reply, body, log = call(emulator, name)
    assert reply["FunctionError"] == "Unhandled"
    assert list(body) == ["errorType", "errorMessage", "trace"]
    assert body["errorType"] == error_type
    assert body["errorMessage"] == message
    assert body["trace"][0].startswith(f"{error_type}: ")
    # Logged during init, before any request id exists.
    assert "\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"" + error_type in log


def test_nested_handlers_and_subfolders(emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"src/app.cjs": "exports.api = { get: async (e) => ({ got: e.id }) };"},
                  handler="src/app.api.get")
    assert call(emulator, name, {"id": 3})[1] == {"got": 3}
    module = deploy(emulator, {"package.json": '{"type": "module"}',
                               "lib/app.js": "export const handler = async () => 'esm .js';"},
                    handler="lib/app.handler")
    assert call(emulator, module)[1] == "esm .js"


def test_uncaught_exception_and_unhandled_rejection_end_the_environment(
        emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"index.js": """
        const started = Date.now();
        exports.handler = (event, context, callback) => {
          if (event.kind === "throw") setTimeout(() => { throw new TypeError("late"); }, 10);
          else if (event.kind === "reject") Promise.reject(new Error("nobody caught me"));
          else callback(null, started);
        };
    """})
    first = call(emulator, name, {"kind": "ok"})[1]
    _, body, log = call(emulator, name, {"kind": "throw"})
    assert (body["errorType"], body["errorMessage"]) == ("TypeError", "late")
    assert "ERROR\tUncaught Exception \t" in log
    assert call(emulator, name, {"kind": "ok"})[1] != first  # a new environment
    _reply, body, log = call(emulator, name, {"kind": "reject"})
    assert body["errorType"] == "Runtime.UnhandledPromiseRejection"
    # The reason String()ed as the message (src/Errors.js of
    # github.com/aws/aws-lambda-nodejs-runtime-interface-client), not its stack.
    assert body["errorMessage"] == "Error: nobody caught me"
    assert body["trace"][0] == "Runtime.UnhandledPromiseRejection: Error: nobody caught me"


def test_process_exit_is_a_runtime_exit_error(emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"index.js": "exports.handler = async () => process.exit(3);"})
    _reply, body, _ = call(emulator, name)
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: exit status 3")


def test_streamed_responses_are_collected(emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"index.mjs": """
        export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
          responseStream.setContentType("text/plain");
          responseStream.write("part one, ");
          await new Promise((resolve) => setTimeout(resolve, 10));
          responseStream.write("part two");
          responseStream.end();
        });
    """})
    reply = emulator.client("lambda").invoke(FunctionName=name, Payload=b"{}")
    assert reply["Payload"].read() == b"part one, part two"


def _stream_url(emulator: EmulatorHandle, name: str) -> str:
    url = emulator.client("lambda").create_function_url_config(
        FunctionName=name, AuthType="NONE", InvokeMode="RESPONSE_STREAM")["FunctionUrl"]
    return emulator.endpoint_url + "/_aws/" + url.split("/_aws/", 1)[1]


def test_a_response_stream_url_answers_with_the_http_prelude(emulator: EmulatorHandle) -> None:
    # HttpResponseStream.from(stream, metadata) sets the status code, headers and cookies of
    # a RESPONSE_STREAM function URL; what follows the prelude is the body
    # (https://docs.aws.amazon.com/lambda/latest/dg/response-streaming-tutorial.html).
    name = deploy(emulator, {"index.js": """
        exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
          responseStream = awslambda.HttpResponseStream.from(responseStream, {
            statusCode: 201, headers: { "Content-Type": "text/html", "X-Custom": "yes" },
            cookies: ["a=1"],
          });
          responseStream.write("<p>one</p>");
          await new Promise((resolve) => setTimeout(resolve, 10));
          responseStream.write(event.rawPath);
          responseStream.end();
        });
    """})
    reply = httpx.get(_stream_url(emulator, name) + "page")
    assert reply.status_code == 201
    assert reply.headers["content-type"] == "text/html"
    assert reply.headers["x-custom"] == "yes" and reply.headers["set-cookie"] == "a=1"
    assert reply.content == b"<p>one</p>/page"


def test_a_response_stream_url_without_prelude_keeps_the_content_type(
        emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"index.mjs": """
        export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
          responseStream.setContentType("text/plain");
          responseStream.write("streamed");
          responseStream.end();
        });
    """})
    reply = httpx.get(_stream_url(emulator, name))
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/plain"
    assert reply.content == b"streamed"


def test_memory_past_memory_size_is_out_of_memory(emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"index.js": """
        exports.handler = async () => {
          const hog = [];
          for (;;) hog.push(Buffer.alloc(16 * 1024 * 1024, 1));
        };
    """}, MemorySize=128, Timeout=20)
    _reply, body, _ = call(emulator, name)
    assert body["errorType"] == "Runtime.OutOfMemory"


def test_a_newer_declared_version_runs_on_the_installed_node_and_says_so_once(
        emulator: EmulatorHandle) -> None:
    found = runtimes.node()
    assert found is not None
    name = deploy(emulator, {"index.js": "exports.handler = async () => process.version;"},
                  runtime="nodejs24.x")
    _reply, body, log = call(emulator, name)
    assert body == found[1]
    if runtimes.node_major(found[1]) < 24:
        assert f"[emulator] nodejs24.x runs on Node.js {found[1]}" in log
        emulator.client("lambda").update_function_configuration(
            FunctionName=name, Environment={"Variables": {"AGAIN": "1"}})
        assert "[emulator]" not in call(emulator, name)[2]


def test_without_node_invoke_answers_a_clear_error(emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"index.js": "exports.handler = async () => 1;"})
    saved = runtimes._node
    runtimes._node = None  # the server runs in this process: hide node from it
    try:
        reply, body, _ = call(emulator, name)
    finally:
        runtimes._node = saved
    request_id = reply["ResponseMetadata"]["RequestId"]
    assert reply["FunctionError"] == "Unhandled"
    assert body == {"errorType": "Runtime.InvalidEntrypoint",
                    "errorMessage": f"RequestId: {request_id} Error: The nodejs20.x runtime "
                                    "needs Node.js, and no `node` was found on this machine's "
                                    "PATH. Install Node.js and invoke again."}


def test_concurrent_invocations_get_an_environment_each(emulator: EmulatorHandle) -> None:
    from concurrent.futures import ThreadPoolExecutor

    name = deploy(emulator, {"index.js": """
        exports.handler = async () => {
          await new Promise((resolve) => setTimeout(resolve, 500));
          return process.pid;
        };
    """}, Timeout=10)
    with ThreadPoolExecutor(3) as pool:
        pids = list(pool.map(lambda _: call(emulator, name)[1], range(3)))
    assert len(set(pids)) == 3
    # Afterwards they are warm: the next invocation reuses one of them.
    assert call(emulator, name)[1] in pids


def test_a_reset_from_the_test_thread_retires_node_environments(emulator: EmulatorHandle) -> None:
    name = deploy(emulator, {"index.js": "exports.handler = async () => process.pid;"})
    first = call(emulator, name)[1]
    emulator.emulator.services.get("lambda").runtime.retire()  # as reset() does, off the loop
    import os
    import time

    deadline = time.monotonic() + 5
    while True:  # the process is gone
        try:
            os.kill(first, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert call(emulator, name)[1] != first


def test_embedded_metrics_written_with_console_log_become_metrics(emulator: EmulatorHandle
                                                                  ) -> None:
    """aws-embedded-metrics and Powertools write EMF documents with console.log, so the line
    carries the runtime's text prefix; CloudWatch reads the document after it
    (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html,
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)."""
    namespace = unique("emf")
    name = deploy(emulator, {"index.js": """
        exports.handler = async (event) => {
          console.log(JSON.stringify({
            _aws: {Timestamp: Date.now(), CloudWatchMetrics: [{Namespace: event.namespace,
              Dimensions: [["Service"]], Metrics: [{Name: "Processed", Unit: "Count"}]}]},
            Service: "Locations", Processed: 1, routeKey: "GET /locations"}));
          return "ok";
        };
    """})
    _, body, log = call(emulator, name, {"namespace": namespace})
    assert body == "ok" and "\tINFO\t{" in log  # the runtime's prefix is there
    metrics = emulator.client("cloudwatch").list_metrics(Namespace=namespace)["Metrics"]
    assert metrics == [{"Namespace": namespace, "MetricName": "Processed",
                        "Dimensions": [{"Name": "Service", "Value": "Locations"}]}]


def test_log_stream_events_end_with_a_newline_as_on_lambda(emulator: EmulatorHandle) -> None:
    # The get-log-events output of
    # https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html: every event ends
    # with "\n" (START, each console line with its inner newlines as "\r", END, REPORT's
    # last tab); INIT_START ends the same way in CloudWatch Logs.
    name = deploy(emulator, {"index.js": """
        exports.handler = async function(event, context) {
          console.info("EVENT\\n" + JSON.stringify(event, null, 2))
          return context.logStreamName
        }
    """})
    reply = emulator.client("lambda").invoke(FunctionName=name, Payload=b'{"key": "value"}')
    request_id = reply["ResponseMetadata"]["RequestId"]
    stream = json.loads(reply["Payload"].read())
    events = emulator.client("logs").get_log_events(
        logGroupName=f"/aws/lambda/{name}", logStreamName=stream, startFromHead=True)["events"]
    messages = [event["message"] for event in events]
    assert len(messages) == 5, messages
    assert re.fullmatch(r"INIT_START Runtime Version: nodejs:20\.v\d+\tRuntime Version ARN: "
                        r"arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}\n", messages[0])
    assert messages[1] == f"START RequestId: {request_id} Version: $LATEST\n"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t" + request_id
                        + r'\tINFO\tEVENT\r\{\r  "key": "value"\r\}\n', messages[2])
    assert messages[3] == f"END RequestId: {request_id}\n"
    assert re.fullmatch(f"REPORT RequestId: {request_id}" + r"\tDuration: \d+\.\d\d ms"
                        r"\tBilled Duration: \d+ ms\tMemory Size: 128 MB"
                        r"\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms\t\n",
                        messages[4])


def test_invoke_with_response_stream_sends_chunks_then_complete(
        emulator: EmulatorHandle) -> None:
    # InvokeWithResponseStream answers an event stream: PayloadChunk events with the bytes the
    # function wrote, then InvokeComplete (with ErrorCode and ErrorDetails when it failed)
    # (https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html).
    name = deploy(emulator, {"index.mjs": """
        export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
          if (event.fail) throw new TypeError("no good");
          responseStream.write("one,");
          responseStream.write("two");
          if (event.late || event.rawPath) throw new RangeError("too late");
          responseStream.end();
        });
    """})
    client = emulator.client("lambda")
    reply = client.invoke_with_response_stream(FunctionName=name, Payload=b"{}", LogType="Tail")
    assert reply["StatusCode"] == 200 and reply["ExecutedVersion"] == "$LATEST"
    assert reply["ResponseStreamContentType"] == "application/vnd.amazon.eventstream"
    events = list(reply["EventStream"])
    assert b"".join(e["PayloadChunk"]["Payload"] for e in events[:-1]) == b"one,two"
    complete = events[-1]["InvokeComplete"]
    assert "ErrorCode" not in complete
    assert "START RequestId" in base64.b64decode(complete["LogResult"]).decode()
    failed = list(client.invoke_with_response_stream(
        FunctionName=name, Payload=b'{"fail": true}')["EventStream"])
    assert [list(e) for e in failed] == [["InvokeComplete"]]
    assert failed[0]["InvokeComplete"]["ErrorCode"] == "TypeError"
    assert failed[0]["InvokeComplete"]["ErrorDetails"] == "no good"
    # Failing after writing: AWS's Node.js runtime sends the bytes written, then the error in
    # the Lambda-Runtime-Function-Error-Type / -Body trailers (aws-lambda-nodejs-runtime-
    # interface-client, src/ResponseStream.js), so the caller gets the chunks, then an
    # InvokeComplete carrying the error
    # (https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStreamCompleteEvent.html).
    late = list(client.invoke_with_response_stream(
        FunctionName=name, Payload=b'{"late": true}')["EventStream"])
    assert [list(e) for e in late][-1] == ["InvokeComplete"]
    assert b"".join(e["PayloadChunk"]["Payload"] for e in late[:-1]) == b"one,two"
    assert late[-1]["InvokeComplete"]["ErrorCode"] == "RangeError"
    assert late[-1]["InvokeComplete"]["ErrorDetails"] == "too late"
    # Through a RESPONSE_STREAM function URL the client has the bytes already sent
    # (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html).
    reply_url = httpx.get(_stream_url(emulator, name) + "fail", timeout=10)
    assert reply_url.status_code == 200 and reply_url.content == b"one,two"
    # A buffered Invoke still answers the error alone.
    buffered = client.invoke(FunctionName=name, Payload=b'{"late": true}')
    assert buffered["FunctionError"] == "Unhandled"
    assert json.loads(buffered["Payload"].read())["errorType"] == "RangeError"


def test_a_streamed_response_may_pass_the_buffered_limit_only_when_read_as_a_stream(
        emulator: EmulatorHandle) -> None:
    # Streamed responses may carry up to 200 MB, buffered ones 6 MB
    # (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html).
    name = deploy(emulator, {"index.mjs": """
        export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
          responseStream.write(Buffer.alloc(7 * 1024 * 1024, 97));
          responseStream.end();
        });
    """}, MemorySize=512)
    reply = httpx.get(_stream_url(emulator, name), timeout=30)
    assert reply.status_code == 200 and len(reply.content) == 7 * 1024 * 1024
    client = emulator.client("lambda")
    events = list(client.invoke_with_response_stream(FunctionName=name)["EventStream"])
    assert sum(len(e.get("PayloadChunk", {}).get("Payload", b"")) for e in events) == \
        7 * 1024 * 1024
    buffered = client.invoke(FunctionName=name)
    assert buffered["FunctionError"] == "Unhandled"
    assert json.loads(buffered["Payload"].read())["errorType"] == \
        "Function.ResponseSizeTooLarge"
