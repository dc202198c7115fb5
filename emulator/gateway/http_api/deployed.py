"""What the HTTP API data plane reads of the control plane: deployed stages and custom domain
names. The apigatewayv2 provider implements :class:`DeployedHttpApis`; the data plane never
sees records or the wire layer, only these read-only views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class HttpSnapshot(Protocol):
    """A deployment's frozen copy of an API (the shapes AWS returns for each part)."""

    api: dict[str, Any]
    routes: dict[str, dict[str, Any]]
    integrations: dict[str, dict[str, Any]]
    authorizers: dict[str, dict[str, Any]]


@dataclass
class DeployedHttpStage:
    account: str
    region: str
    api_id: str
    stage: dict[str, Any]  # the Stage shape
    deployment_id: str
    snapshot: HttpSnapshot


@dataclass
class ApiMapping:
    """One API mapping of a custom domain name."""

    account: str
    region: str
    api_id: str
    stage: str
    key: str  # "" for the root, else "orders" or "orders/v1"


class DeployedHttpApis(Protocol):
    def api_exists(self, api_id: str) -> bool: ...

    def stage(self, api_id: str, stage_name: str) -> DeployedHttpStage | None:
        """The stage as deployed, or None when the API, the stage or its deployment is
        missing."""
        ...

    def mappings(self, host: str) -> list[ApiMapping] | None:
        """The API mappings of the custom domain ``host`` (without port), None when no
        such domain name exists."""
        ...


__all__ = ["ApiMapping", "DeployedHttpApis", "DeployedHttpStage", "HttpSnapshot"]
