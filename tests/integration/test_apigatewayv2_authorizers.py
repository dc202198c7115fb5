"""Access control on HTTP APIs: JWT authorizers (signature against the issuer's JWKS,
issuer, audience, expiry on the emulator's clock, scopes per route) and Lambda authorizers
(simple responses and IAM policies, cached by identity until the clock passes the TTL)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from cryptography.hazmat.primitives.asymmetric import rsa
from http_api_support import ECHO, HttpApi, new_function, new_http_api
from http_backend import Backend, running_backend

from emulator.testing import EmulatorHandle

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def issuer() -> Iterator[Backend]:
    with running_backend() as backend:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
        backend.jwks = {"keys": [{**public, "kid": "key-1", "alg": "RS256", "use": "sig"}]}
        yield backend


def _token(issuer: Backend, now: float, key: Any = KEY, **claims: Any) -> str:
    body = {"iss": issuer.issuer, "aud": "my-app", "sub": "user-1", "iat": int(now),
            "exp": int(now) + 3600, **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key,
                      algorithm="RS256", headers={"kid": "key-1"})


def _jwt_api(emulator: EmulatorHandle, issuer: Backend) -> HttpApi:
    api = new_http_api(emulator)
    authorizer = api.client.create_authorizer(
        ApiId=api.id, Name="jwt", AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": issuer.issuer, "Audience": ["my-app"]})["AuthorizerId"]
    integration = api.lambda_integration(new_function(emulator, ECHO))
    api.route("GET /orders", integration, AuthorizationType="JWT", AuthorizerId=authorizer,
              AuthorizationScopes=["orders/read", "orders/admin"])
    api.route("POST /orders", integration, AuthorizationType="JWT", AuthorizerId=authorizer,
              AuthorizationScopes=["orders/write"])
    api.route("GET /profile", integration, AuthorizationType="JWT", AuthorizerId=authorizer)
    api.route("GET /public", integration)
    api.stage()
    return api


def test_jwt_authorizer_accepts_a_valid_token_and_passes_its_claims(
        emulator: EmulatorHandle, issuer: Backend) -> None:
    api = _jwt_api(emulator, issuer)
    now = emulator.clock.now()
    token = _token(issuer, now, scope="orders/read profile")
    reply = api.get("/orders", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200
    authorizer = reply.json()["requestContext"]["authorizer"]
    assert authorizer["jwt"]["claims"]["sub"] == "user-1"
    assert authorizer["jwt"]["claims"]["aud"] == "my-app"
    assert authorizer["jwt"]["scopes"] == ["orders/read", "profile"]
    bare = api.get("/profile", headers={"Authorization": token})  # without "Bearer"
    assert bare.status_code == 200
    # An access token without aud is checked by its client_id, as Cognito issues them.
    access = _token(issuer, now, aud=None, client_id="my-app", scope="orders/read")
    assert api.get("/orders", headers={"Authorization": access}).status_code == 200
    assert api.get("/public").status_code == 200


def test_jwt_authorizer_rejects_bad_tokens_with_401(emulator: EmulatorHandle,
                                                    issuer: Backend) -> None:
    api = _jwt_api(emulator, issuer)
    now = emulator.clock.now()
    good = _token(issuer, now)
    head, _payload, signature = good.split(".")
    tampered_payload = jwt.utils.base64url_encode(json.dumps(
        {**jwt.decode(good, options={"verify_signature": False}), "sub": "admin"}).encode())
    bad_tokens = {
        "missing": None,
        "garbage": "not-a-token",
        "tampered": f"{head}.{tampered_payload.decode()}.{signature}",
        "other key": _token(issuer, now, key=OTHER_KEY),
        "wrong issuer": _token(issuer, now, iss="https://elsewhere.example"),
        "wrong audience": _token(issuer, now, aud="another-app"),
        "not yet valid": _token(issuer, now, nbf=int(now) + 600),
    }
    for label, token in bad_tokens.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        reply = api.get("/profile", headers=headers)
        assert reply.status_code == 401, label
        assert reply.json() == {"message": "Unauthorized"}, label


def test_jwt_expiry_follows_the_emulator_clock(emulator: EmulatorHandle, issuer: Backend
                                               ) -> None:
    api = _jwt_api(emulator, issuer)
    token = _token(issuer, emulator.clock.now())
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/profile", headers=headers).status_code == 200
    emulator.clock.advance(3601)
    try:
        expired = api.get("/profile", headers=headers)
        assert expired.status_code == 401
        assert "expired" in expired.headers["www-authenticate"]
    finally:
        emulator.clock.reset()


def test_jwt_scopes_are_enforced_per_route(emulator: EmulatorHandle, issuer: Backend) -> None:
    api = _jwt_api(emulator, issuer)
    now = emulator.clock.now()
    reader = {"Authorization": _token(issuer, now, scope="orders/read")}
    writer = {"Authorization": _token(issuer, now, scp=["orders/write"])}
    nobody = {"Authorization": _token(issuer, now)}
    assert api.get("/orders", headers=reader).status_code == 200
    assert api.request("POST", "/orders", headers=writer).status_code == 200
    forbidden = api.request("POST", "/orders", headers=reader)
    assert forbidden.status_code == 403 and forbidden.json() == {"message": "Forbidden"}
    assert "insufficient_scope" in forbidden.headers["www-authenticate"]
    assert api.get("/orders", headers=writer).status_code == 403
    assert api.get("/orders", headers=nobody).status_code == 403
    assert api.get("/profile", headers=nobody).status_code == 200  # no scopes required


SIMPLE_AUTHORIZER = """
CALLS = {"n": 0}
def handler(event, context):
    CALLS["n"] += 1
    token = event["headers"].get("authorization", "")
    return {"isAuthorized": token.startswith("allow"),
            "context": {"calls": CALLS["n"], "user": token, "routeArn": event["routeArn"],
                        "identity": event["identitySource"], "type": event["type"]}}
"""
POLICY_AUTHORIZER = """
def handler(event, context):
    token = event["headers"].get("authorization", "")
    if token == "malformed":
        return {"principalId": "u", "policyDocument": {"Version": "2012-10-17"}}
    effect = "Allow" if token.startswith("allow") else "Deny"
    arn = event["methodArn"].rsplit("/", 2)[0] + "/*"
    return {"principalId": "user-" + token,
            "policyDocument": {"Version": "2012-10-17", "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": arn}]},
            "context": {"version": event["version"], "type": event["type"]}}
"""
OWN_PATH_AUTHORIZER = """
def handler(event, context):
    user = event["authorizationToken"]
    stage = "/".join(event["methodArn"].split("/")[:2])
    return {"principalId": user, "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Allow",
         "Resource": stage + "/GET/users/" + user}]}}
"""


def _lambda_api(emulator: EmulatorHandle, code: str, version: str, ttl: int,
                simple: bool) -> HttpApi:
    api = new_http_api(emulator)
    function = new_function(emulator, code)
    uri = (f"arn:aws:apigateway:{emulator.region}:lambda:path/2015-03-31/functions/"
           f"{function}/invocations")
    authorizer = api.client.create_authorizer(
        ApiId=api.id, Name="lambda", AuthorizerType="REQUEST", AuthorizerUri=uri,
        IdentitySource=["$request.header.Authorization"],
        AuthorizerPayloadFormatVersion=version, EnableSimpleResponses=simple,
        AuthorizerResultTtlInSeconds=ttl)["AuthorizerId"]
    integration = api.lambda_integration(new_function(emulator, ECHO))
    for key in ("GET /a", "GET /b", "GET /users/{id}"):
        api.route(key, integration, AuthorizationType="CUSTOM", AuthorizerId=authorizer)
    api.stage()
    return api


def test_lambda_authorizer_simple_responses(emulator: EmulatorHandle) -> None:
    api = _lambda_api(emulator, SIMPLE_AUTHORIZER, "2.0", ttl=0, simple=True)
    allowed = api.get("/a", headers={"Authorization": "allow-1"})
    assert allowed.status_code == 200
    context = allowed.json()["requestContext"]["authorizer"]["lambda"]
    assert context["user"] == "allow-1" and context["type"] == "REQUEST"
    assert context["identity"] == ["allow-1"]
    assert context["routeArn"] == (f"arn:aws:execute-api:{emulator.region}:000000000000:"
                                   f"{api.id}/$default/GET/a")
    denied = api.get("/a", headers={"Authorization": "deny"})
    assert denied.status_code == 403 and denied.json() == {"message": "Forbidden"}
    missing = api.get("/a")
    assert missing.status_code == 401 and missing.json() == {"message": "Unauthorized"}


def test_lambda_authorizer_arns_name_the_requested_path(emulator: EmulatorHandle) -> None:
    """The route ARN (2.0) and method ARN (1.0) carry the path as requested, not the route's
    template, so a policy can allow one caller their own resources only: AWS's samples do
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html)."""
    prefix = f"arn:aws:execute-api:{emulator.region}:000000000000:"
    simple = _lambda_api(emulator, SIMPLE_AUTHORIZER, "2.0", ttl=0, simple=True)
    reply = simple.get("/users/42", headers={"Authorization": "allow"})
    assert reply.json()["requestContext"]["authorizer"]["lambda"]["routeArn"] == (
        f"{prefix}{simple.id}/$default/GET/users/42")
    own = _lambda_api(emulator, OWN_PATH_AUTHORIZER, "1.0", ttl=300, simple=False)
    assert own.get("/users/alice", headers={"Authorization": "alice"}).status_code == 200
    other = own.get("/users/alice", headers={"Authorization": "bob"})
    assert other.status_code == 403 and other.text == '{"message":"Forbidden"}'
    # A cached policy is checked again against each request's own path.
    assert own.get("/users/bob", headers={"Authorization": "alice"}).status_code == 403


def test_lambda_authorizer_results_are_cached_until_the_clock_passes_the_ttl(
        emulator: EmulatorHandle) -> None:
    api = _lambda_api(emulator, SIMPLE_AUTHORIZER, "2.0", ttl=300, simple=True)
    headers = {"Authorization": f"allow-{uuid.uuid4().hex}"}

    def calls(path: str = "/a") -> int:
        reply = api.get(path, headers=headers)
        assert reply.status_code == 200
        return int(reply.json()["requestContext"]["authorizer"]["lambda"]["calls"])

    first = calls()
    assert calls() == first and calls("/b") == first  # cached: the function is not called
    other = api.get("/a", headers={"Authorization": "allow-other"})  # another identity
    assert other.json()["requestContext"]["authorizer"]["lambda"]["calls"] == first + 1
    emulator.clock.advance(301)
    try:
        assert calls() == first + 2  # the TTL passed: called again
        assert calls() == first + 2
        api.client.reset_authorizers_cache(ApiId=api.id, StageName="$default")
        assert calls() == first + 3
    finally:
        emulator.clock.reset()


def test_lambda_authorizer_iam_policies_allow_deny_and_malformed(emulator: EmulatorHandle
                                                                 ) -> None:
    api = _lambda_api(emulator, POLICY_AUTHORIZER, "1.0", ttl=300, simple=False)
    allowed = api.get("/a", headers={"Authorization": "allow"})
    assert allowed.status_code == 200
    event = allowed.json()
    assert event["requestContext"]["authorizer"]["lambda"] == {"version": "1.0",
                                                               "type": "REQUEST"}
    # The cached policy covers /b as well (its resource is a wildcard).
    assert api.get("/b", headers={"Authorization": "allow"}).status_code == 200
    denied = api.get("/a", headers={"Authorization": "deny"})
    assert denied.status_code == 403 and denied.json() == {"message": "Forbidden"}
    broken = api.get("/a", headers={"Authorization": "malformed"})
    assert broken.status_code == 500 and broken.json() == {"message": "Internal Server Error"}


def _signed(url: str, secret: str = "test") -> dict[str, str]:
    request = AWSRequest(method="GET", url=url, data=b"")
    SigV4Auth(Credentials("test", secret), "execute-api", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def test_iam_authorization_checks_the_signature(emulator: EmulatorHandle) -> None:
    api = new_http_api(emulator)
    api.route("GET /iam", api.lambda_integration(new_function(emulator, ECHO)),
              AuthorizationType="AWS_IAM")
    api.stage()
    unsigned = api.get("/iam")
    assert unsigned.status_code == 403 and unsigned.json() == {"message": "Forbidden"}
    url = api.url("/iam")
    signed = httpx.get(url, headers=_signed(url))
    assert signed.status_code == 200
    iam = signed.json()["requestContext"]["authorizer"]["iam"]
    assert iam["accessKey"] == "test" and iam["userArn"].startswith("arn:aws:iam::")
    wrong = httpx.get(url, headers=_signed(url, secret="wrong"))
    assert wrong.status_code == 403
    assert "signature we calculated does not match" in wrong.json()["message"]


def test_jwt_authorizer_takes_the_cognito_issuer_of_a_user_pool(emulator: EmulatorHandle
                                                                ) -> None:
    # The issuer of a Cognito user pool is https://cognito-idp.{region}.amazonaws.com/
    # {userPoolId}, as templates configure it for an HTTP API's JWT authorizer:
    # https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html
    # (JWTConfiguration.issuer) and https://docs.aws.amazon.com/apigateway/latest/
    # developerguide/http-api-jwt-authorizer.html
    idp = emulator.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="jwt-people")["UserPool"]["Id"]
    app = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="web",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="ann", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="ann", Password="Passw0rd!!x",
                                Permanent=True)
    tokens = idp.admin_initiate_auth(
        UserPoolId=pool, ClientId=app, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": "Passw0rd!!x"})["AuthenticationResult"]
    other = idp.create_user_pool(PoolName="jwt-others")["UserPool"]["Id"]
    api = new_http_api(emulator)
    integration = api.lambda_integration(new_function(emulator, ECHO))
    for path, pool_id in (("/mine", pool), ("/theirs", other)):
        authorizer = api.client.create_authorizer(
            ApiId=api.id, Name=f"cognito{path[1:]}", AuthorizerType="JWT",
            IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Issuer": f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}",
                              "Audience": [app]})["AuthorizerId"]
        api.route(f"GET {path}", integration, AuthorizationType="JWT", AuthorizerId=authorizer)
    api.stage()
    for kind in ("IdToken", "AccessToken"):
        bearer = {"Authorization": f"Bearer {tokens[kind]}"}
        allowed = api.get("/mine", headers=bearer)
        assert allowed.status_code == 200, allowed.text
        claims = allowed.json()["requestContext"]["authorizer"]["jwt"]["claims"]
        assert claims["sub"] and claims["token_use"] in ("id", "access")
        # The same token against another pool's issuer has no key to verify it.
        assert api.get("/theirs", headers=bearer).status_code == 401
