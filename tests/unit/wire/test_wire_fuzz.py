"""Bad input never reaches a 500: requests shaped like an operation's input but with values of
any JSON type (or any text, for the query protocol) go through the dispatcher with no
provider behind it, so only the wire layer answers: a 4xx, or 501 once the input is valid.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import pytest
from botocore.model import Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wire_oracle import authorization, model_for, parser, response_dict, signing_name
from wire_strategies import BODY_TEXT, JSON_VALUES

from emulator.config import Settings
from emulator.context import RequestContext
from emulator.services import operations
from emulator.services.base import Provider
from emulator.wire import specs
from emulator.wire.dispatch import Dispatcher
from emulator.wire.request import WireRequest

SERVICES = ("lambda", "apigateway", "stepfunctions", "sns", "sqs")
OPERATIONS_PER_SERVICE = 12


class NoProviders:
    """A registry that implements nothing, so every valid request ends in 501."""

    names: list[str] = []

    def get(self, service: str) -> Provider | None:
        return None

    async def ensure_started(self, service: str, provider: Provider) -> None:
        return None

    async def call(self, ctx: RequestContext, service: str, operation: str,
                   params: Mapping[str, Any]) -> dict[str, Any]:
        """The registry's call, with no provider to answer once the input is checked."""
        return await operations.call(self, ctx, service, operation, params)


DISPATCHER = Dispatcher(Settings(request_log=False), NoProviders())


def loose(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values laid out like ``shape`` whose leaves may be of any JSON type."""
    if depth > 3:
        return JSON_VALUES
    if isinstance(shape, StructureShape) and not shape.is_document_type:
        members = {
            member.serialization.get("name", name): loose(member, depth + 1)
            for name, member in shape.members.items()
            if not member.serialization.get("location")
        }
        return JSON_VALUES | st.fixed_dictionaries({}, optional=members)
    if shape.type_name == "list":
        return JSON_VALUES | st.lists(loose(shape.member, depth + 1), max_size=2)
    if shape.type_name == "map":
        return JSON_VALUES | st.dictionaries(st.text(max_size=3), loose(shape.value, depth + 1),
                                             max_size=2)
    return JSON_VALUES


def _cases() -> list[Any]:
    cases = []
    for service in SERVICES:
        for protocol in specs.protocols(service):
            names = sorted(model_for(service, protocol).operation_names)
            step = max(1, len(names) // OPERATIONS_PER_SERVICE)
            for name in names[::step][:OPERATIONS_PER_SERVICE]:
                cases.append(pytest.param(service, protocol, name,
                                          id=f"{service}-{protocol}-{name}"))
    return cases


def _request(service: str, protocol: str, name: str, document: Any,
             form: dict[str, str]) -> WireRequest:
    model = model_for(service, protocol)
    operation = model.operation_model(name)
    headers = {"host": "localhost:4566", "authorization": authorization(signing_name(model))}
    if protocol == "query":
        fields = {"Action": name, "Version": model.metadata["apiVersion"], **form}
        headers["content-type"] = "application/x-www-form-urlencoded; charset=utf-8"
        return WireRequest("POST", "/", "", headers, urlencode(fields).encode())
    body = json.dumps(document).encode()
    if protocol == "json":
        headers["x-amz-target"] = f"{model.metadata['targetPrefix']}.{name}"
        headers["content-type"] = f"application/x-amz-json-{model.metadata['jsonVersion']}"
        return WireRequest("POST", "/", "", headers, body)
    # rest-json: fill every URI label with the same word so the path routes.
    path = operation.http["requestUri"].split("?")[0]
    for label in ("{" + part.split("}")[0] + "}" for part in path.split("{")[1:]):
        path = path.replace(label, "x")
    query = operation.http["requestUri"].partition("?")[2]
    headers["content-type"] = "application/json"
    return WireRequest(operation.http["method"], path, query, headers, body)


@pytest.mark.parametrize(("service", "protocol", "name"), _cases())
def test_bad_values_get_an_aws_error_never_a_500(service: str, protocol: str, name: str) -> None:
    operation = model_for(service, protocol).operation_model(name)
    shape = operation.input_shape
    documents = loose(shape) if shape is not None else JSON_VALUES
    keys = st.sampled_from(sorted(shape.members) if shape is not None and shape.members else ["X"])
    forms = st.dictionaries(
        keys.flatmap(lambda key: st.sampled_from([key, f"{key}.1", f"{key}.member.1",
                                                  f"{key}.entry.1.key", f"{key}.1.Name"])),
        st.text(alphabet=BODY_TEXT, max_size=6), max_size=4,
    )

    @settings(max_examples=6, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(documents, forms)
    def run(document: Any, form: dict[str, str]) -> None:
        request = _request(service, protocol, name, document, form)
        outcome = asyncio.run(DISPATCHER.handle(request))
        response = outcome.response
        assert response.status < 500 or response.status == 501, response.body
        assert response.headers["x-amzn-RequestId"]
        parsed = parser(protocol).parse(response_dict(response), operation.output_shape)
        if response.status >= 400:
            assert parsed["Error"]["Code"], response.body
            assert outcome.operation == name

    run()
