// Runs CloudFront Functions (cloudfront-js-1.0 and -2.0) for the emulator: one JSON request
// per line on stdin ({id, code, runtime, event, kvs}), one JSON answer per line on stdout
// ({id, output, logs, error, utilization}). Each function runs in a fresh vm context with
// only what CloudFront Functions offer (console.log, require of crypto and querystring, the
// 2.0 runtime's `cloudfront` module), and a time limit.
"use strict";
const vm = require("vm");
const readline = require("readline");
const crypto = require("crypto");
const querystring = require("querystring");

const TIME_LIMIT_MS = 1000;

// The function's associated key value store ({items, meta}, or null when none is), read
// with the helper methods AWS documents: get(key, {format}), exists(key), meta().
function kvsHandle(store) {
  const items = (store && store.items) || {};
  const has = (key) => Object.prototype.hasOwnProperty.call(items, String(key));
  return {
    get: async (key, options) => {
      if (!has(key)) throw new Error(`Key ${key} not found`);
      const value = items[String(key)];
      const format = (options && options.format) || "string";
      if (format === "json") return JSON.parse(value);
      if (format === "bytes") return Buffer.from(value, "utf8");
      if (format !== "string") throw new Error(`Unknown format ${format}`);
      return value;
    },
    exists: async (key) => has(key),
    meta: async () => (store && store.meta) || {
      creationDateTime: new Date(0).toISOString(),
      lastUpdatedDateTime: new Date(0).toISOString(), keyCount: 0 },
  };
}

// The 2.0 module; origin modifications (viewer request only) are noted in `changes` and
// sent back with the answer: {select: originId} or {update: {...}}.
function cloudfrontModule(store, changes) {
  return {
    kvs: () => kvsHandle(store),
    updateRequestOrigin: (params) => {
      changes.origin = { update: JSON.parse(JSON.stringify(params || {})) };
    },
    selectRequestOriginById: (originId) => { changes.origin = { select: String(originId) }; },
    createRequestOriginGroup: (params) => {
      const ids = (params && params.originIds) || [];
      if (ids.length) changes.origin = { select: String(ids[0]) };
    },
  };
}

function prepare(code, runtime) {
  // The 2.0 runtime's ES module imports become plain bindings.
  return code
    .replace(/import\s+(\w+)\s+from\s+['"]cloudfront['"];?/g, "const $1 = __cloudfront;")
    .replace(/import\s+(\w+)\s+from\s+['"](crypto|querystring)['"];?/g,
             "const $1 = require('$2');")
    .replace(/export\s+(async\s+)?function\s+handler/g, "$1function handler");
}

async function run(request) {
  const logs = [];
  const changes = {};
  const sandbox = {
    console: { log: (...args) => logs.push(args.map(String).join(" ")) },
    require: (name) => {
      if (name === "crypto") return crypto;
      if (name === "querystring") return querystring;
      if (name === "cloudfront" && request.runtime === "cloudfront-js-2.0") {
        return cloudfrontModule(request.kvs, changes);
      }
      throw new Error(`Cannot find module '${name}'`);
    },
    __cloudfront: cloudfrontModule(request.kvs, changes),
    __event: request.event,
  };
  if (request.runtime !== "cloudfront-js-2.0") delete sandbox.__cloudfront;
  const context = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
  const started = process.cpuUsage();
  try {
    const script = new vm.Script(prepare(request.code, request.runtime) +
                                 "\n;typeof handler === 'function' ? handler(__event) : " +
                                 "(() => { throw new Error('handler is not defined'); })()");
    let output = script.runInContext(context, { timeout: TIME_LIMIT_MS });
    if (output && typeof output.then === "function") {
      output = await Promise.race([
        output,
        new Promise((_, reject) => setTimeout(
          () => reject(new Error("The function exceeded the time limit")), TIME_LIMIT_MS)),
      ]);
    }
    const used = process.cpuUsage(started);
    return { output: JSON.parse(JSON.stringify(output === undefined ? null : output)),
             logs, origin: changes.origin || null,
             utilization: Math.min(100, Math.ceil((used.user + used.system) / 10)) };
  } catch (error) {
    const used = process.cpuUsage(started);
    const message = error && error.message ? error.message : String(error);
    return { error: message, logs,
             utilization: Math.min(100, Math.ceil((used.user + used.system) / 10)) };
  }
}

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", async (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch (error) {
    return;
  }
  const answer = await run(request);
  answer.id = request.id;
  process.stdout.write(JSON.stringify(answer) + "\n");
});
