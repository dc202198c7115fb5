"""Parameter names, hierarchies, selectors and labels, checked as Parameter Store checks them.

https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html
https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-labels.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from emulator import arns
from emulator.errors import ServiceError, validation_error

MAX_NAME = 1011  # counted with the ARN's prefix, as AWS counts it
MAX_LEVELS = 15
MAX_LABEL = 100
_NAME = re.compile(r"^[a-zA-Z0-9_.\-/]+$")
_LABEL = re.compile(r"^[a-zA-Z0-9_.\-]+$")
_RESERVED = ("aws", "ssm")
_PARAMETER_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]*:\d{12}:parameter(?P<name>/.*)$")

INVALID_NAME = (
    'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as '
    "a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed "
    "as a mix of letters, numbers and the following 3 symbols .-_"
)


def levels(name: str) -> int:
    """How deep in the hierarchy ``name`` (or a path) stands: ``/a/b`` is two levels."""
    return len([part for part in name.split("/") if part])


def arn(region: str, account: str, name: str) -> str:
    """``arn:aws:ssm:{region}:{account}:parameter/{name}`` (one slash, with or without a
    hierarchy)."""
    return arns.build("ssm", region, account, "parameter/" + name.lstrip("/"))


def check_name(name: str, region: str, account: str) -> str:
    """The name to store, or the error PutParameter answers for it."""
    name = name.strip()
    if not name or not _NAME.match(name) or "//" in name or name.lstrip("/").lower().startswith(
            _RESERVED):
        raise validation_error(INVALID_NAME)
    if "/" in name and not name.startswith("/"):
        raise validation_error("Parameter name must be a fully qualified name.")
    if len(arn(region, account, name)) > MAX_NAME:
        raise validation_error(
            f"Parameter name: {name} exceeds the maximum length of {MAX_NAME} characters, "
            "counted with the parameter's ARN.")
    if levels(name) > MAX_LEVELS:
        raise ServiceError(
            "HierarchyLevelLimitExceededException",
            f"A hierarchy can have a maximum of {MAX_LEVELS} levels. For more information, see "
            "Requirements and constraints for parameter names in the AWS Systems Manager User "
            "Guide.")
    return name


def check_path(path: str) -> str:
    """A GetParametersByPath path: it starts with a slash and names at most 15 levels."""
    if not path.startswith("/") or not _NAME.match(path) or "//" in path:
        raise validation_error(
            "The parameter doesn't meet the parameter name requirements. The parameter name "
            'must begin with a forward slash "/". It must use only letters, numbers, or the '
            "following symbols: . (period), - (hyphen), _ (underscore).")
    if levels(path) > MAX_LEVELS:
        raise validation_error(f"The path {path} has more than {MAX_LEVELS} levels.")
    return path


def in_path(name: str, path: str, recursive: bool) -> bool:
    """Whether ``name`` stands under ``path``: directly below it, or anywhere below it when
    ``recursive``. A name without a leading slash stands at the root."""
    full = name if name.startswith("/") else "/" + name
    prefix = path.rstrip("/") + "/"
    if not full.startswith(prefix):
        return False
    return recursive or "/" not in full[len(prefix):]


@dataclass(frozen=True)
class Selected:
    """A name as GetParameter reads it: ``name``, ``name:3`` or ``name:label``."""

    name: str
    version: int | None = None
    label: str | None = None

    @property
    def selector(self) -> str | None:
        if self.version is not None:
            return f":{self.version}"
        return f":{self.label}" if self.label is not None else None


def select(text: str) -> Selected:
    """The parameter, version or label ``text`` names (an ARN is read as its name)."""
    text = text.strip()
    found = _PARAMETER_ARN.match(text)
    if found is not None:
        text = found["name"] if found["name"].count("/") > 1 else found["name"][1:]
    name, colon, selector = text.rpartition(":")
    if not colon:
        return Selected(text)
    if selector.isdigit():
        return Selected(name, version=int(selector))
    return Selected(name, label=selector)


def valid_label(label: str) -> bool:
    """Labels: at most 100 letters, digits, ``.``, ``-`` and ``_``, not starting with a digit
    or with ``aws`` or ``ssm`` in any case."""
    return (0 < len(label) <= MAX_LABEL and bool(_LABEL.match(label))
            and not label[0].isdigit() and not label.lower().startswith(_RESERVED))


__all__ = ["INVALID_NAME", "MAX_LEVELS", "Selected", "arn", "check_name", "check_path",
           "in_path", "levels", "select", "valid_label"]
