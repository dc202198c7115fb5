"""Users: created by an administrator or signed up and confirmed, passwords and attributes.

No message is sent: a sign-up's confirmation code is written to the emulator's log and listed by
``/_emulator/resources``, so a test can confirm the user as a person would.
"""

from __future__ import annotations

import logging
import re
import secrets
import string
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import TokenRejected
from emulator.services.cognito_idp import srp, tokens
from emulator.services.cognito_idp.common import invalid, no_user, not_authorized
from emulator.services.cognito_idp.models import UserPoolRecord, UserRecord
from emulator.services.cognito_idp.triggers import TriggersApi

log = logging.getLogger("emulator.cognito")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-")


def _sign_up_request(attributes: dict[str, str],
                     validation_data: list[dict[str, Any]] | None) -> dict[str, Any]:
    request: dict[str, Any] = {"userAttributes": attributes}
    if validation_data:
        request["validationData"] = _attributes(validation_data)
    return request


def set_password(user: UserRecord, password: str) -> None:
    """Keep what checks the password later: its salted hash and its SRP verifier."""
    user.password_hash = tokens.hash_password(password)
    user.srp_salt, user.srp_verifier = srp.verifier(user.pool_id, user.username, password)


def check_password(pool: UserPoolRecord, password: str) -> None:
    """Raise InvalidPasswordException when ``password`` breaks the pool's policy."""
    policy = pool.pool.get("Policies", {}).get("PasswordPolicy", {})
    problem = None
    if len(password) < int(policy.get("MinimumLength", 8)):
        problem = "Password not long enough"
    elif policy.get("RequireUppercase") and not any(c.isupper() for c in password):
        problem = "Password must have uppercase characters"
    elif policy.get("RequireLowercase") and not any(c.islower() for c in password):
        problem = "Password must have lowercase characters"
    elif policy.get("RequireNumbers") and not any(c.isdigit() for c in password):
        problem = "Password must have numeric characters"
    elif policy.get("RequireSymbols") and not any(c in SYMBOLS for c in password):
        problem = "Password must have symbol characters"
    if problem:
        raise ServiceError("InvalidPasswordException",
                           f"Password did not conform with policy: {problem}")


def _attributes(items: list[dict[str, Any]] | None) -> dict[str, str]:
    return {str(item["Name"]): str(item.get("Value", "")) for item in items or []
            if item.get("Name") != "sub"}


def _temporary_password() -> str:
    pool = string.ascii_letters + string.digits
    return ("".join(secrets.choice(pool) for _ in range(10)) + secrets.choice("ABC")
            + secrets.choice("xyz") + secrets.choice("0123") + "!")


class UsersApi(TriggersApi):
    def _new_user(self, pool: UserPoolRecord, name: str, attributes: dict[str, str]
                  ) -> UserRecord:
        sub = ids.uuid4()
        username = name
        signs_in_with = pool.pool.get("UsernameAttributes") or []
        if "email" in signs_in_with and EMAIL.match(name):
            attributes.setdefault("email", name)
            username = sub
        elif signs_in_with and "email" in signs_in_with and not EMAIL.match(name) and \
                "phone_number" not in signs_in_with:
            raise invalid("Username should be an email.")
        now = self.clock.now()
        return UserRecord(pool_id=pool.pool["Id"], username=username, sub=sub,
                          attributes=attributes, created=now, modified=now)

    def _exists(self, account: str, region: str, pool: UserPoolRecord, name: str,
                attributes: dict[str, str]) -> bool:
        if self.find_user(account, region, pool, name) is not None:
            return True
        email = attributes.get("email")
        return bool(email and "email" in (pool.pool.get("UsernameAttributes") or [])
                    and self.find_user(account, region, pool, email) is not None)

    # -- administrators ---------------------------------------------------------------------

    async def admin_create_user(
            self, ctx: RequestContext, *, user_pool_id: str, username: str,
            user_attributes: list[dict[str, Any]] | None = None,
            temporary_password: str | None = None, message_action: str | None = None,
            validation_data: list[dict[str, Any]] | None = None, **_: Any) -> dict[str, Any]:
        pool = self.pool_of(ctx, user_pool_id)
        attributes = _attributes(user_attributes)
        existing = self.find_user(ctx.account_id, ctx.region, pool, username)
        if message_action == "RESEND":
            if existing is None:
                raise no_user()
            return {"User": self.user_shape(existing)}
        if self._exists(ctx.account_id, ctx.region, pool, username, attributes):
            raise ServiceError("UsernameExistsException", "User account already exists")
        if temporary_password is not None:
            check_password(pool, temporary_password)
        user = self._new_user(pool, username, attributes)
        user.status = "FORCE_CHANGE_PASSWORD"
        set_password(user, temporary_password or _temporary_password())
        await self.trigger(ctx.account_id, ctx.region, pool, "PreSignUp",
                           "PreSignUp_AdminCreateUser", user, None,
                           _sign_up_request(self.user_attributes(user), validation_data))
        self.save_user(ctx.account_id, ctx.region, user)
        return {"User": self.user_shape(user)}

    def admin_get_user(self, ctx: RequestContext, *, user_pool_id: str, username: str,
                       **_: Any) -> dict[str, Any]:
        user = self.user_of(ctx, user_pool_id, username)
        return {"Username": user.username, "UserAttributes": self.attribute_list(user),
                "UserCreateDate": user.created, "UserLastModifiedDate": user.modified,
                "Enabled": user.enabled, "UserStatus": user.status}

    def admin_delete_user(self, ctx: RequestContext, *, user_pool_id: str, username: str,
                          **_: Any) -> None:
        user = self.user_of(ctx, user_pool_id, username)
        self.users(ctx.account_id, ctx.region).delete(f"{user.pool_id}/{user.username}")

    def admin_set_user_password(self, ctx: RequestContext, *, user_pool_id: str,
                                username: str, password: str, permanent: bool | None = None,
                                **_: Any) -> dict[str, Any]:
        pool = self.pool_of(ctx, user_pool_id)
        user = self.user_of(ctx, user_pool_id, username)
        check_password(pool, password)
        set_password(user, password)
        user.status = "CONFIRMED" if permanent else "FORCE_CHANGE_PASSWORD"
        self.save_user(ctx.account_id, ctx.region, user)
        return {}

    async def admin_confirm_sign_up(self, ctx: RequestContext, *, user_pool_id: str,
                                    username: str, **_: Any) -> dict[str, Any]:
        pool = self.pool_of(ctx, user_pool_id)
        user = self.user_of(ctx, user_pool_id, username)
        if user.status != "UNCONFIRMED":
            raise not_authorized(f"User cannot be confirmed. Current status is {user.status}")
        user.status, user.confirmation_code = "CONFIRMED", None
        self.save_user(ctx.account_id, ctx.region, user)
        await self._confirmed(ctx.account_id, ctx.region, pool, user, None)
        return {}

    async def _confirmed(self, account: str, region: str, pool: UserPoolRecord,
                         user: UserRecord, client_id: str | None) -> None:
        """PostConfirmation, after the user is stored as confirmed: a failing trigger fails
        the call and the user stays confirmed, as with Cognito."""
        await self.trigger(account, region, pool, "PostConfirmation",
                           "PostConfirmation_ConfirmSignUp", user, client_id,
                           {"userAttributes": self.user_attributes(user)})

    def admin_enable_user(self, ctx: RequestContext, *, user_pool_id: str, username: str,
                          **_: Any) -> dict[str, Any]:
        user = self.user_of(ctx, user_pool_id, username)
        user.enabled = True
        self.save_user(ctx.account_id, ctx.region, user)
        return {}

    def admin_disable_user(self, ctx: RequestContext, *, user_pool_id: str, username: str,
                           **_: Any) -> dict[str, Any]:
        user = self.user_of(ctx, user_pool_id, username)
        user.enabled = False
        self.save_user(ctx.account_id, ctx.region, user)
        return {}

    def admin_update_user_attributes(self, ctx: RequestContext, *, user_pool_id: str,
                                     username: str, user_attributes: list[dict[str, Any]],
                                     **_: Any) -> dict[str, Any]:
        user = self.user_of(ctx, user_pool_id, username)
        user.attributes.update(_attributes(user_attributes))
        self.save_user(ctx.account_id, ctx.region, user)
        return {}

    def list_users(self, ctx: RequestContext, *, user_pool_id: str, limit: int | None = None,
                   pagination_token: str | None = None, filter: str | None = None,
                   **_: Any) -> dict[str, Any]:
        self.pool_of(ctx, user_pool_id)
        users = [u for u in self.users(ctx.account_id, ctx.region).values()
                 if u.pool_id == user_pool_id]
        if filter:
            match = re.match(r'^\s*(\w+)\s*(=|\^=)\s*"(.*)"\s*$', filter)
            if match is None:
                raise invalid("Error while parsing filter.")
            name, op, value = match.groups()

            def field(user: UserRecord) -> str:
                if name == "username":
                    return user.username
                if name == "status":
                    return "Enabled" if user.enabled else "Disabled"
                if name == "cognito:user_status":
                    return user.status
                return user.sub if name == "sub" else user.attributes.get(name, "")
            users = [u for u in users if (field(u) == value if op == "=" else
                                          field(u).startswith(value))]
        size = limit or 60
        start = int(pagination_token) if pagination_token and pagination_token.isdigit() \
            else 0
        result: dict[str, Any] = {"Users": [self.user_shape(u)
                                            for u in users[start:start + size]]}
        if start + size < len(users):
            result["PaginationToken"] = str(start + size)
        return result

    # -- self-service -----------------------------------------------------------------------

    async def sign_up(self, ctx: RequestContext, *, client_id: str, username: str,
                      password: str = "", secret_hash: str | None = None,
                      user_attributes: list[dict[str, Any]] | None = None,
                      validation_data: list[dict[str, Any]] | None = None, **_: Any
                      ) -> dict[str, Any]:
        account, region, client = self.locate_client(client_id)
        self.check_secret_hash(client, username, secret_hash)
        located = self.locate_pool(client.client["UserPoolId"])
        if located is None:
            raise invalid("The user pool of this app client no longer exists.")
        pool = located[2]
        attributes = _attributes(user_attributes)
        if self._exists(account, region, pool, username, attributes):
            raise ServiceError("UsernameExistsException", "User already exists")
        check_password(pool, password)
        user = self._new_user(pool, username, attributes)
        set_password(user, password)
        decided = await self.trigger(
            account, region, pool, "PreSignUp", "PreSignUp_SignUp", user, client_id,
            _sign_up_request(self.user_attributes(user), validation_data)) or {}
        for attribute, flag in (("email", "autoVerifyEmail"),
                                ("phone_number", "autoVerifyPhone")):
            if decided.get(flag) is True and attribute in user.attributes:
                user.attributes[f"{attribute}_verified"] = "true"
        if decided.get("autoConfirmUser") is True:  # no code, and no PostConfirmation
            user.status = "CONFIRMED"
            self.save_user(account, region, user)
            return {"UserConfirmed": True, "UserSub": user.sub}
        user.confirmation_code = f"{secrets.randbelow(1_000_000):06d}"
        self.save_user(account, region, user)
        log.info("cognito-idp: confirmation code for %s in %s is %s", user.username,
                 user.pool_id, user.confirmation_code)
        result: dict[str, Any] = {"UserConfirmed": False, "UserSub": user.sub}
        medium = next((a for a in pool.pool.get("AutoVerifiedAttributes", [])
                       if a in user.attributes), None)
        if medium is not None:
            value = user.attributes[medium]
            result["CodeDeliveryDetails"] = {
                "Destination": value[0] + "***" + value[value.find("@"):]
                if medium == "email" else "+*******" + value[-4:],
                "DeliveryMedium": "EMAIL" if medium == "email" else "SMS",
                "AttributeName": medium}
        return result

    async def confirm_sign_up(self, ctx: RequestContext, *, client_id: str, username: str,
                              confirmation_code: str, secret_hash: str | None = None,
                              **_: Any) -> dict[str, Any]:
        account, region, client = self.locate_client(client_id)
        self.check_secret_hash(client, username, secret_hash)
        located = self.locate_pool(client.client["UserPoolId"])
        user = self.find_user(account, region, located[2], username) if located else None
        if user is None:
            raise ServiceError("UserNotFoundException",
                               "Username/client id combination not found.")
        if user.status != "UNCONFIRMED":
            raise not_authorized(f"User cannot be confirmed. Current status is {user.status}")
        if confirmation_code != user.confirmation_code:
            raise ServiceError("CodeMismatchException",
                               "Invalid verification code provided, please try again.")
        user.status, user.confirmation_code = "CONFIRMED", None
        assert located is not None
        for attribute in located[2].pool.get("AutoVerifiedAttributes", []):
            if attribute in user.attributes:
                user.attributes[f"{attribute}_verified"] = "true"
        self.save_user(account, region, user)
        await self._confirmed(account, region, located[2], user, client_id)
        return {}

    def get_user(self, ctx: RequestContext, *, access_token: str, **_: Any) -> dict[str, Any]:
        try:
            _header, claims = tokens.unverified(access_token)
        except TokenRejected:
            raise not_authorized("Invalid Access Token") from None
        pool_id = str(claims.get("iss", "")).rstrip("/").rsplit("/", 1)[-1]
        located = self.locate_pool(pool_id) if pool_id else None
        if located is None or claims.get("token_use") != "access":
            raise not_authorized("Invalid Access Token")
        account, region, pool = located
        try:
            tokens.check(access_token, pool.private_key, pool.kid, self.clock.now())
        except TokenRejected as rejected:
            raise not_authorized("Access Token has expired" if rejected.expired
                                 else "Invalid Access Token") from None
        user = self.find_user(account, region, pool, str(claims.get("username", "")))
        if user is None:
            raise not_authorized("User does not exist.")
        return {"Username": user.username, "UserAttributes": self.attribute_list(user)}


__all__ = ["UsersApi", "check_password", "set_password"]
