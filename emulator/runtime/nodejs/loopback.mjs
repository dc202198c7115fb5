// HTTPS requests to the emulator's own host with no port go to the emulator.
//
// On AWS a custom resource's ResponseURL is an https URL on S3's default port, and handlers
// rely on that: the CDK's custom resource frameworks send their answer with
// `https.request({hostname, path, method: "PUT"})`, dropping the URL's scheme and port. The
// emulator's ResponseURL is plain http on its own port, so such a request (https, a loopback
// host or the endpoint's host, no port) is sent to AWS_ENDPOINT_URL over http instead.
// Requests that name a port, or any other host, are untouched.

import http from "node:http";
import https from "node:https";
import { syncBuiltinESMExports } from "node:module";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

export function routeLoopbackHttps(endpointUrl) {
  let endpoint;
  try {
    endpoint = new URL(endpointUrl || "");
  } catch {
    return;
  }
  if (endpoint.protocol !== "http:") return;
  const own = (host) => LOOPBACK.has(host) || host === endpoint.hostname;
  const target = (host, port) => !port && typeof host === "string" && own(host.split(":")[0]);
  const original = https.request;
  const redirected = (options) => ({
    ...options, protocol: "http:", hostname: endpoint.hostname, host: undefined,
    port: endpoint.port || 80, agent: undefined,
  });
  function request(first, second, third) {
    if (typeof first === "string" || first instanceof URL) {
      const url = new URL(first);
      if (url.protocol === "https:" && target(url.hostname, url.port)) {
        url.protocol = "http:";
        url.hostname = endpoint.hostname;
        url.port = endpoint.port;
        return http.request(url, second, third);
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
