"""Lazy access to botocore's service models, and the data overlays that correct them.

Models load per service on first use, so start-up reads nothing but a small index.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

import botocore
import botocore.session
from botocore.model import OperationModel, ServiceModel


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def overlay(service: str) -> dict[str, Any]:
    """The data overlay for ``service`` (empty when AWS matches its model)."""
    path = resources.files("emulator.wire") / "overlays" / f"{service}.json"
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@cache
def service_index() -> dict[str, dict[str, Any]]:
    """Signing names and X-Amz-Target prefixes mapped to botocore service names."""
    return overlay("service_index")


def build_service_index() -> dict[str, dict[str, Any]]:
    """The index ``service_index()`` reads, made from the installed botocore's models:
    ``signing`` (SigV4 signing name -> services) and ``target`` (X-Amz-Target prefix ->
    service), and the botocore version it was made from. ``scripts/gen_service_index.py``
    writes it to the overlay."""
    loader = _session().get_component("data_loader")
    signing: dict[str, list[str]] = {}
    targets: dict[str, str] = {}
    for name in sorted(loader.list_available_services("service-2")):
        meta = loader.load_service_model(name, "service-2")["metadata"]
        sign = meta.get("signingName") or meta.get("endpointPrefix") or name
        signing.setdefault(sign, []).append(name)
        if "targetPrefix" in meta:
            targets[meta["targetPrefix"]] = name
    return {"botocore": botocore.__version__, "signing": signing, "target": targets}


@cache
def available_services() -> frozenset[str]:
    loader = _session().get_component("data_loader")
    return frozenset(loader.list_available_services("service-2"))


@cache
def service_model(service: str) -> ServiceModel:
    """The botocore model of ``service``; raises KeyError when botocore has none."""
    if service not in available_services():
        raise KeyError(service)
    return _session().get_service_model(service)


@cache
def query_model(service: str) -> ServiceModel:
    """The model used for the query protocol.

    Services that moved from query to json (SQS) keep their old query traits in an overlay;
    they are merged into a copy of the current model here.
    """
    model = service_model(service)
    patch = overlay(service).get("query")
    if model.protocol == "query":
        return model
    if not patch:
        return _speaking(model, "query")
    description = copy.deepcopy(model._service_description)
    description["metadata"]["protocol"] = "query"
    description["metadata"]["xmlNamespace"] = patch["xmlNamespace"]
    for name, traits in patch["shapes"].items():
        shape = description["shapes"].get(name)
        if shape is None:
            continue
        for key in ("locationName", "flattened"):
            if key in traits:
                shape[key] = traits[key]
        for member_name, member_traits in traits.get("members", {}).items():
            if member_name in shape.get("members", {}):
                shape["members"][member_name].update(member_traits)
        for part in ("member", "key", "value"):
            if part in traits and part in shape:
                shape[part].update(traits[part])
    for name, op_traits in patch["operations"].items():
        if name in description["operations"]:
            description["operations"][name]["output"].update(op_traits)
    return ServiceModel(description, service_name=service)


@cache
def protocol_model(service: str, protocol: str) -> ServiceModel:
    """The model as a client speaking ``protocol`` reads it: the query model for query, else
    the model with that protocol as its own (services listing several keep one shape set)."""
    if protocol == "query":
        return query_model(service)
    return _speaking(service_model(service), protocol)


def _speaking(model: ServiceModel, protocol: str) -> ServiceModel:
    if model.protocol == protocol:
        return model
    description = dict(model._service_description)
    description["metadata"] = {**description["metadata"], "protocol": protocol}
    return ServiceModel(description, service_name=model.service_name)


def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)


def protocols(service: str) -> tuple[str, ...]:
    """The wire protocols a service answers: every one its model lists (the first is the
    model's own), plus query where an overlay has it."""
    model = service_model(service)
    found = list(model.metadata.get("protocols") or [model.protocol])
    if "query" in overlay(service) and "query" not in found:
        found.append("query")
    return tuple(found)


def error_traits(service: str, shape_name: str) -> dict[str, Any]:
    """The ``error`` trait of an error shape: code, httpStatusCode, senderFault."""
    extra = overlay(service).get("errors", {}).get(shape_name)
    if extra is not None:
        return dict(extra)
    model = service_model(service)
    try:
        shape = model.shape_for(shape_name)
    except Exception:
        return {}
    traits: dict[str, Any] = dict(shape.metadata.get("error", {}))
    return traits


@cache
def error_shape_names(service: str) -> dict[str, str]:
    """Every error shape of ``service``, keyed by its shape name and by its wire code."""
    model = service_model(service)
    names: dict[str, str] = {}
    for shape in model.error_shapes:
        names[shape.name] = shape.name
        code = error_traits(service, shape.name).get("code")
        if code:
            names[code] = shape.name
    return names


__all__ = [
    "available_services",
    "error_shape_names",
    "error_traits",
    "operation_model",
    "overlay",
    "protocol_model",
    "protocols",
    "query_model",
    "service_index",
    "service_model",
]
