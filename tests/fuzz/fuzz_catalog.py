"""Every operation the emulator implements, found from the registry and botocore's models, so
a new service is fuzzed and checked with no edit to this suite."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from functools import cache
from typing import Any

from botocore import xform_name
from botocore.model import OperationModel

from emulator.services.registry import PROVIDERS
from emulator.wire import specs


@cache
def provider_class(service: str) -> Any:
    module_name, class_name = PROVIDERS[service].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def implemented() -> Iterator[tuple[str, str, Any]]:
    """(service, operation, provider method) for every operation a provider implements."""
    for service in sorted(PROVIDERS):
        model = specs.service_model(service)
        for name in sorted(model.operation_names):
            method = getattr(provider_class(service), xform_name(name), None)
            if callable(method):
                yield service, name, method


def operation_model(service: str, name: str, protocol: str | None = None) -> OperationModel:
    model = (specs.query_model(service) if protocol == "query" and service == "sqs"
             else specs.service_model(service))
    return model.operation_model(name)


def streaming(operation: OperationModel) -> bool:
    return bool(operation.has_event_stream_output or operation.has_event_stream_input)
