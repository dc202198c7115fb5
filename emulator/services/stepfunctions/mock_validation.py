"""TestState's ``mock.fieldValidationMode``: a mocked result checked against the API's response.

STRICT (the default) wants every required member and the right type for each member given;
PRESENT checks only the members given; NONE checks nothing. Members the API does not model are
ignored in every mode, as on AWS. ``.sync`` integrations are checked against the response of
the API Step Functions polls (DescribeExecution for ``states:startExecution.sync``). The HTTP
Task and API Gateway are not checked.
"""

from __future__ import annotations

from typing import Any

from botocore.model import Shape, StructureShape

from emulator.asl.integrations import catalog
from emulator.asl.resources import Resource
from emulator.errors import ServiceError
from emulator.wire import specs

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "long": (int,), "float": (int, float),
    "double": (int, float), "boolean": (bool,), "timestamp": (str, int, float),
    "list": (list,), "map": (dict,), "structure": (dict,),
}


def _problems(shape: Shape, given: Any, path: str, strict: bool, out: list[str]) -> None:
    kind = shape.type_name
    value: Any = given
    if kind == "blob" or (kind == "structure" and getattr(shape, "is_document_type", False)):
        return  # any JSON value (Lambda's Payload arrives as JSON)
    allowed = _TYPES.get(kind, (object,))
    if not isinstance(given, allowed) or (kind in ("integer", "long", "float", "double")
                                          and isinstance(given, bool)):
        out.append(f"{path or 'the result'} must be a {kind}")
        return
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        given = {str(key).lower(): key for key in value}
        for name, member in shape.members.items():
            key = given.get(name.lower())
            if key is None:
                if strict and name in shape.required_members:
                    out.append(f"{path + '.' if path else ''}{name[:1].upper()}{name[1:]} is "
                               "required")
                continue
            if value[key] is not None:
                _problems(member, value[key], f"{path + '.' if path else ''}{key}", strict, out)
    elif kind == "list":
        for index, item in enumerate(value):
            _problems(shape.member, item, f"{path}[{index}]", strict, out)
    elif kind == "map":
        for key, item in value.items():
            _problems(shape.value, item, f"{path}.{key}", strict, out)


def _operation(resource: Resource) -> tuple[str, str] | None:
    if resource.kind == "sdk":
        return catalog.sdk_operation(resource.service, resource.action)
    if resource.kind == "service" and resource.service not in ("http", "apigateway"):
        return catalog.optimized_operation(resource.service, resource.action, resource.pattern)
    return None


def check_mock_result(resource: Resource, result: Any, mode: str) -> None:
    """Raise ValidationException when ``result`` cannot be the API's response."""
    if mode == "NONE" or resource.callback:
        return
    found = _operation(resource)
    if found is None:
        return
    shape = specs.operation_model(*found).output_shape
    if shape is None:
        return
    problems: list[str] = []
    _problems(shape, result, "", mode != "PRESENT", problems)
    if problems:
        raise ServiceError(
            "ValidationException",
            f"The mocked result does not match the {found[0]} {found[1]} response: "
            + "; ".join(problems[:5]),
        )


__all__ = ["check_mock_result"]
