"""AWS_IAM authorization: a Signature Version 4 signed call to an invoke URL, checked against
the credentials the emulator knows.

The emulator hands out one secret for every access key id (``test``: the one its test fixtures
and Lambda functions are given), and reads a 12-digit key id as that account, as the control
plane does. The canonical request is rebuilt from the request as received, with botocore's own
signer, so a call signed by any SigV4 client verifies when its secret is the known one. The
failures answer as API Gateway does: a missing signature, an incomplete one, one outside the
allowed clock skew, and a mismatch that shows the canonical request and string to sign.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

from emulator.config import DEFAULT_ACCOUNT
from emulator.gateway.messages import GatewayRequest

KNOWN_SECRET = "test"
ALGORITHM = "AWS4-HMAC-SHA256"
SKEW = timedelta(minutes=5)
AMZ_DATE = "%Y%m%dT%H%M%SZ"
_PARTS = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]+)")
MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.")


class SignatureRejected(Exception):
    """A call that is not (correctly) signed; ``kind`` names the failure."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # "missing", "incomplete", "expired" or "mismatch"
        self.message = message


@dataclass(frozen=True)
class Caller:
    """Who signed the call, as ``$context.identity`` shows it."""

    access_key: str
    account_id: str

    @property
    def user_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:root"

    def identity(self) -> dict[str, Any]:
        return {"accessKey": self.access_key, "accountId": self.account_id,
                "caller": self.account_id, "user": self.account_id,
                "userArn": self.user_arn}


def account_of(access_key: str) -> str:
    """A 12-digit access key id is that account; any other key is the default account."""
    return access_key if len(access_key) == 12 and access_key.isdigit() else DEFAULT_ACCOUNT


class _Signer(SigV4Auth):  # type: ignore[misc]
    """botocore's signer, signing exactly the headers the caller signed."""

    def __init__(self, credentials: Credentials, service: str, region: str,
                 signed: list[str]) -> None:
        super().__init__(credentials, service, region)
        self._signed = signed

    def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
        chosen = HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or []:
                chosen[name] = value
        return chosen


def _incomplete(authorization: str, missing: list[str]) -> SignatureRejected:
    text = " ".join(f"Authorization header requires '{name}' parameter." for name in missing)
    return SignatureRejected("incomplete", f"{text} Authorization={authorization}")


def verify(request: GatewayRequest, raw_path: str, now: datetime) -> Caller:
    """The caller of a correctly signed ``request``; raises SignatureRejected."""
    authorization = request.header("authorization")
    if not authorization:
        raise SignatureRejected("missing", "Missing Authentication Token")
    fields = dict(_PARTS.findall(authorization))
    amz_date = request.header("x-amz-date")
    missing = [name for name in ("Credential", "Signature", "SignedHeaders")
               if name not in fields]
    if not authorization.startswith(ALGORITHM) or missing or not amz_date:
        problems = missing if authorization.startswith(ALGORITHM) else \
            ["Credential", "Signature", "SignedHeaders"]
        error = _incomplete(authorization, problems)
        if not amz_date:
            error.message = error.message.replace(
                " Authorization=", " Authorization header requires existence of either a "
                "'X-Amz-Date' or a 'Date' header. Authorization=")
        raise error
    scope = fields["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request":
        raise SignatureRejected("incomplete", "Credential should be scoped to a valid "
                                f"region. Credential={fields['Credential']}")
    access_key, _day, region, service, _terminal = scope
    try:
        signed_at = datetime.strptime(amz_date, AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        raise SignatureRejected("incomplete", f"Date must be in ISO-8601 'basic format'. Got "
                                f"'{amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601"
                                ) from None
    stamp = now.strftime(AMZ_DATE)
    if signed_at < now - SKEW:
        raise SignatureRejected("expired", f"Signature expired: {amz_date} is now earlier "
                                f"than {(now - SKEW).strftime(AMZ_DATE)} ({stamp} - 5 min.)")
    if signed_at > now + SKEW:
        raise SignatureRejected("expired", f"Signature not yet current: {amz_date} is still "
                                f"later than {(now + SKEW).strftime(AMZ_DATE)} "
                                f"({stamp} + 5 min.)")
    signed = [name.lower() for name in fields["SignedHeaders"].split(";") if name]
    url = f"{request.scheme}://{request.header('host') or request.host}{raw_path}"
    if request.raw_query:
        url += "?" + request.raw_query
    wire = AWSRequest(method=request.method.upper(), url=url, data=request.body)
    for name, value in request.headers:
        wire.headers.add_header(name, value)  # repeated headers are signed joined
    wire.context["timestamp"] = amz_date
    signer = _Signer(Credentials(access_key, KNOWN_SECRET), service, region, signed)
    canonical = signer.canonical_request(wire)
    to_sign = signer.string_to_sign(wire, canonical)
    expected = signer.signature(to_sign, wire)
    if not hmac.compare_digest(expected, fields["Signature"]):
        raise SignatureRejected("mismatch", f"{MISMATCH}\n\nThe Canonical String for this "
                                f"request should have been\n'{canonical}'\n\nThe String-to-"
                                f"Sign should have been\n'{to_sign}'\n")
    return Caller(access_key, account_of(access_key))


__all__ = ["KNOWN_SECRET", "Caller", "SignatureRejected", "account_of", "verify"]
