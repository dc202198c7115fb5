// HTTPS requests to the emulator's own names, or to AWS's, on the default port go to the emulator.
//
// On AWS a custom resource's ResponseURL is an https URL on S3's default port, and handlers
// rely on that: the CDK's custom resource frameworks send their answer with
// `https.request({hostname, path, method: "PUT"})`, dropping the URL's scheme and port. A
// WebSocket function builds its callback URL as `https://{domainName}/{stage}`, and here
// domainName is a `.localhost` name. The AWS SDK for JavaScript v2, which functions still bundle,
// ignores AWS_ENDPOINT_URL and calls `https://{service}.{region}.amazonaws.com`. The emulator
// serves all of these over plain http on its own port, so such a request (https, no port or
// 443, to a loopback host, a `.localhost` name, the endpoint's host or an `amazonaws.com` name)
// is sent to AWS_ENDPOINT_URL over http, keeping the name it was for in its Host header.
// Requests that name another port, or any other host, are untouched.

import http from "node:http";
import https from "node:https";
import { syncBuiltinESMExports } from "node:module";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);
const LOCAL_OR_AWS = /(\.localhost|\.amazonaws\.com|\.amazonaws\.com\.cn)\.?$/i;

export function routeLoopbackHttps(endpointUrl) {
  let endpoint;
  try {
    endpoint = new URL(endpointUrl || "");
  } catch {
    return;
  }
  if (endpoint.protocol !== "http:") return;
  const own = (host) => LOOPBACK.has(host) || host === endpoint.hostname || LOCAL_OR_AWS.test(host);
  const defaultPort = (port) => !port || String(port) === "443";
  const nameOf = (host) => (typeof host === "string" ? host.split(":")[0] : "");
  const target = (host, port) => defaultPort(port) && own(nameOf(host));
  const original = https.request;
  const withHost = (headers, host) => {
    const named = Object.keys(headers || {}).some((key) => key.toLowerCase() === "host");
    return named ? headers : { ...headers, Host: host };
  };
  const redirected = (options) => ({
    ...options, protocol: "http:", hostname: endpoint.hostname, host: undefined,
    port: endpoint.port || 80, agent: undefined, servername: undefined,
    headers: withHost(options.headers, nameOf(options.hostname || options.host)),
  });
  function request(first, second, third) {
    if (typeof first === "string" || first instanceof URL) {
      const url = new URL(first);
      if (url.protocol === "https:" && target(url.hostname, url.port)) {
        const options = typeof second === "object" && second !== null ? second : {};
        const callback = typeof second === "function" ? second : third;
        return http.request(redirected({
          ...options, hostname: url.hostname, path: url.pathname + url.search,
        }), callback);
      }
      return original.call(https, first, second, third);
    }
    const options = first || {};
    if (target(options.hostname || options.host, options.port)) {
      return http.request(redirected(options), second);
    }
    return original.call(https, first, second, third);
  }
  https.request = request;
  https.get = (...args) => {
    const outgoing = request(...args);
    outgoing.end();
    return outgoing;
  };
  syncBuiltinESMExports();
}
