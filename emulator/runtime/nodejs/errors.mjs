// Errors as AWS's Node.js runtime names and shows them: the runtime's own `Runtime.*` errors,
// a failure as the Runtime API is told it (`{errorType, errorMessage, trace}`) and as the log
// shows it (a tab, then the error as JSON with its stack as a list of lines).

import util from "node:util";

function runtimeError(name) {
  const kind = class extends Error {};
  Object.defineProperty(kind, "name", { value: name }); // its errorType in a JSON record
  kind.prototype.name = `Runtime.${name}`;
  return kind;
}
export const ImportModuleError = runtimeError("ImportModuleError");
export const HandlerNotFound = runtimeError("HandlerNotFound");
export const MalformedHandlerName = runtimeError("MalformedHandlerName");
export const UserCodeSyntaxError = runtimeError("UserCodeSyntaxError");
export const InvalidStreamingOperation = runtimeError("InvalidStreamingOperation");
// An async handler whose promise never settled by the time the event loop emptied.
export const NodeJsExit = class extends Error {
  constructor() {
    super("The Lambda runtime client detected an unexpected Node.js exit code. This is most " +
      "commonly caused by a Promise that was never settled. For more information, see " +
      "https://nodejs.org/docs/latest/api/process.html#exit-codes");
  }
};
NodeJsExit.prototype.name = "Runtime.NodeJsExit";
// The reason as the message, String()ed as `new Error(reason)` does ("Error: boom").
export const UnhandledPromiseRejection = class extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
};
UnhandledPromiseRejection.prototype.name = "Runtime.UnhandledPromiseRejection";

// An Error, or anything shaped like one (string name, message and stack), as AWS's runtime
// tells them apart when it answers.
function isErrorLike(value) {
  return util.types.isNativeError(value) || Boolean(value && value.name && value.message &&
    value.stack && typeof value.name === "string" && typeof value.message === "string" &&
    typeof value.stack === "string");
}

// What the log shows of a failure: an Error, or a thrown value wrapped in one.
export function intoError(value) {
  return value instanceof Error ? value : new Error(value);
}

// What the Runtime API is told: {errorType, errorMessage, trace}. DEL characters cannot
// travel in the error-type header, so they are escaped.
export function toResponse(error) {
  try {
    if (isErrorLike(error)) {
      return {
        errorType: error.name?.replaceAll("\x7F", "%7F"),
        errorMessage: error.message?.replaceAll("\x7F", "%7F"),
        trace: error.stack.replaceAll("\x7F", "%7F").split("\n"),
      };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return {
      errorType: "handled",
      errorMessage: "callback called with Error argument, but there was a problem while " +
        "retrieving one or more of its message, name, and stack",
    };
  }
}

// What the log is told: "\t" and the error as JSON, its stack as a list of lines.
export function toFormatted(error) {
  const replacer = (_key, value) => {
    if (!(value instanceof Error)) return value;
    const shown = Object.assign(
      { errorType: value.name, errorMessage: value.message, code: value.code }, value);
    if (typeof value.stack === "string") shown.stack = value.stack.split("\n");
    return shown;
  };
  try {
    return "\t" + JSON.stringify(error, replacer);
  } catch {
    return "\t" + JSON.stringify(toResponse(error));
  }
}
