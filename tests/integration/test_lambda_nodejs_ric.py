"""The Node.js runtime checked against AWS's runtime interface client, the code Lambda's
Node.js runtimes run (github.com/aws/aws-lambda-nodejs-runtime-interface-client):

- src/CallbackContext.js: the first of callback, succeed, fail and done to be called answers;
  an async handler that also calls the callback answers with the callback's value
- src/Runtime.js: a handler that never answers gets null once the event loop is empty, or
  Runtime.NodeJsExit (src/Errors.js) if it is an async function; a streaming handler must
  return a promise, and what it returns is ignored with a warning
- src/Errors.js: toRapidResponse (anything with string name, message and stack answers as an
  error; other values as their typeof and toString()), UnhandledPromiseRejection (the reason as
  the message)
- src/LogPatch.js: a failure's log line shows it wrapped in an Error (intoError); the request id
  kept under Symbol.for("aws.lambda.runtime.requestId"); JSON records and AWS_LAMBDA_LOG_LEVEL
- src/UserFunction.js: AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA leaves out the `awslambda` global;
  a path that exists (a folder too) loads through require; only require's
  MODULE_NOT_FOUND becomes Runtime.ImportModuleError, an ES module's missing import stays the
  plain Error it is (as quoted from Lambda in github.com/aws/aws-lambda-base-images/issues/80)
- src/InvokeContext.js: the context's fields
- src/ResponseStream.js, src/HttpResponseStream.js: objects written as JSON, the content type
  fixed by the first write, the HTTP prelude written just before the first write

Functions are shared between tests: each Node.js cold start costs a few hundred milliseconds.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from lambda_support import ROLE, unique, zip_of
from runtime_functions import need

from emulator.testing import EmulatorHandle

ROUTER = """
const cases = {
  // An async handler that also calls the callback: the callback's value answers.
  both: async (event, context, callback) => { callback(null, "from callback"); return "returned"; },
  twice: (event, context, callback) => {
    callback(new Error("first"));
    callback(new Error("second"));
    context.fail(new Error("third"));
  },
  string: () => { throw "plain text"; },
  object: () => { throw { code: 7 }; },
  errorLike: () => {
    throw { name: "Custom", message: "shaped", stack: "Custom: shaped\\n  at x" };
  },
  custom: () => {
    class ValidationError extends Error {
      constructor(message, options) {
        super(message, options);
        this.name = "ValidationError";
        this.field = "email";
      }
    }
    throw new ValidationError("bad address", { cause: new Error("underneath") });
  },
  // Not an async function: a promise that never settles answers null once the loop is empty.
  pending: () => new Promise(() => {}),
  // What a plain function returns is ignored: it answers through its callback.
  ignored: () => "returned",
  context: (event, context, callback) => callback(null, {
    keys: Object.keys(context),
    sameRequestId: globalThis[Symbol.for("aws.lambda.runtime.requestId")] === context.awsRequestId,
    remaining: context.getRemainingTimeInMillis(),
    waits: context.callbackWaitsForEmptyEventLoop,
  }),
};
exports.handler = (event, context, callback) => cases[event.kind](event, context, callback);
"""

ASYNC = """
const ready = await Promise.resolve("top-level await ran");
export const handler = async (event) => (event.hang ? new Promise(() => {}) : ready);
"""

JSON_LOGS = """
exports.handler = async (event) => {
  console.debug("quiet debug");
  console.info("quiet info");
  console.warn("loud", { n: 1 });
  console.error(new TypeError("typed"));
  if (event.fail) throw "plain text";
  return typeof globalThis.awslambda;
};
"""

STREAM = """
export const handler = awslambda.streamifyResponse((event, stream, context) => {
  if (event.kind === "sync") return;
  return (async () => {
    stream.write({ succeed: typeof context.succeed });
    try {
      stream.setContentType("text/plain");
    } catch (error) {
      stream.write(`|${error.name}: ${error.message}`);
    }
    stream.end();
    return "ignored";
  })();
});
"""


@pytest.fixture(scope="module")
def functions(emulator: EmulatorHandle) -> Iterator[dict[str, str]]:
    need("node")
    client = emulator.client("lambda")
    made = {}
    json_logs = {"LoggingConfig": {"LogFormat": "JSON", "ApplicationLogLevel": "WARN"},
                 "Environment": {"Variables": {"AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA": "true"}}}
    for key, files, options in [
        ("router", {"index.js": ROUTER}, {}),
        ("async", {"index.mjs": ASYNC}, {}),
        ("stream", {"index.mjs": STREAM}, {}),
        ("json", {"index.js": JSON_LOGS}, json_logs),
    ]:
        made[key] = unique("ric")
        client.create_function(FunctionName=made[key], Runtime="nodejs20.x",
                               Handler="index.handler", Role=ROLE,
                               Code={"ZipFile": zip_of(files)}, Timeout=5, **options)
    yield made
    for name in made.values():
        client.delete_function(FunctionName=name)


def call(emulator: EmulatorHandle, name: str, event: Any = None) -> tuple[dict[str, Any], Any,
                                                                           str]:
    reply = emulator.client("lambda").invoke(FunctionName=name, LogType="Tail",
                                              Payload=json.dumps(event or {}).encode())
    raw = reply["Payload"].read()
    return reply, json.loads(raw) if raw else None, base64.b64decode(reply["LogResult"]).decode()


def logged_error(log: str) -> dict[str, Any]:
    """The JSON after the one `Invoke Error` log line."""
    [line] = [line for line in log.splitlines() if "\tERROR\tInvoke Error \t" in line]
    return json.loads(line.split("\tERROR\tInvoke Error \t", 1)[1])  # type: ignore[no-any-return]


def test_an_async_handler_calling_its_callback_answers_with_the_callback(
        emulator: EmulatorHandle, functions: dict[str, str]) -> None:
    reply, body, _ = call(emulator, functions["router"], {"kind": "both"})
    assert "FunctionError" not in reply and body == "from callback"


def test_only_the_first_answer_counts(emulator: EmulatorHandle,
                                      functions: dict[str, str]) -> None:
    reply, body, log = call(emulator, functions["router"], {"kind": "twice"})
    assert reply["FunctionError"] == "Unhandled" and body["errorMessage"] == "first"
    assert logged_error(log)["errorMessage"] == "first"  # logged once
    assert "already been reported" not in log


def test_a_thrown_string_answers_as_a_string_and_logs_as_an_error(
        emulator: EmulatorHandle, functions: dict[str, str]) -> None:
    _reply, body, log = call(emulator, functions["router"], {"kind": "string"})
    assert body == {"errorType": "string", "errorMessage": "plain text", "trace": []}
    logged = logged_error(log)
    assert (logged["errorType"], logged["errorMessage"]) == ("Error", "plain text")
    assert logged["stack"][0] == "Error: plain text"


def test_thrown_objects(emulator: EmulatorHandle, functions: dict[str, str]) -> None:
    _reply, body, _ = call(emulator, functions["router"], {"kind": "object"})
    assert body == {"errorType": "object", "errorMessage": "[object Object]", "trace": []}
    _reply, body, _ = call(emulator, functions["router"], {"kind": "errorLike"})
    assert body == {"errorType": "Custom", "errorMessage": "shaped",
                    "trace": ["Custom: shaped", "  at x"]}


def test_an_error_with_its_own_name_fields_and_cause(emulator: EmulatorHandle,
                                                     functions: dict[str, str]) -> None:
    _reply, body, log = call(emulator, functions["router"], {"kind": "custom"})
    assert list(body) == ["errorType", "errorMessage", "trace"]
    assert (body["errorType"], body["errorMessage"]) == ("ValidationError", "bad address")
    assert body["trace"][0] == "ValidationError: bad address"
    logged = logged_error(log)
    # The own enumerable fields are logged; the cause (not enumerable) is not.
    assert list(logged) == ["errorType", "errorMessage", "name", "field", "stack"]
    assert logged["field"] == "email" and "cause" not in logged


def test_a_plain_function_whose_promise_never_settles_answers_null(
        emulator: EmulatorHandle, functions: dict[str, str]) -> None:
    reply, body, _ = call(emulator, functions["router"], {"kind": "pending"})
    assert "FunctionError" not in reply and body is None
    reply, body, _ = call(emulator, functions["router"], {"kind": "ignored"})
    assert "FunctionError" not in reply and body is None


def test_the_context(emulator: EmulatorHandle, functions: dict[str, str]) -> None:
    _reply, body, _ = call(emulator, functions["router"], {"kind": "context"})
    # In the runtime's order, which console.log(context) shows.
    assert body["keys"] == [
        "callbackWaitsForEmptyEventLoop", "succeed", "fail", "done", "functionVersion",
        "functionName", "memoryLimitInMB", "logGroupName", "logStreamName", "clientContext",
        "identity", "invokedFunctionArn", "awsRequestId", "tenantId",
        "getRemainingTimeInMillis"]
    assert body["sameRequestId"] is True and body["waits"] is True
    assert 4000 < body["remaining"] <= 5000


def test_an_async_handler_that_never_settles_is_a_node_exit(
        emulator: EmulatorHandle, functions: dict[str, str]) -> None:
    reply, body, log = call(emulator, functions["async"], {"hang": True})
    assert reply["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.NodeJsExit"
    assert body["errorMessage"] == (
        "The Lambda runtime client detected an unexpected Node.js exit code. This is most "
        "commonly caused by a Promise that was never settled. For more information, see "
        "https://nodejs.org/docs/latest/api/process.html#exit-codes")
    assert logged_error(log)["errorType"] == "Runtime.NodeJsExit"
    # The environment goes on: its top-level await ran once, at init.
    reply, body, log = call(emulator, functions["async"])
    assert body == "top-level await ran" and "Init Duration" not in log


def test_json_records_and_the_application_log_level(emulator: EmulatorHandle,
                                                    functions: dict[str, str]) -> None:
    reply, _body, log = call(emulator, functions["json"], {"fail": True})
    assert reply["FunctionError"] == "Unhandled"
    records = [json.loads(line) for line in log.splitlines() if line.startswith('{"timestamp"')]
    application = [record for record in records if "requestId" in record]
    assert [record["level"] for record in application] == ["WARN", "ERROR", "ERROR"]
    warned, logged, failed = (record["message"] for record in application)
    assert warned == "loud { n: 1 }"
    assert (logged["errorType"], logged["errorMessage"]) == ("TypeError", "typed")
    assert logged["stackTrace"][0] == "TypeError: typed"
    # The thrown string, as the runtime logs it: wrapped in an Error.
    assert (failed["errorType"], failed["errorMessage"]) == ("Error", "plain text")
    assert failed["stackTrace"][0] == "Error: plain text"


def test_the_awslambda_global_may_be_left_out(emulator: EmulatorHandle,
                                              functions: dict[str, str]) -> None:
    # The "json" function sets AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA (src/UserFunction.js).
    assert call(emulator, functions["json"])[1] == "undefined"


def test_a_streaming_handler(emulator: EmulatorHandle, functions: dict[str, str]) -> None:
    reply = emulator.client("lambda").invoke(FunctionName=functions["stream"], LogType="Tail",
                                              Payload=b'{"kind": "objects"}')
    assert "FunctionError" not in reply
    assert reply["Payload"].read() == (
        b'{"succeed":"undefined"}'
        b"|Runtime.InvalidStreamingOperation: Cannot set content-type, too late.")
    log = base64.b64decode(reply["LogResult"]).decode()
    assert "\tWARN\tStreaming handlers ignore return values." in log


def test_a_streaming_handler_must_return_a_promise(emulator: EmulatorHandle,
                                                   functions: dict[str, str]) -> None:
    reply, body, _ = call(emulator, functions["stream"], {"kind": "sync"})
    assert reply["FunctionError"] == "Unhandled"
    assert body == {"errorType": "string",
                    "errorMessage": "Streaming does not support non-async handlers.",
                    "trace": []}


def test_a_handler_module_may_be_a_folder(emulator: EmulatorHandle) -> None:
    need("node")
    name = unique("ric")
    emulator.client("lambda").create_function(
        FunctionName=name, Runtime="nodejs20.x", Handler="app.handler", Role=ROLE,
        Code={"ZipFile": zip_of({"app/index.js": "exports.handler = async () => 'folder';"})})
    assert call(emulator, name)[1] == "folder"


def test_an_es_module_missing_import_is_a_plain_error(emulator: EmulatorHandle) -> None:
    need("node")
    name = unique("ric")
    emulator.client("lambda").create_function(
        FunctionName=name, Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
        Code={"ZipFile": zip_of({"index.mjs": "import x from 'not-installed-anywhere';\n"
                                              "export const handler = async () => x;"})})
    reply, body, log = call(emulator, name)
    assert reply["FunctionError"] == "Unhandled"
    assert (body["errorType"], body["errorMessage"]) == (
        "Error", "Cannot find package 'not-installed-anywhere' imported from /var/task/index.mjs")
    assert body["trace"][0] == ("Error [ERR_MODULE_NOT_FOUND]: Cannot find package "
                                "'not-installed-anywhere' imported from /var/task/index.mjs")
    assert '\tundefined\tERROR\tUncaught Exception \t{"errorType":"Error",' in log
    assert '"code":"ERR_MODULE_NOT_FOUND"' in log
