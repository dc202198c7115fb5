"""What the data plane reads of the control plane: deployed stages and custom domains.

The API Gateway provider implements :class:`DeployedApis`; the data plane never sees records
or the wire layer, only these read-only views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Snapshot(Protocol):
    """A deployment's frozen copy of an API (the shapes AWS returns for each part)."""

    api: dict[str, Any]
    resources: dict[str, dict[str, Any]]
    models: dict[str, dict[str, Any]]
    validators: dict[str, dict[str, Any]]
    gateway_responses: dict[str, dict[str, Any]]
    authorizers: dict[str, dict[str, Any]]


@dataclass
class DeployedStage:
    account: str
    region: str
    api_id: str
    stage: dict[str, Any]  # the Stage shape
    deployment_id: str
    snapshot: Snapshot
    canary_deployment_id: str | None = None
    canary_snapshot: Snapshot | None = None


@dataclass
class DomainMapping:
    account: str
    region: str
    domain_name: str
    mappings: dict[str, dict[str, Any]]  # basePath ("(none)" for the root) -> mapping
    edge: bool = False  # an edge-optimized name (served through CloudFront)


@dataclass
class UsagePlanView:
    plan: dict[str, Any]  # the UsagePlan shape
    key_ids: set[str]  # the API keys in the plan


class DeployedApis(Protocol):
    def stage(self, api_id: str, stage_name: str) -> DeployedStage | None:
        """The stage as deployed, or None when the API or stage does not exist."""
        ...

    def api_exists(self, api_id: str) -> bool: ...

    def domain(self, host: str) -> DomainMapping | None:
        """The custom domain name addressed by ``host`` (without port), if any."""
        ...

    def account_throttle(self, account: str, region: str) -> tuple[float, int]:
        """The account-level (rate, burst) default."""
        ...

    def api_key(self, account: str, region: str, value: str) -> dict[str, Any] | None:
        """The ApiKey shape of the key whose value is ``value``, if any."""
        ...

    def usage_plans(self, account: str, region: str, api_id: str, stage: str
                    ) -> list[UsagePlanView]:
        """The usage plans that include the API's stage."""
        ...


__all__ = ["DeployedApis", "DeployedStage", "DomainMapping", "Snapshot", "UsagePlanView"]
