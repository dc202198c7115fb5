"""Queue attributes: defaults, validation of the settable ones, and what GetQueueAttributes shows.

Values are kept as the strings AWS returns. Validation answers the way SQS does: an unknown
or read-only name is ``InvalidAttributeName`` ("Unknown Attribute X."), a bad value is
``InvalidAttributeValue`` ("Invalid value for the parameter X."), and a bad redrive policy is
``InvalidParameterValue`` naming the parameter and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from emulator import inbound
from emulator.errors import ServiceError
from emulator.services.sqs.characters import printable
from emulator.services.sqs.naming import invalid_parameter

INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43_200),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}
BOOLEANS = frozenset({"SqsManagedSseEnabled", "ContentBasedDeduplication", "FifoQueue"})
ENUMS: dict[str, frozenset[str]] = {
    "DeduplicationScope": frozenset({"messageGroup", "queue"}),
    "FifoThroughputLimit": frozenset({"perQueue", "perMessageGroupId"}),
}
FIFO_ONLY = frozenset({"ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"})
SETTABLE = frozenset(
    {*INTEGER_RANGES, *FIFO_ONLY, "SqsManagedSseEnabled", "Policy", "RedrivePolicy",
     "RedriveAllowPolicy", "KmsMasterKeyId"}
)
COMPUTED = (
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
)
DEFAULTS: dict[str, str] = {
    "VisibilityTimeout": "30",
    "MaximumMessageSize": "1048576",
    "MessageRetentionPeriod": "345600",
    "DelaySeconds": "0",
    "ReceiveMessageWaitTimeSeconds": "0",
    "SqsManagedSseEnabled": "true",
}
FIFO_DEFAULTS: dict[str, str] = {
    "FifoQueue": "true",
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "queue",
    "FifoThroughputLimit": "perQueue",
}
# Attributes that vanish when set to an empty string.
REMOVABLE = frozenset({"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId"})
MAX_RECEIVE_COUNT = (1, 1000)


def unknown_attribute(name: str) -> ServiceError:
    return ServiceError("InvalidAttributeName", printable(f"Unknown Attribute {name}."))


def invalid_value(name: str, reason: str = "") -> ServiceError:
    suffix = f" Reason: {reason}" if reason else ""
    return ServiceError("InvalidAttributeValue", f"Invalid value for the parameter {name}.{suffix}")


@dataclass(frozen=True)
class RedrivePolicy:
    dead_letter_target_arn: str
    max_receive_count: int

    def to_json(self) -> str:
        return json.dumps(
            {"deadLetterTargetArn": self.dead_letter_target_arn,
             "maxReceiveCount": self.max_receive_count},
            separators=(",", ":"),
        )


def parse_redrive_policy(text: str) -> RedrivePolicy:
    def bad(reason: str) -> ServiceError:
        return invalid_parameter(
            f"Value {text} for parameter RedrivePolicy is invalid. Reason: {reason}"
        )

    document = inbound.json_object(text)
    if document is None:
        raise bad("Redrive policy is not a valid JSON map.")
    target = document.get("deadLetterTargetArn")
    count = document.get("maxReceiveCount")
    if not isinstance(target, str) or not target:
        raise bad("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
    if count is None:
        raise bad("Redrive policy does not contain mandatory attribute: maxReceiveCount.")
    try:
        number = int(str(count))
    except ValueError:
        number = 0
    low, high = MAX_RECEIVE_COUNT
    if isinstance(count, bool) or not low <= number <= high:
        raise bad(
            f"Invalid value for maxReceiveCount: {count}, valid values are from {low} to {high} "
            "both inclusive."
        )
    return RedrivePolicy(target, number)


def _check_redrive_allow_policy(text: str) -> str:
    document = inbound.json_object(text)
    if document is None:
        raise invalid_value("RedriveAllowPolicy")
    permission = document.get("redrivePermission")
    sources = document.get("sourceQueueArns")
    if permission not in ("allowAll", "denyAll", "byQueue"):
        raise invalid_value("RedriveAllowPolicy")
    if permission == "byQueue":
        if not isinstance(sources, list) or not 1 <= len(sources) <= 10:
            raise invalid_value("RedriveAllowPolicy")
    elif sources is not None:
        raise invalid_value("RedriveAllowPolicy")
    return json.dumps(document, separators=(",", ":"))


def _normalise(name: str, value: str) -> str:
    if name in INTEGER_RANGES:
        low, high = INTEGER_RANGES[name]
        try:
            number = int(value.strip())
        except ValueError:
            raise invalid_value(name) from None
        if not low <= number <= high:
            raise invalid_value(name)
        return str(number)
    if name in BOOLEANS:
        lowered = value.strip().lower()
        if lowered not in ("true", "false"):
            raise invalid_value(name)
        return lowered
    if name in ENUMS:
        if value not in ENUMS[name]:
            raise invalid_value(name)
        return value
    if name == "Policy":
        try:
            document = inbound.loads(value)
        except ValueError:
            raise invalid_value(name) from None
        if not isinstance(document, dict):
            raise invalid_value(name)
        return value
    if name == "RedrivePolicy":
        return parse_redrive_policy(value).to_json()
    if name == "RedriveAllowPolicy":
        return _check_redrive_allow_policy(value)
    return value


def normalise(
    given: Mapping[str, str], *, fifo: bool, creating: bool
) -> dict[str, str | None]:
    """Checked, normalised values; None marks an attribute to remove (an empty value)."""
    result: dict[str, str | None] = {}
    for name, value in given.items():
        if name == "FifoQueue" and creating:
            continue  # decides the queue type; checked by the caller
        if name not in SETTABLE or (name in FIFO_ONLY and not fifo):
            raise unknown_attribute(name)
        if value == "" and name in REMOVABLE:
            result[name] = None
            continue
        result[name] = _normalise(name, value)
    return result


def apply(current: dict[str, str], changes: Mapping[str, str | None]) -> dict[str, str]:
    """The attributes after ``changes``, keeping the pairs AWS keeps consistent."""
    updated = dict(current)
    for name, value in changes.items():
        if value is None:
            updated.pop(name, None)
        else:
            updated[name] = value
    if "KmsMasterKeyId" in changes and changes["KmsMasterKeyId"] is not None:
        updated["SqsManagedSseEnabled"] = "false"
    elif changes.get("SqsManagedSseEnabled") == "true":
        updated.pop("KmsMasterKeyId", None)
        updated.pop("KmsDataKeyReusePeriodSeconds", None)
    if updated.get("KmsMasterKeyId") and "KmsDataKeyReusePeriodSeconds" not in updated:
        updated["KmsDataKeyReusePeriodSeconds"] = "300"
    if (
        updated.get("FifoThroughputLimit") == "perMessageGroupId"
        and updated.get("DeduplicationScope") != "messageGroup"
    ):
        raise invalid_value(
            "FifoThroughputLimit",
            "The perMessageGroupId value is allowed only when the value for "
            "DeduplicationScope is messageGroup.",
        )
    return updated


def initial(fifo: bool) -> dict[str, str]:
    return {**DEFAULTS, **(FIFO_DEFAULTS if fifo else {})}


def render(
    names: Iterable[str],
    stored: Mapping[str, str],
    computed: Callable[[], Mapping[str, Any]],
) -> dict[str, str]:
    """The attributes GetQueueAttributes answers for ``names`` ("All" means every one)."""
    wanted = list(names)
    for name in wanted:
        if name != "All" and name not in SETTABLE and name not in COMPUTED and name != "FifoQueue":
            raise unknown_attribute(name)
    if not wanted:
        return {}
    values: dict[str, str] = {}
    everything = "All" in wanted
    if everything or any(name in COMPUTED for name in wanted):
        values.update({key: str(value) for key, value in computed().items()})
    values.update(stored)
    if everything:
        return values
    return {name: values[name] for name in wanted if name in values}


__all__ = [
    "COMPUTED",
    "DEFAULTS",
    "FIFO_DEFAULTS",
    "RedrivePolicy",
    "apply",
    "initial",
    "invalid_value",
    "normalise",
    "parse_redrive_policy",
    "render",
    "unknown_attribute",
]
