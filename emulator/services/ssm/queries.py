"""Finding parameters: GetParametersByPath and DescribeParameters, with their filters.

Filter keys, options and values follow the ParameterStringFilter reference: DescribeParameters
takes every key but Label, GetParametersByPath only Type, KeyId and Label; options are Equals
and BeginsWith (Name also Contains; Path takes OneLevel and Recursive; Label only Equals).
https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ParameterStringFilter.html
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError, validation_error
from emulator.services import paging
from emulator.services.ssm import names
from emulator.services.ssm.common import SsmBase, invalid_token
from emulator.services.ssm.models import ParameterRecord, VersionRecord

DESCRIBE_KEYS = ("Name", "Type", "KeyId", "Path", "Tier", "DataType")
BY_PATH_KEYS = ("Type", "KeyId", "Label")
CHOICES = {"Type": ("String", "StringList", "SecureString"),
           "Tier": ("Standard", "Advanced", "Intelligent-Tiering")}
# A match of one filter: does the parameter (at this version) pass?
Match = Callable[[ParameterRecord, VersionRecord], bool]


def _options(key: str, by_path: bool) -> tuple[str, ...]:
    if key == "Path":
        return ("OneLevel", "Recursive")
    if key == "Label":
        return ("Equals",)
    if key == "Name" and not by_path:
        return ("Equals", "BeginsWith", "Contains")
    return ("Equals", "BeginsWith")


def _compare(option: str, values: list[str]) -> Callable[[str | None], bool]:
    def test(text: str | None) -> bool:
        if text is None:
            return False
        if option == "BeginsWith":
            return any(text.startswith(value) for value in values)
        if option == "Contains":
            return any(value in text for value in values)
        return text in values
    return test


def _match(given: dict[str, Any], by_path: bool) -> Match:
    key = str(given.get("Key", ""))
    allowed = BY_PATH_KEYS if by_path else DESCRIBE_KEYS
    if key not in allowed and (by_path or not key.startswith("tag:")):
        raise ServiceError("InvalidFilterKey", f"The following filter key is not valid: {key}. "
                           f"Valid filter keys include: [{', '.join(allowed)}].")
    options = _options(key, by_path)
    option = str(given.get("Option") or options[0])
    if option not in options:
        raise ServiceError("InvalidFilterOption", f"The following filter option is not valid: "
                           f"{option}. Valid options include: [{', '.join(options)}].")
    values = [str(value) for value in given.get("Values") or []]
    for value in values:
        if key in CHOICES and value not in CHOICES[key]:
            raise ServiceError("InvalidFilterValue", f"The following filter value is not "
                               f"valid: {value}. Valid values include: "
                               f"[{', '.join(CHOICES[key])}].")
    if key == "Path":
        paths = [names.check_path(value) for value in values or ["/"]]
        return lambda record, _v: any(names.in_path(record.name, path, option == "Recursive")
                                      for path in paths)
    if key.startswith("tag:"):
        tag = key[4:]
        return lambda record, _v: tag in record.tags and (
            not values or record.tags[tag] in values)
    if key == "Label":
        return lambda _r, version: any(label in version.labels for label in values)
    test = _compare(option, values)
    fields: dict[str, Callable[[ParameterRecord, VersionRecord], str | None]] = {
        "Name": lambda record, _v: record.name, "Type": lambda _r, v: v.type,
        "KeyId": lambda _r, v: v.key_id, "Tier": lambda _r, v: v.tier,
        "DataType": lambda _r, v: v.data_type}
    read = fields[key]
    return lambda record, version: test(read(record, version))


def _legacy(given: dict[str, Any]) -> Match:
    """DescribeParameters' older Filters: Name, Type or KeyId equal to one of the values."""
    key = str(given.get("Key", ""))
    if key not in ("Name", "Type", "KeyId"):
        raise ServiceError("InvalidFilterKey", f"The following filter key is not valid: {key}. "
                           "Valid filter keys include: [Name, Type, KeyId].")
    return _match({"Key": key, "Option": "Equals", "Values": given.get("Values")}, False)


def _version(record: ParameterRecord, matches: list[Match], by_label: bool
             ) -> VersionRecord | None:
    """The version a listing shows, if it passes every filter: the latest, or with a Label
    filter the version that holds the label."""
    candidates = list(reversed(record.versions)) if by_label else [record.latest]
    return next((v for v in candidates if all(m(record, v) for m in matches)), None)


class QueriesApi(SsmBase):
    def _find(self, ctx: RequestContext, matches: list[Match], by_label: bool = False
              ) -> list[tuple[ParameterRecord, VersionRecord]]:
        found = []
        for record in sorted(self.parameters(ctx).values(), key=lambda r: r.name):
            version = _version(record, matches, by_label)
            if version is not None:
                found.append((record, version))
        return found

    def get_parameters_by_path(self, ctx: RequestContext, *, path: str,
                               recursive: bool | None = None,
                               parameter_filters: list[dict[str, Any]] | None = None,
                               with_decryption: bool | None = None,
                               max_results: int | None = None, next_token: str | None = None,
                               **_: Any) -> dict[str, Any]:
        names.check_path(path)
        matches = [_match(given, True) for given in parameter_filters or []]
        matches.append(lambda record, _v: names.in_path(record.name, path, bool(recursive)))
        by_label = any(given.get("Key") == "Label" for given in parameter_filters or [])
        chunk, token = paging.page(self._find(ctx, matches, by_label), next_token,
                                   max_results or 10, tokens=paging.BASE64,
                                   invalid=lambda _: invalid_token())
        result: dict[str, Any] = {"Parameters": [
            self.parameter_shape(ctx, record, version, with_decryption)
            for record, version in chunk]}
        if token:
            result["NextToken"] = token
        return result

    def describe_parameters(self, ctx: RequestContext, *,
                            filters: list[dict[str, Any]] | None = None,
                            parameter_filters: list[dict[str, Any]] | None = None,
                            max_results: int | None = None, next_token: str | None = None,
                            **_: Any) -> dict[str, Any]:
        if filters and parameter_filters:
            raise validation_error("You can use either Filters or ParameterFilters in a single "
                                   "request.")
        matches = [_legacy(given) for given in filters or []] + [
            _match(given, False) for given in parameter_filters or []]
        chunk, token = paging.page(self._find(ctx, matches), next_token, max_results or 10,
                                   tokens=paging.BASE64, invalid=lambda _: invalid_token())
        result: dict[str, Any] = {"Parameters": [
            self.metadata_shape(ctx, record, version) for record, version in chunk]}
        if token:
            result["NextToken"] = token
        return result


__all__ = ["QueriesApi"]
