// ES module imports of the runtime's AWS SDK.
//
// Lambda's Node.js 18+ runtimes let an ES module handler `import ... from "@aws-sdk/..."`
// without bundling the SDK. CommonJS finds the emulator's copy through NODE_PATH, but ES
// module resolution never reads NODE_PATH, so a resolve hook retries a bare specifier the
// handler's own folders lack from the SDK's folder; a specifier found in neither fails with
// the handler's own error ("Cannot find package 'x' imported from /var/task/index.mjs").

import { register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const HOOKS = `
let parentURL;
export async function initialize(data) { parentURL = data.parentURL; }
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const bare = !/^(\\.|\\/|[a-z]+:)/i.test(specifier);
    if (!bare || !error || error.code !== "ERR_MODULE_NOT_FOUND") throw error;
    try {
      return await next(specifier, { ...context, parentURL });
    } catch {
      throw error; // named as the handler's module names it
    }
  }
}
`;

export function resolveSdkImports(sdkModules) {
  if (!sdkModules || typeof register !== "function") return;
  // A module beside the SDK's node_modules folder resolves bare specifiers from it.
  const parentURL = pathToFileURL(path.join(path.dirname(sdkModules), "index.mjs")).href;
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, import.meta.url,
           { data: { parentURL } });
}
