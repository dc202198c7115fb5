"""The viewer endpoint's engine: a request is matched to a behaviour, answered from the cache
or fetched from the behaviour's origin, and given CloudFront's headers. Edge code (Lambda@Edge
and CloudFront Functions) runs at its four points through ``EdgeCode``.

https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RequestAndResponseBehavior.html
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from emulator.clock import Clock
from emulator.edge import origins, pages, response_headers
from emulator.edge.behaviours import (
    HOP_HEADERS,
    Behaviour,
    choose,
    compile_behaviour,
    cookies_of,
)
from emulator.edge.cache import EdgeCache, time_to_live
from emulator.edge.deployed import Deployed, Distributions, EdgeRequest, EdgeResponse
from emulator.edge.failures import EdgeFailure
from emulator.edge.js_functions import CloudFrontFunctions
from emulator.edge.lambda_edge import Trigger
from emulator.edge.triggers import LambdaAtEdge
from emulator.ports import Ports

ANSWER_HOPS = {"connection", "keep-alive", "transfer-encoding", "content-length", "date",
               "server"}
# The methods CloudFront fails over for (origin groups).
FAILOVER_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class OriginGroup:
    """An origin group: its members in order, and the primary's status codes that send a
    request on to the next one."""

    members: list[dict[str, Any]]
    codes: frozenset[int]


@dataclass(frozen=True)
class Compiled:
    """A distribution version's behaviours, origins and error responses, ready to serve."""

    etag: str
    behaviours: list[Behaviour]
    default: Behaviour
    origins: dict[str, dict[str, Any]]
    error_responses: dict[int, dict[str, Any]]
    groups: dict[str, OriginGroup]


class Edge:
    """Serves viewer requests for every distribution; owns the edge cache."""

    def __init__(self, distributions: Distributions, clock: Clock, ports: Ports) -> None:
        self.distributions = distributions
        self.clock = clock
        self.ports = ports
        self.cache = EdgeCache()
        self.lambdas = LambdaAtEdge(ports)
        self.functions = CloudFrontFunctions(distributions)
        self._compiled: dict[str, Compiled] = {}

    # -- what the control plane tells the data plane ---------------------------------------

    def forget(self, distribution_id: str, *, drop_cache: bool = False) -> None:
        self._compiled.pop(distribution_id, None)
        if drop_cache:
            self.cache.drop(distribution_id)

    def forget_all(self) -> None:
        self._compiled.clear()

    def invalidate(self, distribution_id: str, paths: list[str]) -> int:
        return self.cache.invalidate(distribution_id, paths)

    def reset(self) -> None:
        self._compiled.clear()
        self.cache.drop()

    # -- serving ---------------------------------------------------------------------------

    def compiled(self, deployed: Deployed) -> Compiled:
        found = self._compiled.get(deployed.id)
        if found is not None and found.etag == deployed.etag:
            return found
        config = deployed.config

        def build(behaviour: dict[str, Any]) -> Behaviour:
            cache_id = behaviour.get("CachePolicyId") or ""
            request_id = behaviour.get("OriginRequestPolicyId") or ""
            headers_id = behaviour.get("ResponseHeadersPolicyId") or ""
            return compile_behaviour(
                behaviour,
                self.distributions.cache_policy(deployed.account, cache_id)
                if cache_id else None,
                self.distributions.origin_request_policy(deployed.account, request_id)
                if request_id else None,
                self.distributions.response_headers_policy(deployed.account, headers_id)
                if headers_id else None)

        origin_list = (config.get("Origins") or {}).get("Items") or []
        known = {origin["Id"]: origin for origin in origin_list}
        groups: dict[str, OriginGroup] = {}
        for group in (config.get("OriginGroups") or {}).get("Items") or []:
            members = [known[member["OriginId"]] for member in
                       (group.get("Members") or {}).get("Items") or []
                       if member.get("OriginId") in known]
            codes = ((group.get("FailoverCriteria") or {}).get("StatusCodes") or {}).get(
                "Items") or []
            if members:
                groups[group["Id"]] = OriginGroup(members, frozenset(int(c) for c in codes))
                known[group["Id"]] = members[0]
        compiled = Compiled(
            deployed.etag,
            [build(b) for b in (config.get("CacheBehaviors") or {}).get("Items") or []],
            build(config.get("DefaultCacheBehavior") or {}), known,
            {int(r["ErrorCode"]): r for r in
             (config.get("CustomErrorResponses") or {}).get("Items") or []}, groups)
        self._compiled[deployed.id] = compiled
        return compiled

    async def serve(self, label: str, request: EdgeRequest, app: origins.ASGIApp,
                    state: dict[str, Any] | None = None) -> EdgeResponse:
        cf_id = pages.request_id()
        deployed = self.distributions.find(label)
        if deployed is None or not deployed.config.get("Enabled"):
            return self._stamped(pages.error_page(403, pages.BAD_REQUEST, cf_id,
                                                  error="Error"), cf_id)
        compiled = self.compiled(deployed)
        behaviour = choose(compiled.behaviours, compiled.default, request.uri)
        if request.method not in behaviour.allowed:
            return self._stamped(pages.error_page(403, pages.NOT_ALLOWED, cf_id,
                                                  error="Error"), cf_id)
        # The viewer asked for the distribution's own domain name, as on AWS.
        request.headers = [("Host", deployed.domain_name) if k.lower() == "host" else (k, v)
                           for k, v in request.headers]
        if behaviour.plain and request.method in behaviour.cached:
            hit = self._plain_hit(deployed, behaviour, request, cf_id)
            if hit is not None:
                return hit
        try:
            response = await self._answer(deployed, compiled, behaviour, request, app, state,
                                          cf_id)
            if behaviour.response_headers is not None:
                response = response_headers.apply(behaviour.response_headers, request,
                                                  response)
        except EdgeFailure as failure:
            response = pages.error_page(failure.status, failure.reason, cf_id,
                                        error=failure.kind)
        if request.method == "HEAD":
            response = replace(response, body=b"")
        return self._stamped(response, cf_id)

    def _plain_hit(self, deployed: Deployed, behaviour: Behaviour, request: EdgeRequest,
                   cf_id: str) -> EdgeResponse | None:
        """The fast path: a cached success for a behaviour that changes nothing on the way
        to the viewer, with CloudFront's headers, or None (then the full path runs)."""
        uri = request.uri
        root = deployed.config.get("DefaultRootObject") or ""
        if root and uri == "/":
            uri = "/" + root
        now = self.clock.now()
        key = (request.method == "OPTIONS", uri, behaviour.in_key.key(request))
        entry = self.cache.get(deployed.id, key, now)
        if entry is None or entry.response.status >= 400:
            return None
        kept = entry.response
        return EdgeResponse(
            kept.status, [("Age", str(int(now - entry.stored))),
                          ("X-Cache", "Hit from cloudfront"), ("Via", pages.via()),
                          ("X-Amz-Cf-Pop", pages.POP), ("X-Amz-Cf-Id", cf_id)],
            b"" if request.method == "HEAD" else kept.body, kept.status_description,
            encoded=entry.encoded)

    async def _answer(self, deployed: Deployed, compiled: Compiled, behaviour: Behaviour,
                      request: EdgeRequest, app: origins.ASGIApp,
                      state: dict[str, Any] | None, cf_id: str) -> EdgeResponse:
        """The answer between the viewer triggers: the cache, or the origin."""
        lambdas = behaviour.associations("LambdaFunctionAssociations", "LambdaFunctionARN")
        functions = behaviour.associations("FunctionAssociations", "FunctionARN")
        bodies = behaviour.include_body()
        if "viewer-request" in functions:
            outcome = await self.functions.on_request(
                deployed, functions["viewer-request"], request, cf_id)
            if isinstance(outcome, EdgeResponse):
                return _generated(outcome, "FunctionGeneratedResponse")
            request = outcome
        elif "viewer-request" in lambdas:
            trigger = Trigger(deployed, "viewer-request", cf_id,
                              "viewer-request" in bodies)
            viewed = await self.lambdas.on_request(trigger, lambdas["viewer-request"],
                                                   request, None)
            if isinstance(viewed, EdgeResponse):
                return _generated(viewed, "LambdaGeneratedResponse")
            request = viewed[0]
        root = deployed.config.get("DefaultRootObject") or ""
        if root and request.uri == "/":
            request.uri = "/" + root
        response = await self._cached_or_fetched(deployed, compiled, behaviour, request, app,
                                                 state, cf_id)
        response = await self._error_page(deployed, compiled, request, response, app, state,
                                          cf_id)
        if response.status >= 400:  # viewer response code does not run for errors
            return response
        if "viewer-response" in functions:
            return await self.functions.on_response(
                deployed, functions["viewer-response"], request, response, cf_id)
        if "viewer-response" in lambdas:
            trigger = Trigger(deployed, "viewer-response", cf_id)
            return await self.lambdas.on_response(trigger, lambdas["viewer-response"],
                                                  request, None, response)
        return response

    async def _cached_or_fetched(self, deployed: Deployed, compiled: Compiled,
                                 behaviour: Behaviour, request: EdgeRequest,
                                 app: origins.ASGIApp, state: dict[str, Any] | None,
                                 cf_id: str) -> EdgeResponse:
        now = self.clock.now()
        cacheable = request.method in behaviour.cached
        key = (request.method == "OPTIONS", request.uri, behaviour.in_key.key(request))
        if cacheable:
            entry = self.cache.get(deployed.id, key, now)
            if entry is not None:
                age = str(int(now - entry.stored))
                kept = entry.response
                outcome = "Error" if kept.status >= 400 else "Hit"
                return EdgeResponse(kept.status, [*entry.kept, ("Age", age),
                                                  ("X-Cache", f"{outcome} from cloudfront")],
                                    kept.body)
        response = await self.fetch(deployed, compiled, behaviour, request, app, state, cf_id)
        if cacheable and request.method != "HEAD":
            error_ttl = compiled.error_responses.get(response.status, {}).get(
                "ErrorCachingMinTTL")
            ttl = time_to_live(response, behaviour.ttls, now, error_ttl)
            self.cache.put(deployed.id, key, request.uri, response, now, ttl)
        outcome = "Error" if response.status >= 400 else "Miss"
        return EdgeResponse(response.status, [*response.without("x-cache"),
                                              ("X-Cache", f"{outcome} from cloudfront")],
                            response.body)

    async def fetch(self, deployed: Deployed, compiled: Compiled, behaviour: Behaviour,
                    request: EdgeRequest, app: origins.ASGIApp,
                    state: dict[str, Any] | None, cf_id: str) -> EdgeResponse:
        """The origin's answer to ``request`` as ``behaviour`` forwards it; for an origin
        group, the next member's when one answers with a failover status code or cannot be
        reached (GET, HEAD and OPTIONS only), each member going through the origin request
        trigger."""
        target = behaviour.target
        if request.origin is not None and "select" in request.origin:
            target = str(request.origin["select"])
        group = compiled.groups.get(target)
        first = compiled.origins.get(target)
        if first is not None and request.origin is not None and "update" in request.origin:
            first, group = _updated_origin(first, request.origin["update"]), None
        if first is None:
            return pages.error_page(502, pages.UNREACHABLE, cf_id, error="Error")
        members = group.members if group is not None and (
            request.method in FAILOVER_METHODS) else [first]
        lambdas = behaviour.associations("LambdaFunctionAssociations", "LambdaFunctionARN")
        for index, origin in enumerate(members):
            forwarded = self.origin_request(deployed, behaviour, origin, request, cf_id)
            if "origin-request" in lambdas:
                trigger = Trigger(deployed, "origin-request", cf_id,
                                  "origin-request" in behaviour.include_body())
                outcome = await self.lambdas.on_request(trigger, lambdas["origin-request"],
                                                        forwarded, origin)
                if isinstance(outcome, EdgeResponse):
                    return outcome  # cached as the origin's answer; origin response skipped
                forwarded, found = outcome
                origin = found if found is not None else origin
            try:
                answer = await self.send(deployed, origin, forwarded, app, state, cf_id,
                                         failover=index + 1 < len(members))
            except origins.OriginUnreachable:
                continue  # the next member of the group
            if group is None or index + 1 == len(members) or answer.status not in group.codes:
                break
        if "origin-response" in lambdas:
            trigger = Trigger(deployed, "origin-response", cf_id)
            answer = await self.lambdas.on_response(trigger, lambdas["origin-response"],
                                                    forwarded, origin, answer)
        return answer

    def origin_request(self, deployed: Deployed, behaviour: Behaviour, origin: dict[str, Any],
                       request: EdgeRequest, cf_id: str) -> EdgeRequest:
        """What CloudFront sends the origin: the headers, cookies and query strings the
        behaviour's policies name, its own headers, and the origin's custom headers."""
        select = behaviour.to_origin
        headers: list[tuple[str, str]] = [("Host", str(origin.get("DomainName", "")))]
        for key, value in request.headers:
            lowered = key.lower()
            if lowered in HOP_HEADERS or lowered == "cookie":
                continue
            if select.headers.picks(lowered, lowered=True) or (
                    lowered == "content-type" and request.body):
                headers.append((key, value))
        cookies = [f"{k}={v}" for k, v in cookies_of(request) if select.cookies.picks(k)]
        if cookies:
            headers.append(("Cookie", "; ".join(cookies)))
        if not any(k.lower() == "user-agent" for k, _ in headers):
            headers.append(("User-Agent", "Amazon CloudFront"))
        headers += [("Via", pages.via()), ("X-Amz-Cf-Id", cf_id),
                    ("X-Forwarded-For", request.client_ip)]
        for custom in (origin.get("CustomHeaders") or {}).get("Items") or []:
            headers.append((custom["HeaderName"], custom["HeaderValue"]))
        query = "&".join(part for part in request.querystring.split("&") if part and
                         select.query_strings.picks(part.split("=", 1)[0]))
        return EdgeRequest(request.method, request.uri, query, headers, request.body,
                           request.client_ip)

    async def send(self, deployed: Deployed, origin: dict[str, Any], request: EdgeRequest,
                   app: origins.ASGIApp, state: dict[str, Any] | None,
                   cf_id: str, failover: bool = False) -> EdgeResponse:
        """The origin's answer; an origin that cannot be reached is a 502, or raises
        OriginUnreachable when another origin of its group can be tried."""
        where = origins.target(origin)
        path = where.path_prefix + (origin.get("OriginPath") or "") + request.uri
        try:
            if where.url is not None:
                timeout = float((origin.get("CustomOriginConfig") or {}).get(
                    "OriginReadTimeout", 30))
                answer = await origins.over_http(where.url, request, where.host, path,
                                                 timeout)
            else:
                if where.s3_bucket is not None and self._signs(deployed, origin, request):
                    request = _sign_for_s3(request, where.host, path, deployed.account)
                answer = await origins.in_process(app, request, where.host, path, state)
        except origins.OriginUnreachable:
            if failover:
                raise
            return pages.error_page(502, pages.UNREACHABLE, cf_id, error="Error")
        answer.headers = [(k, v) for k, v in answer.headers if k.lower() not in ANSWER_HOPS]
        return answer

    def _signs(self, deployed: Deployed, origin: dict[str, Any], request: EdgeRequest
               ) -> bool:
        """Whether CloudFront signs its request to this S3 origin: with an origin access
        identity, or an origin access control whose SigningBehavior is not ``never`` (with
        ``no-override``, a request that carries the viewer's Authorization goes as it is).
        An origin access control id that names none signs, as an identity would."""
        control_id = origin.get("OriginAccessControlId")
        if control_id:
            control = self.distributions.origin_access_control(deployed.account, control_id)
            behaviour = (control or {}).get("SigningBehavior", "always")
            if behaviour == "never":
                return False
            return not (behaviour == "no-override" and request.header("authorization"))
        identity = (origin.get("S3OriginConfig") or {}).get("OriginAccessIdentity") or ""
        return bool(identity)

    async def _error_page(self, deployed: Deployed, compiled: Compiled, request: EdgeRequest,
                          response: EdgeResponse, app: origins.ASGIApp,
                          state: dict[str, Any] | None, cf_id: str) -> EdgeResponse:
        """A custom error response for the origin's error: its page (fetched through the
        behaviour of the page's path) with its response code."""
        custom = compiled.error_responses.get(response.status)
        if custom is None or response.status < 400:
            return response
        status = int(custom.get("ResponseCode") or response.status)
        page_path = custom.get("ResponsePagePath") or ""
        if not page_path:
            return replace(response, status=status)
        page_request = EdgeRequest("GET", page_path, "", [
            (k, v) for k, v in request.headers if k.lower() in ("accept", "accept-encoding")],
            b"", request.client_ip)
        behaviour = choose(compiled.behaviours, compiled.default, page_path)
        page = await self._cached_or_fetched(deployed, compiled, behaviour, page_request, app,
                                             state, cf_id)
        if page.status >= 400:
            return response
        return EdgeResponse(status, page.headers, page.body)

    def _stamped(self, response: EdgeResponse, cf_id: str) -> EdgeResponse:
        headers = response.without("via", "x-amz-cf-pop", "x-amz-cf-id")
        headers += [("Via", pages.via()), ("X-Amz-Cf-Pop", pages.POP), ("X-Amz-Cf-Id", cf_id)]
        if not any(k.lower() == "x-cache" for k, _ in headers):
            headers.append(("X-Cache", f"{'Error' if response.status >= 400 else 'Miss'} "
                                       "from cloudfront"))
        response.headers = headers
        return response


def _generated(response: EdgeResponse, kind: str) -> EdgeResponse:
    response.headers = [*response.without("x-cache"), ("X-Cache", f"{kind} from cloudfront")]
    return response




def _updated_origin(origin: dict[str, Any], update: Any) -> dict[str, Any]:
    """The origin as a viewer request function's ``cf.updateRequestOrigin()`` left it:
    the settings it names, the rest from the behaviour's origin."""
    if not isinstance(update, dict):
        return origin
    changed = dict(origin)
    domain = update.get("domainName")
    if isinstance(domain, str) and domain:
        changed["DomainName"] = domain
        if "S3OriginConfig" in changed and ".s3." not in f".{domain}":
            # An S3 origin moved to any other server is a custom origin.
            changed.pop("S3OriginConfig")
            changed.pop("OriginAccessControlId", None)
            changed["CustomOriginConfig"] = {"HTTPPort": 80, "HTTPSPort": 443,
                                             "OriginProtocolPolicy": "match-viewer"}
    if isinstance(update.get("originPath"), str):
        changed["OriginPath"] = update["originPath"]
    headers = update.get("customHeaders")
    if isinstance(headers, dict):
        items = [{"HeaderName": str(k), "HeaderValue": str(v)} for k, v in headers.items()]
        changed["CustomHeaders"] = {"Quantity": len(items), "Items": items}
    return changed


def _sign_for_s3(request: EdgeRequest, host: str, path: str, account: str) -> EdgeRequest:
    """SigV4 as the distribution's account, as an origin access control signs for it."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    query = f"?{request.querystring}" if request.querystring else ""
    signed = AWSRequest(method=request.method, url=f"http://{host}{path}{query}",
                        headers={"Host": host}, data=request.body)
    S3SigV4Auth(Credentials(account, "cloudfront"), "s3", "us-east-1").add_auth(signed)
    headers = [(k, v) for k, v in request.headers
               if k.lower() not in ("authorization", "x-amz-date", "x-amz-content-sha256")]
    headers += [(k, str(v)) for k, v in signed.headers.items() if k.lower() != "host"]
    return replace(request, headers=headers)


__all__ = ["Compiled", "Edge", "OriginGroup"]
