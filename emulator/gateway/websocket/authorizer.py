"""Authorization of ``$connect``, the one WebSocket route that takes it: a Lambda REQUEST
authorizer (its identity sources, event, IAM policy against the ``.../$connect`` ARN) or an
IAM signature on the handshake.

A missing identity source is a 401 without calling the function, as is an authorizer that fails
with ``Unauthorized``; a policy that does not allow the ARN is a 403; an authorizer that cannot
be used is a 500. What an allowing authorizer returns (principal and context) reaches every
event of the connection as ``requestContext.authorizer``.
"""

from __future__ import annotations

from typing import Any

from emulator.gateway.authorizers import lambda_, policy, sigv4
from emulator.gateway.messages import GatewayRequest
from emulator.gateway.websocket import selection
from emulator.gateway.websocket.events import Call, authorizer_event, template_context
from emulator.ports import Ports


class Refused(Exception):
    """The connection is refused with ``status`` and ``{"message": message}``."""

    def __init__(self, status: int, message: str, log: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.log = log


def method_arn(call: Call) -> str:
    conn = call.connection
    return (f"arn:aws:execute-api:{conn.region}:{conn.account}:{conn.api_id}/"
            f"{call.deployed.stage_name}/$connect")


def _sources(call: Call) -> selection.Sources:
    conn = call.connection
    return selection.Sources(
        headers={key.lower(): value for key, value in conn.headers},
        query=dict(conn.query), context=template_context(call),
        stage_variables=call.stage_variables)


async def _lambda(call: Call, authorizer: dict[str, Any], ports: Ports) -> None:
    found = _sources(call)
    for source in authorizer.get("IdentitySource") or []:
        if not selection.identity(str(source), found):
            raise Refused(401, "Unauthorized", f"the identity source {source} is missing")
    conn = call.connection
    try:
        invoked = await lambda_.invoke(
            ports, str(authorizer.get("AuthorizerUri") or ""), authorizer_event(call),
            account=conn.account, region=conn.region, stage_variables=call.stage_variables)
        answer = lambda_.policy_answer(invoked.answer)
    except lambda_.Unauthorized:
        raise Refused(401, "Unauthorized", "the authorizer answered Unauthorized") from None
    except lambda_.Misconfigured as bad:
        raise Refused(500, "Internal server error", bad.log) from None
    if policy.evaluate(answer.statements, method_arn(call)) != "Allow":
        raise Refused(403, "Forbidden", "the authorizer's policy does not allow $connect")
    conn.authorizer = {
        "principalId": answer.principal_id, "integrationLatency": invoked.latency_ms,
        **{name: lambda_.stringify(value) for name, value in answer.context.items()}}


def _iam(call: Call, handshake: GatewayRequest, now: Any) -> None:
    try:
        caller = sigv4.verify(handshake, handshake.raw_path or handshake.path, now)
    except sigv4.SignatureRejected as rejected:
        raise Refused(403, "Forbidden", f"IAM authorization: {rejected.kind}") from None
    call.connection.caller = caller.identity()


async def authorize(call: Call, route: dict[str, Any], ports: Ports,
                    handshake: GatewayRequest, now: Any) -> None:
    """Check ``$connect``'s authorization; raises Refused."""
    kind = route.get("AuthorizationType") or "NONE"
    if kind == "AWS_IAM":
        _iam(call, handshake, now)
    elif kind == "CUSTOM":
        authorizer = call.deployed.snapshot.authorizers.get(str(route.get("AuthorizerId")))
        if authorizer is None:
            raise Refused(500, "Internal server error", "the route's authorizer is missing")
        await _lambda(call, authorizer, ports)


__all__ = ["Refused", "authorize", "method_arn"]
