"""Queue names, URLs and ARNs: what makes a valid name and how a URL names a queue."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from emulator import arns
from emulator.errors import ServiceError
from emulator.services.sqs.characters import printable

_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_FIFO_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
FIFO_SUFFIX = ".fifo"


def invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValue", printable(message), status=400)


def check_queue_name(name: str, fifo: bool) -> None:
    if fifo:
        if not _FIFO_NAME.fullmatch(name):
            raise invalid_parameter(
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or "
                "underscores, must end with .fifo suffix and be 1 to 80 in length."
            )
        return
    if not _NAME.fullmatch(name):
        raise invalid_parameter(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
        )


def queue_url(endpoint_url: str, account: str, name: str) -> str:
    return f"{endpoint_url.rstrip('/')}/{account}/{name}"


def queue_arn(region: str, account: str, name: str) -> str:
    return arns.sqs_queue(region, account, name)


@dataclass(frozen=True)
class QueueAddress:
    account: str
    name: str


def parse_queue_url(url: str) -> QueueAddress:
    """The account and name in a queue URL (``scheme://host/account/name``; any host)."""
    path = urlsplit(url).path if "://" in url else ""
    parts = [unquote(part) for part in path.split("/") if part]
    if len(parts) != 2 or not parts[0].isdigit():
        raise ServiceError(
            "InvalidAddress", printable(f"The address {url} is not valid for this endpoint.")
        )
    return QueueAddress(parts[0], parts[1])


def parse_queue_arn(text: str) -> tuple[str, str, str] | None:
    """(region, account, name) of an SQS queue ARN, or None when it is not one."""
    arn = arns.parse_or_none(text)
    if arn is None or arn.service != "sqs" or not arn.account or not arn.resource:
        return None
    return arn.region, arn.account, arn.resource


__all__ = [
    "FIFO_SUFFIX",
    "QueueAddress",
    "check_queue_name",
    "invalid_parameter",
    "parse_queue_arn",
    "parse_queue_url",
    "queue_arn",
    "queue_url",
]
