"""The stored records of API Gateway (REST APIs).

Each record keeps its resource in AWS's own output shape (camelCase members, timestamps as
epoch seconds), so answers are the stored dict and patch paths address it directly. A REST API
record holds its whole editable tree (resources with methods and integrations, models,
validators, gateway responses, authorizers); a deployment copies that tree, which is why
changes reach a stage only when it is redeployed.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.services.gateway_common import STAGES, StageRecord, child_key
from emulator.store import Record

APIS = "restapis"  # key: api id
DEPLOYMENTS = "deployments"  # key: "apiId/deploymentId"
API_KEYS = "apikeys"  # key: key id
USAGE_PLANS = "usageplans"  # key: plan id
DOMAINS = "domainnames"  # key: domain name
ACCOUNT = "account"  # key: "account"
CLIENT_CERTS = "clientcerts"  # key: certificate id


class RestApiRecord(Record):
    api: dict[str, Any]  # the RestApi shape
    resources: dict[str, dict[str, Any]] = Field(default_factory=dict)  # id -> Resource shape
    models: dict[str, dict[str, Any]] = Field(default_factory=dict)  # name -> Model shape
    validators: dict[str, dict[str, Any]] = Field(default_factory=dict)  # id -> validator
    gateway_responses: dict[str, dict[str, Any]] = Field(default_factory=dict)  # type -> shape
    authorizers: dict[str, dict[str, Any]] = Field(default_factory=dict)  # id -> Authorizer
    documentation_versions: dict[str, dict[str, Any]] = Field(default_factory=dict)
    documentation_parts: dict[str, dict[str, Any]] = Field(default_factory=dict)  # id -> part


class Snapshot(Record):
    """What a deployment freezes: everything the data plane reads of an API."""

    api: dict[str, Any]
    resources: dict[str, dict[str, Any]] = Field(default_factory=dict)
    models: dict[str, dict[str, Any]] = Field(default_factory=dict)
    validators: dict[str, dict[str, Any]] = Field(default_factory=dict)
    gateway_responses: dict[str, dict[str, Any]] = Field(default_factory=dict)
    authorizers: dict[str, dict[str, Any]] = Field(default_factory=dict)


class DeploymentRecord(Record):
    api_id: str
    deployment: dict[str, Any]  # the Deployment shape
    snapshot: Snapshot


class ApiKeyRecord(Record):
    key: dict[str, Any]  # the ApiKey shape (with its value)


class UsagePlanRecord(Record):
    plan: dict[str, Any]  # the UsagePlan shape
    keys: dict[str, dict[str, Any]] = Field(default_factory=dict)  # key id -> UsagePlanKey


class DomainNameRecord(Record):
    domain: dict[str, Any]  # the DomainName shape
    mappings: dict[str, dict[str, Any]] = Field(default_factory=dict)  # basePath -> mapping


class AccountRecord(Record):
    account: dict[str, Any]


class ClientCertificateRecord(Record):
    certificate: dict[str, Any]


__all__ = [
    "ACCOUNT",
    "APIS",
    "API_KEYS",
    "CLIENT_CERTS",
    "DEPLOYMENTS",
    "DOMAINS",
    "STAGES",
    "USAGE_PLANS",
    "AccountRecord",
    "ApiKeyRecord",
    "ClientCertificateRecord",
    "DeploymentRecord",
    "DomainNameRecord",
    "RestApiRecord",
    "Snapshot",
    "StageRecord",
    "UsagePlanRecord",
    "child_key",
]
