"""User pool Lambda triggers for sign-up: PreSignUp (SignUp and AdminCreateUser) and
PostConfirmation (ConfirmSignUp and AdminConfirmSignUp), the functions a pool's
``LambdaConfig`` names.

The function gets Cognito's event (version, region, userPoolId, userName, callerContext,
triggerSource, request, response) and answers with the event; its ``response`` decides what
PreSignUp may decide (``autoConfirmUser``, ``autoVerifyEmail``, ``autoVerifyPhone``). A function
that fails turns the call into ``UserLambdaValidationException`` ("PreSignUp failed with error
<message>."); an answer that is not the event, into ``InvalidLambdaResponseException``
("Unrecognizable lambda output").

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html
"""

from __future__ import annotations

import json
from typing import Any

from emulator.errors import ServiceError
from emulator.services.cognito_idp.common import CognitoBase
from emulator.services.cognito_idp.models import UserPoolRecord, UserRecord

NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"  # the clientId of a trigger an admin call fired
SDK_VERSION = "aws-sdk-unknown-unknown"
EMPTY_RESPONSES: dict[str, dict[str, Any]] = {
    "PreSignUp": {"autoConfirmUser": False, "autoVerifyEmail": False,
                  "autoVerifyPhone": False},
    "PostConfirmation": {},
}


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
                      request: dict[str, Any]) -> dict[str, Any] | None:
        """The ``response`` of the pool's ``name`` trigger, None when it has none."""
        function = (pool.pool.get("LambdaConfig") or {}).get(name)
        if not function:
            return None
        event = {"version": "1", "region": region, "userPoolId": pool.pool["Id"],
                 "userName": user.username,
                 "callerContext": {"awsSdkVersion": SDK_VERSION,
                                   "clientId": client_id or NO_CLIENT},
                 "triggerSource": source, "request": request,
                 "response": dict(EMPTY_RESPONSES.get(name, {}))}
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


__all__ = ["NO_CLIENT", "TriggersApi"]
