"""The stored records of API Gateway HTTP APIs (apigatewayv2).

Each record keeps its resource in AWS's own output shape (the model's member names: ``ApiId``,
``RouteKey``...), so answers are the stored dict. An API record holds its whole editable tree
(routes, integrations, authorizers, models); a deployment copies that tree, which is why
changes reach a stage only when it is deployed again (or at once, with auto-deploy).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.services.gateway_common import STAGES, StageRecord, child_key
from emulator.store import Record

APIS = "apis"  # key: api id
DEPLOYMENTS = "deployments"  # key: "apiId/deploymentId"
DOMAINS = "domainnames"  # key: domain name (lower case)


class ApiRecord(Record):
    api: dict[str, Any]  # the Api shape
    routes: dict[str, dict[str, Any]] = Field(default_factory=dict)  # id -> Route
    integrations: dict[str, dict[str, Any]] = Field(default_factory=dict)  # id -> Integration
    authorizers: dict[str, dict[str, Any]] = Field(default_factory=dict)  # id -> Authorizer
    models: dict[str, dict[str, Any]] = Field(default_factory=dict)  # id -> Model
    route_responses: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    integration_responses: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


class Snapshot(Record):
    """What a deployment freezes: everything the data plane reads of an API."""

    api: dict[str, Any]
    routes: dict[str, dict[str, Any]] = Field(default_factory=dict)
    integrations: dict[str, dict[str, Any]] = Field(default_factory=dict)
    authorizers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    models: dict[str, dict[str, Any]] = Field(default_factory=dict)  # WebSocket validation
    # WebSocket APIs answer messages through these
    route_responses: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    integration_responses: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)


class DeploymentRecord(Record):
    api_id: str
    deployment: dict[str, Any]  # the Deployment shape
    snapshot: Snapshot


class DomainNameRecord(Record):
    domain: dict[str, Any]  # the DomainName shape
    mappings: dict[str, dict[str, Any]] = Field(default_factory=dict)  # id -> ApiMapping


__all__ = [
    "APIS",
    "DEPLOYMENTS",
    "DOMAINS",
    "STAGES",
    "ApiRecord",
    "DeploymentRecord",
    "DomainNameRecord",
    "Snapshot",
    "StageRecord",
    "child_key",
]
