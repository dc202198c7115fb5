"""What every part of IAM shares: its one global scope, ids, the errors it answers with, and
the checks and paging of its requests."""

from __future__ import annotations

import re
import secrets
import string
from typing import Any

from emulator import inbound
from emulator.errors import ServiceError

GLOBAL = "global"  # IAM has no regions: every request reads one table set per account
_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")
_ID_ALPHABET = string.ascii_uppercase + string.digits
AWS_MANAGED = "arn:aws:iam::aws:policy/"
PAGE = 100


def new_id(prefix: str) -> str:
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(17))


def no_such_entity(message: str) -> ServiceError:
    return ServiceError("NoSuchEntity", message, status=404)


def exists(message: str) -> ServiceError:
    return ServiceError("EntityAlreadyExists", message, status=409)


def document(text: str) -> str:
    try:
        inbound.loads(text)
    except ValueError:
        raise ServiceError("MalformedPolicyDocument", "This policy contains invalid Json",
                           status=400) from None
    return text


def valid_path(path: str | None) -> str:
    path = path or "/"
    if not (path.startswith("/") and path.endswith("/")):
        raise ServiceError("ValidationError", "The specified value for path is invalid. It "
                           "must begin and end with / and contain only alphanumeric characters "
                           "and/or / characters.", status=400)
    return path


def check_name(name: str, what: str) -> None:
    if not _NAME.match(name):
        raise ServiceError("ValidationError", f"The specified value for {what} is invalid. It "
                           "must contain only alphanumeric characters and/or the following: "
                           "+=,.@_-", status=400)


def page(member: str, items: list[Any], marker: str | None, max_items: int | None
          ) -> dict[str, Any]:
    """A List operation's answer: one page of ``items`` under ``member``, ``IsTruncated``, and
    the ``Marker`` of the next page when there is one."""
    start = int(marker) if marker and marker.isdigit() else 0
    size = max_items or PAGE
    truncated = start + size < len(items)
    return {member: items[start:start + size], "IsTruncated": truncated,
            **({"Marker": str(start + size)} if truncated else {})}


__all__ = ["AWS_MANAGED", "GLOBAL", "PAGE", "check_name", "document", "exists", "new_id",
           "no_such_entity", "page", "valid_path"]
