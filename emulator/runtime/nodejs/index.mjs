// The emulator's Node.js runtime client: runs a function's handler against the Lambda
// Runtime API (AWS_LAMBDA_RUNTIME_API), as AWS's Node.js runtime interface client does.
//
// Handlers load as AWS loads them (`dir/module.export.path`; an existing path through require,
// `.js` as CommonJS or as an ES module under `"type": "module"`, `.mjs`, `.cjs`, then
// packages). A handler answers with its promise, its callback or context.succeed/fail/done,
// whichever is called first; the callback waits for the empty event loop unless
// `callbackWaitsForEmptyEventLoop` is false; a handler that never answers gets null once the
// loop is empty, or Runtime.NodeJsExit if it is an async function. Errors go out in AWS's
// shapes (errors.mjs), with `Invoke Error` / `Uncaught Exception` lines in the log. `console`
// writes AWS's text log lines: `<ISO time>\t<request id>\t<LEVEL>\t<message>`, newlines folded
// to `\r` so one call is one log event; under `AWS_LAMBDA_LOG_FORMAT=JSON` it writes one JSON
// object per call (`{timestamp, level, requestId, message}`), and `AWS_LAMBDA_LOG_LEVEL`
// silences the levels below it. Node's standard library only.

import fs from "node:fs";
import net from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import util from "node:util";

import {
  HandlerNotFound, ImportModuleError, InvalidStreamingOperation, MalformedHandlerName,
  NodeJsExit, UnhandledPromiseRejection, UserCodeSyntaxError, intoError, toFormatted,
  toResponse,
} from "./errors.mjs";
import { routeLoopbackHttps } from "./loopback.mjs";
import { resolveSdkImports } from "./sdk_imports.mjs";

const [HOST, PORT] = (process.env.AWS_LAMBDA_RUNTIME_API || "127.0.0.1:9001").split(":");
const BASE = "/2018-06-01/runtime";
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || process.cwd();
const require = createRequire(import.meta.url);
const STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");
const HTTP_INTEGRATION = "application/vnd.awslambda.http-integration-response";

// -- the log -----------------------------------------------------------------------------

// The request under way, where AWS's runtime keeps it (libraries such as Powertools read it
// there); undefined during init, as AWS prints it.
const REQUEST_ID = Symbol.for("aws.lambda.runtime.requestId");
const currentRequestId = () => globalThis[REQUEST_ID];

const JSON_LOGS = (process.env.AWS_LAMBDA_LOG_FORMAT || "").toUpperCase() === "JSON";
const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
const LEAST_LEVEL = Math.max(0, LEVELS.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL || "")
  .toUpperCase()));
// A JSON record is one log event stored without a newline, as the runtime hands it to the
// platform; this mark (the Python runtime's too) tells the emulator's log splitter so.
const UNTERMINATED = "\u0000\n";

// An Error in a JSON record: its type, message and stack as a list of lines, then its own
// properties.
function errorReplacer(_key, value) {
  if (!(value instanceof Error)) return value;
  return Object.assign({
    errorType: value?.constructor?.name ?? "UnknownError",
    errorMessage: value.message,
    stackTrace: typeof value.stack === "string" ? value.stack.split("\n") : value.stack,
  }, value);
}

function jsonRecord(level, message, params) {
  const record = { timestamp: new Date().toISOString(), level, requestId: currentRequestId() };
  if (params.length === 0) {
    record.message = message;
    try {
      return JSON.stringify(record, errorReplacer);
    } catch {
      record.message = util.format(record.message);
      return JSON.stringify(record);
    }
  }
  record.message = util.format(message, ...params);
  const error = params.find((param) => param instanceof Error);
  if (error !== undefined) {
    record.errorType = error?.constructor?.name ?? "UnknownError";
    record.errorMessage = error.message;
    record.stackTrace = typeof error.stack === "string" ? error.stack.split("\n") : [];
  }
  return JSON.stringify(record);
}

function logger(level) {
  if (level !== "FATAL" && LEVELS.indexOf(level) < LEAST_LEVEL) return () => {};
  if (JSON_LOGS) {
    return (message, ...params) => {
      const line = jsonRecord(level, message, params);
      process.stdout.write(line.replace(/\n/g, "\r") + UNTERMINATED);
    };
  }
  return (message, ...params) => {
    const text = util.format(message, ...params);
    const line = `${new Date().toISOString()}\t${currentRequestId()}\t${level}\t${text}`;
    process.stdout.write(line.replace(/\n/g, "\r") + "\n");
  };
}

console.info = logger("INFO");
console.log = console.info;
console.debug = logger("DEBUG");
console.warn = logger("WARN");
console.error = logger("ERROR");
console.trace = logger("TRACE");
console.fatal = logger("FATAL");

// How the runtime logs a failure: in JSON, the error itself as the record's message.
function logError(label, error) {
  if (JSON_LOGS) console.error(intoError(error));
  else console.error(label, toFormatted(intoError(error)));
}

// -- the Runtime API ---------------------------------------------------------------------

// HTTP/1.1 over plain sockets: the Runtime API always answers with a Content-Length, and a
// request is a single write, which keeps each invocation's round trips short. Idle
// connections are kept, unreferenced, so they never hold the event loop open.
const idle = [];

function connect() {
  const socket = net.connect({ host: HOST, port: Number(PORT) });
  socket.setNoDelay(true);
  socket.on("close", () => {
    const at = idle.indexOf(socket);
    if (at >= 0) idle.splice(at, 1);
  });
  socket.on("error", () => {});
  return socket;
}

function parseHead(text) {
  const lines = text.split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  const headers = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers };
}

// With `trailers`, the body goes chunked and the trailers after it, as AWS's runtime reports
// the error of a streamed response that failed after writing.
function call(method, urlPath, body, headers = {}, trailers = null) {
  return new Promise((resolve, reject) => {
    const socket = idle.pop() || connect();
    socket.ref();
    let payload = body === undefined ? Buffer.alloc(0)
      : Buffer.isBuffer(body) ? body : Buffer.from(body);
    let head = `${method} ${BASE}${urlPath} HTTP/1.1\r\nHost: ${HOST}:${PORT}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (trailers) {
      head += `Trailer: ${Object.keys(trailers).join(", ")}\r\n` +
        "Transfer-Encoding: chunked\r\n\r\n";
      let end = "0\r\n";
      for (const [name, value] of Object.entries(trailers)) end += `${name}: ${value}\r\n`;
      payload = Buffer.concat([
        payload.length ? Buffer.from(`${payload.length.toString(16)}\r\n`, "latin1")
          : Buffer.alloc(0),
        payload,
        Buffer.from(payload.length ? `\r\n${end}\r\n` : `${end}\r\n`, "latin1"),
      ]);
    } else {
      head += `Content-Length: ${payload.length}\r\n\r\n`;
    }
    let buffered = Buffer.alloc(0);
    let reply = null;
    const done = () => {
      socket.off("data", onData);
      socket.off("close", onClose);
    };
    const onClose = () => {
      done();
      reject(new Error("the Runtime API closed the connection"));
    };
    const onData = (chunk) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      if (reply === null) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end < 0) return;
        reply = parseHead(buffered.subarray(0, end).toString("latin1"));
        reply.length = Number(reply.headers["content-length"] || 0);
        buffered = buffered.subarray(end + 4);
      }
      if (buffered.length < reply.length) return;
      done();
      socket.unref();
      idle.push(socket);
      resolve({ status: reply.status, headers: reply.headers,
                body: buffered.subarray(0, reply.length) });
    };
    socket.on("data", onData);
    socket.on("close", onClose);
    socket.write(payload.length ? Buffer.concat([Buffer.from(head, "latin1"), payload]) : head);
  });
}

function postError(urlPath, error) {
  const response = toResponse(error);
  return call("POST", urlPath, JSON.stringify(response), {
    "Content-Type": "application/json",
    "Lambda-Runtime-Function-Error-Type": String(response.errorType),
  });
}

// -- loading the handler -------------------------------------------------------------------

// Whether the nearest package.json says "type": "module"; a node_modules folder ends the
// search, and a package.json that cannot be read counts as no.
function packageTypeModule(file) {
  let folder = path.dirname(file);
  for (;;) {
    if (folder.endsWith("/node_modules")) return false;
    const manifest = path.join(folder, "package.json");
    if (fs.existsSync(manifest)) {
      try {
        const found = JSON.parse(fs.readFileSync(manifest, "utf8"));
        if (found) return found.type === "module";
      } catch (error) {
        console.warn(`${manifest} cannot be read, it will be ignored for ES module detection ` +
          "purposes.", error);
        return false;
      }
    }
    const parent = path.dirname(folder);
    if (parent === folder) return false;
    folder = parent;
  }
}

// Paths that exist, files or folders alike (a folder loads through its index.js or its
// package.json's main, as require loads it).
async function loadModule(appRoot, moduleRoot, name) {
  const base = path.resolve(appRoot, moduleRoot, name);
  if (fs.existsSync(base)) return require(base);
  const asModule = packageTypeModule(base);
  if (!asModule && fs.existsSync(base + ".js")) return require(base + ".js");
  if (asModule && fs.existsSync(base + ".js")) return import(pathToFileURL(base + ".js").href);
  if (fs.existsSync(base + ".mjs")) return import(pathToFileURL(base + ".mjs").href);
  if (fs.existsSync(base + ".cjs")) return require(base + ".cjs");
  // A package: node_modules of the task root and the handler's folder.
  return require(require.resolve(name, { paths: [appRoot, path.resolve(appRoot, moduleRoot)] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes("..")) {
    throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name. Use ` +
      "absolute paths when specifying root directories in handler names.");
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const match = handlerString.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new MalformedHandlerName("Bad handler");
  const [, moduleName, handlerPath] = match;
  let app;
  try {
    app = await loadModule(appRoot, moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(String(error));
    // Only require's MODULE_NOT_FOUND: an ES module's missing import (ERR_MODULE_NOT_FOUND)
    // stays the plain Error it is, as on Lambda.
    if (error && error.code === "MODULE_NOT_FOUND") throw new ImportModuleError(String(error));
    throw error;
  }
  const handler = handlerPath.split(".").reduce((found, key) => found && found[key], app);
  if (!handler) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof handler !== "function") throw new HandlerNotFound(`${fullHandler} is not a function`);
  return handler;
}

// -- response streaming ----------------------------------------------------------------------

// The prelude (JSON metadata, then eight zero bytes) goes out just before the first write.
class HttpResponseStream {
  static from(stream, metadata) {
    stream.setContentType(HTTP_INTEGRATION);
    const prelude = JSON.stringify(metadata);
    stream._onBeforeFirstWrite = (write) => {
      write(prelude);
      write(new Uint8Array(8));
    };
    return stream;
  }
}

// The `awslambda` global, unless the function opts out as AWS's runtime lets it.
const NO_GLOBAL = process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
if (NO_GLOBAL !== "1" && NO_GLOBAL !== "true") {
  globalThis.awslambda = {
    streamifyResponse(handler) {
      handler[STREAMING] = "response";
      return handler;
    },
    HttpResponseStream,
  };
}

function responseStream() {
  const chunks = [];
  let contentType = "application/octet-stream";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  let written = false;
  const write = stream.write.bind(stream);
  const end = stream.end.bind(stream);
  // Anything but text and bytes is written as JSON.
  stream.write = (chunk, encoding, callback) => {
    const bytes = typeof chunk === "string" || Buffer.isBuffer(chunk) ||
      chunk?.constructor === Uint8Array;
    if (!written && typeof stream._onBeforeFirstWrite === "function") {
      stream._onBeforeFirstWrite((first) => write(first));
    }
    written = true;
    return write(bytes ? chunk : JSON.stringify(chunk), encoding, callback);
  };
  stream.end = (chunk, encoding, callback) => {
    if (typeof chunk === "function") return end(chunk);
    if (chunk !== undefined && chunk !== null) stream.write(chunk, encoding);
    else if (!written && typeof stream._onBeforeFirstWrite === "function") {
      stream._onBeforeFirstWrite((first) => write(first));
    }
    return end(typeof encoding === "function" ? encoding : callback);
  };
  stream.setContentType = (type) => {
    if (written) throw new InvalidStreamingOperation("Cannot set content-type, too late.");
    contentType = type;
  };
  stream.collected = () => ({ body: Buffer.concat(chunks), contentType, written });
  return stream;
}

// -- invocations -----------------------------------------------------------------------------

let beforeExit = null;
process.on("beforeExit", () => {
  const listener = beforeExit;
  beforeExit = null;
  if (listener) listener();
});

let current = null; // { id, settle } of the invocation under way

// The emulator reads this process's output through a pipe: once that pipe is broken the
// emulator is gone, and no one is left to answer or to read. Exit at once instead of failing
// on every line written (each failure would be logged, and fail again).
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error && error.code === "EPIPE") process.exit(1);
  });
}

let failing = false;

function failFatally(error, build, code) {
  // A second fatal error while the first is being reported (its report failing too): stop.
  if (failing) process.exit(code);
  failing = true;
  logError(build === "rejection" ? "Unhandled Promise Rejection" : "Uncaught Exception",
    error);
  const answered = current
    ? postError(`/invocation/${current.id}/error`, error)
    : postError("/init/error", error);
  answered.catch(() => {}).finally(() => process.exit(code));
}

process.on("uncaughtException", (error) => failFatally(error, "exception", 129));
process.on("unhandledRejection", (reason, promise) => {
  const error = new UnhandledPromiseRejection(reason, promise);
  failFatally(error, "rejection", 128);
});

// The context's values from the environment and the invocation's headers.
function contextData(next, id) {
  const deadline = Number(next.headers["lambda-runtime-deadline-ms"]);
  const parse = (header) => (header ? JSON.parse(header) : undefined);
  return {
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parse(next.headers["lambda-runtime-client-context"]),
    identity: parse(next.headers["lambda-runtime-cognito-identity"]),
    invokedFunctionArn: next.headers["lambda-runtime-invoked-function-arn"],
    awsRequestId: id,
    tenantId: next.headers["lambda-runtime-aws-tenant-id"],
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

function isAsyncFunction(handler) {
  return handler?.constructor?.name === "AsyncFunction";
}

function invoke(handler, next) {
  const id = next.headers["lambda-runtime-aws-request-id"];
  const trace = next.headers["lambda-runtime-trace-id"];
  if (trace) process.env._X_AMZN_TRACE_ID = trace;
  else delete process.env._X_AMZN_TRACE_ID;
  globalThis[REQUEST_ID] = id;
  return new Promise((settle) => {
    current = { id, settle };
    const finish = (posting) => {
      posting.catch(() => {}).finally(() => {
        current = null;
        settle();
      });
    };
    const fail = (error) => {
      logError("Invoke Error", error);
      finish(postError(`/invocation/${id}/error`, error));
    };
    let event;
    try {
      event = JSON.parse(next.body.toString("utf8") || "null");
    } catch (error) {
      fail(error);
      return;
    }
    if (handler[STREAMING] === "response") invokeStreaming(handler, event, next, id, finish, fail);
    else invokeBuffered(handler, event, next, id, finish, fail);
  });
}

// A handler answering with its promise, its callback or context.succeed/fail/done: the first
// of these to be called answers, the rest do nothing. The callback answers once the event
// loop is empty unless callbackWaitsForEmptyEventLoop is false; a handler that never answers
// gets null once the loop is empty, or Runtime.NodeJsExit if it is an async function.
function invokeBuffered(handler, event, next, id, finish, fail) {
  let answered = false;
  let waitForEmptyEventLoop = true;
  const complete = (result) => {
    if (answered) {
      console.error("Invocation has already been reported as done. Cannot call complete " +
        "more than once per invocation.");
      return;
    }
    answered = true;
    let body;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch {
      fail(new Error("Unable to stringify response body"));
      return;
    }
    finish(call("POST", `/invocation/${id}/response`, body,
      { "Content-Type": "application/json" }));
  };
  const done = (error, result) => {
    beforeExit = null;
    if (error !== undefined && error !== null) fail(error);
    else complete(result);
  };
  const callback = (error, result) => {
    beforeExit = null;
    if (error !== undefined && error !== null) fail(error);
    else if (!waitForEmptyEventLoop) complete(result);
    else beforeExit = () => setImmediate(() => complete(result));
  };
  let finished = false;
  const firstOnly = (answer) => (...args) => {
    if (finished) return;
    answer(...args);
    finished = true;
  };
  const context = Object.assign({
    get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
    set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
    succeed: firstOnly((result) => done(null, result)),
    fail: firstOnly((error) => done(error === undefined || error === null ? "handled" : error,
      null)),
    done: firstOnly(done),
  }, contextData(next, id));
  const answer = firstOnly(callback);
  const isAsync = isAsyncFunction(handler);
  beforeExit = () => {
    answered = true;
    if (isAsync) {
      const error = new NodeJsExit();
      logError("Invoke Error", error);
      finish(postError(`/invocation/${id}/error`, error));
    } else {
      finish(call("POST", `/invocation/${id}/response`, "null",
        { "Content-Type": "application/json" }));
    }
  };
  try {
    const result = handler(event, context, answer);
    if (result && typeof result.then === "function") {
      result.then(context.succeed, context.fail).catch(context.fail);
    }
  } catch (error) {
    answer(error);
  }
}

// A streamifyResponse handler: an async function writing to its response stream. What it
// returns is ignored; the response is sent once the stream ends. One that fails after
// writing sends what it wrote, then its error in the Lambda-Runtime-Function-Error-Type and
// -Body (base64 JSON) trailers, as AWS's runtime does (its ResponseStream.js).
function invokeStreaming(handler, event, next, id, finish, fail) {
  let answered = false;
  const failOnce = (error) => {
    if (answered) return;
    answered = true;
    const { body, contentType, written } = stream.collected();
    if (!written) {
      fail(error);
      return;
    }
    logError("Invoke Error", error);
    const response = toResponse(error);
    finish(call("POST", `/invocation/${id}/response`, body, {
      "Content-Type": contentType,
      "Lambda-Runtime-Function-Response-Mode": "streaming",
    }, {
      "Lambda-Runtime-Function-Error-Type": String(response.errorType),
      "Lambda-Runtime-Function-Error-Body":
        Buffer.from(JSON.stringify(response)).toString("base64"),
    }));
  };
  let waitForEmptyEventLoop = true;
  const context = Object.assign({
    get callbackWaitsForEmptyEventLoop() { return waitForEmptyEventLoop; },
    set callbackWaitsForEmptyEventLoop(value) { waitForEmptyEventLoop = value; },
  }, contextData(next, id));
  const stream = responseStream();
  stream.on("finish", () => {
    if (answered) return;
    answered = true;
    const { body, contentType } = stream.collected();
    finish(call("POST", `/invocation/${id}/response`, body, {
      "Content-Type": contentType,
      "Lambda-Runtime-Function-Response-Mode": "streaming",
    }));
  });
  beforeExit = null;
  let result;
  try {
    result = handler(event, stream, context);
  } catch (error) {
    failOnce(error);
    return;
  }
  if (!result || typeof result.then !== "function") {
    failOnce("Streaming does not support non-async handlers.");
    return;
  }
  result.then((value) => {
    if (value !== undefined) console.warn("Streaming handlers ignore return values.");
  }, failOnce);
}

async function main() {
  routeLoopbackHttps(process.env.AWS_ENDPOINT_URL);
  // The emulator names the runtime's AWS SDK folder as its one argument (--aws-sdk=DIR).
  const sdk = process.argv.find((arg) => arg.startsWith("--aws-sdk="));
  resolveSdkImports(sdk && sdk.slice("--aws-sdk=".length));
  let handler;
  try {
    handler = await loadHandler(TASK_ROOT, process.env._HANDLER || "");
  } catch (error) {
    logError("Uncaught Exception", error);
    await postError("/init/error", error).catch(() => {});
    process.exit(129);
  }
  const parent = process.ppid;
  for (;;) {
    const next = await call("GET", "/invocation/next");
    // Anything but an event means the Runtime API is gone (another server may have its port
    // by now), and so is the emulator that started this process when it was orphaned:
    // stop instead of asking again.
    if (next.status !== 200 || process.ppid !== parent) process.exit(1);
    await invoke(handler, next);
  }
}

main();
