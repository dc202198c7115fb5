"""Names, ARNs and pagination tokens as Step Functions checks and words them."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from emulator.errors import ServiceError
from emulator.services import paging

# Names may not contain white space, brackets, wildcards, these punctuation marks or control
# characters.
_FORBIDDEN = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")


T = TypeVar("T")


def check_name(name: str, limit: int = 80) -> None:
    if not name or len(name) > limit or _FORBIDDEN.search(name):
        raise ServiceError("InvalidName", f"Invalid Name: '{name}'")


@dataclass(frozen=True)
class SfnArn:
    region: str
    account: str
    kind: str  # stateMachine, execution, express, activity, mapRun
    parts: tuple[str, ...]

    @property
    def machine_name(self) -> str:
        return self.parts[0]


_ARN = re.compile(r"^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):([A-Za-z]+):(.+)$")


def parse_arn(text: str) -> SfnArn:
    if not (text or "").startswith("arn:"):
        raise ServiceError("InvalidArn", f"Invalid Arn: 'Invalid ARN prefix: {text}'")
    match = _ARN.match(text)
    if match is None:
        raise ServiceError("InvalidArn", f"Invalid Arn: '{text}'")
    region, account, kind, rest = match.groups()
    return SfnArn(region, account, kind, tuple(rest.split(":")))


def machine_arn_of(text: str, allow_qualified: bool = True) -> tuple[str, str | None]:
    """Split a state machine ARN into (unqualified ARN, version number or alias name)."""
    arn = parse_arn(text)
    if arn.kind != "stateMachine":
        raise ServiceError(
            "InvalidArn", f"Invalid Arn: 'Resource type not valid in this context: {arn.kind}'"
        )
    if len(arn.parts) > 2 or (len(arn.parts) == 2 and not allow_qualified):
        raise ServiceError("InvalidArn", f"Invalid Arn: '{text}'")
    base = f"arn:aws:states:{arn.region}:{arn.account}:stateMachine:{arn.parts[0]}"
    return base, (arn.parts[1] if len(arn.parts) == 2 else None)


def execution_arn(text: str) -> SfnArn:
    arn = parse_arn(text)
    if arn.kind not in ("execution",):
        raise ServiceError(
            "InvalidArn", f"Invalid Arn: 'Resource type not valid in this context: {arn.kind}'"
        )
    if len(arn.parts) != 2:
        raise ServiceError("InvalidArn", f"Invalid Arn: '{text}'")
    return arn


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(token: str) -> int:
    text = base64.urlsafe_b64decode(token.encode()).decode()
    kind, _, number = text.partition(":")
    if kind != "offset" or not number.isdigit():
        raise ValueError(token)
    return int(number)


TOKENS = paging.Tokens(encode_token, _offset)


def _invalid(token: str) -> ServiceError:
    return ServiceError("InvalidToken", f"Invalid Token: '{token}'")


def page(items: Sequence[T], token: str | None, limit: int | None,
         default: int = 100) -> tuple[list[T], str | None]:
    return paging.page(items, token, limit or default, tokens=TOKENS, invalid=_invalid)


def listing(member: str, items: Sequence[Any], token: str | None, limit: int | None,
            default: int = 100) -> dict[str, Any]:
    """A List answer: the page under ``member`` and ``nextToken`` unless it is the last."""
    return paging.answer(member, items, token, limit or default, token_member="nextToken",
                         tokens=TOKENS, invalid=_invalid)


__all__ = [
    "SfnArn",
    "check_name",
    "encode_token",
    "execution_arn",
    "listing",
    "machine_arn_of",
    "page",
    "parse_arn",
]
