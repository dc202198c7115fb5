"""User pool Lambda triggers, the functions a pool's ``LambdaConfig`` names: PreSignUp (SignUp
and AdminCreateUser), PostConfirmation (ConfirmSignUp and AdminConfirmSignUp) and
PreTokenGeneration (every issue of tokens; version 1 overrides the ID token's claims and the
groups, version 2 also the access token's claims and scopes).

The function gets Cognito's event (version, region, userPoolId, userName, callerContext,
triggerSource, request, response) and answers with the event; its ``response`` decides what
PreSignUp may decide (``autoConfirmUser``, ``autoVerifyEmail``, ``autoVerifyPhone``). A function
that fails turns the call into ``UserLambdaValidationException`` ("PreSignUp failed with error
<message>."); an answer that is not the event, into ``InvalidLambdaResponseException``
("Unrecognizable lambda output").

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
"""

from __future__ import annotations

import json
from typing import Any

from emulator.errors import ServiceError
from emulator.services.cognito_idp.common import CognitoBase
from emulator.services.cognito_idp.models import ClientRecord, UserPoolRecord, UserRecord

NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"  # the clientId of a trigger an admin call fired
SDK_VERSION = "aws-sdk-unknown-unknown"
EMPTY_RESPONSES: dict[str, dict[str, Any]] = {
    "PreSignUp": {"autoConfirmUser": False, "autoVerifyEmail": False,
                  "autoVerifyPhone": False},
    "PostConfirmation": {},
}
# Claims a PreTokenGeneration function cannot add, change or suppress.
RESERVED_CLAIMS = frozenset({
    "acr", "amr", "aud", "at_hash", "auth_time", "azp", "client_id", "cognito:username",
    "event_id", "exp", "iat", "identities", "iss", "jti", "nbf", "nonce", "origin_jti",
    "scope", "sub", "token_use", "username", "version"})


def _error_message(payload: bytes) -> str:
    try:
        answer = json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", "replace")
    if isinstance(answer, dict) and "errorMessage" in answer:
        return str(answer["errorMessage"])
    return json.dumps(answer)


class TriggersApi(CognitoBase):
    def user_attributes(self, user: UserRecord) -> dict[str, str]:
        """The attributes a trigger's request shows: sub, the status, then the rest."""
        return {"sub": user.sub, "cognito:user_status": user.status, **user.attributes}

    async def trigger(self, account: str, region: str, pool: UserPoolRecord, name: str,
                      source: str, user: UserRecord, client_id: str | None,
                      request: dict[str, Any], *, function: str | None = None,
                      version: str = "1", response: dict[str, Any] | None = None
                      ) -> dict[str, Any] | None:
        """The ``response`` of the pool's ``name`` trigger (or of ``function``), None when
        there is none."""
        function = function or (pool.pool.get("LambdaConfig") or {}).get(name)
        if not function:
            return None
        event = {"version": version, "region": region, "userPoolId": pool.pool["Id"],
                 "userName": user.username,
                 "callerContext": {"awsSdkVersion": SDK_VERSION,
                                   "clientId": client_id or NO_CLIENT},
                 "triggerSource": source, "request": request,
                 "response": dict(response or EMPTY_RESPONSES.get(name, {}))}
        try:
            result = await self.ports.functions.invoke(
                str(function), json.dumps(event).encode(), account=account, region=region)
        except (ServiceError, LookupError) as error:
            reason = error.code if isinstance(error, ServiceError) else "ResourceNotFound"
            raise ServiceError("UnexpectedLambdaException",
                               f"{name} invocation failed due to error {reason}.") from None
        if result.function_error:
            raise ServiceError("UserLambdaValidationException",
                               f"{name} failed with error {_error_message(result.payload)}.")
        try:
            answer = json.loads(result.payload)
        except ValueError:
            answer = None
        response = answer.get("response") if isinstance(answer, dict) else None
        if not isinstance(response, dict):
            raise ServiceError("InvalidLambdaResponseException", "Unrecognizable lambda output")
        return response


def _override(claims: dict[str, Any], details: Any) -> dict[str, Any]:
    """Claims with a function's ``claimsToAddOrOverride`` and ``claimsToSuppress`` applied,
    reserved claims left as they are."""
    if not isinstance(details, dict):
        return claims
    changed = dict(claims)
    added = details.get("claimsToAddOrOverride")
    for name, value in (added.items() if isinstance(added, dict) else []):
        if name not in RESERVED_CLAIMS:
            changed[name] = value
    for name in details.get("claimsToSuppress") or []:
        if name not in RESERVED_CLAIMS:
            changed.pop(name, None)
    return changed


def _groups(claims: dict[str, Any], details: Any) -> dict[str, Any]:
    groups = details.get("groupsToOverride") if isinstance(details, dict) else None
    if groups is None:
        return claims
    changed = {k: v for k, v in claims.items() if k != "cognito:groups"}
    if groups:
        changed["cognito:groups"] = list(groups)
    return changed


async def token_overrides(api: TriggersApi, account: str, region: str, pool: UserPoolRecord,
                          client: ClientRecord, user: UserRecord, source: str,
                          id_claims: dict[str, Any], access_claims: dict[str, Any]
                          ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ID and access token claims after the pool's PreTokenGeneration function, if any."""
    config = pool.pool.get("LambdaConfig") or {}
    versioned = config.get("PreTokenGenerationConfig") or {}
    function = versioned.get("LambdaArn") or config.get("PreTokenGeneration")
    if not function:
        return id_claims, access_claims
    version = {"V2_0": "2", "V3_0": "3"}.get(versioned.get("LambdaVersion") or "", "1") \
        if versioned.get("LambdaArn") else "1"
    request: dict[str, Any] = {
        "userAttributes": api.user_attributes(user),
        "groupConfiguration": {"groupsToOverride": list(user.groups),
                               "iamRolesToOverride": [], "preferredRole": None}}
    if version != "1":
        request["scopes"] = str(access_claims.get("scope", "")).split()
    key = "claimsOverrideDetails" if version == "1" else "claimsAndScopeOverrideDetails"
    response = await api.trigger(account, region, pool, "PreTokenGeneration", source, user,
                                 client.client["ClientId"], request, function=str(function),
                                 version=version, response={key: None}) or {}
    details = response.get(key)
    if not isinstance(details, dict):
        return id_claims, access_claims
    groups = details.get("groupOverrideDetails")
    if version == "1":  # version 1 changes the ID token only, and the groups of both
        return _groups(_override(id_claims, details), groups), _groups(access_claims, groups)
    id_changes = details.get("idTokenGeneration")
    access_changes = details.get("accessTokenGeneration")
    access = _override(access_claims, access_changes)
    if isinstance(access_changes, dict):
        scopes = [s for s in str(access.get("scope", "")).split()
                  if s not in (access_changes.get("scopesToSuppress") or [])]
        scopes += [s for s in access_changes.get("scopesToAdd") or [] if s not in scopes]
        access["scope"] = " ".join(scopes)
    return _groups(_override(id_claims, id_changes), groups), _groups(access, groups)


__all__ = ["NO_CLIENT", "TriggersApi", "token_overrides"]
