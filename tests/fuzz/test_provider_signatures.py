"""Every implemented operation accepts what its botocore model allows: each member the model
marks optional may be left out (the provider's parameter has a default) and each member the
model declares may be given (a parameter of that name, or ``**kwargs``). The operations are
found from the registry, so a new service is checked with no edit here.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from botocore import xform_name
from fuzz_catalog import implemented

from emulator.wire import specs

CASES = [pytest.param(service, name, method, id=f"{service}.{name}")
         for service, name, method in implemented()]


def test_the_registry_offers_operations_to_check() -> None:
    assert len(CASES) > 400


@pytest.mark.parametrize(("service", "name", "method"), CASES)
def test_optional_members_are_optional_and_every_member_is_accepted(
        service: str, name: str, method: Any) -> None:
    shape = specs.service_model(service).operation_model(name).input_shape
    members = dict(shape.members) if shape is not None else {}
    required = set(shape.required_members) if shape is not None else set()
    parameters = dict(inspect.signature(method).parameters)
    parameters.pop("self", None)
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    problems = []
    for member in members:
        parameter = parameters.get(xform_name(member))
        if parameter is None:
            if not takes_any:
                problems.append(f"{member} is not accepted")
        elif member not in required and parameter.default is inspect.Parameter.empty:
            problems.append(f"{member} is optional in the model but required by the method")
    # Besides the request context, nothing may be demanded that the model does not declare.
    names = {xform_name(member) for member in members}
    for index, (parameter_name, parameter) in enumerate(parameters.items()):
        demanded = (parameter.default is inspect.Parameter.empty and parameter.kind not in (
            inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL))
        if index > 0 and demanded and parameter_name not in names:
            problems.append(f"{parameter_name} is demanded but is no member of the input")
    assert not problems, problems
