"""What the WebSocket API data plane reads of the control plane: deployed stages. The
apigatewayv2 provider implements :class:`DeployedWebSocketApis`; the data plane sees only
these read-only views, never records or the wire layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class WebSocketSnapshot(Protocol):
    """A deployment's frozen copy of an API (the shapes AWS returns for each part)."""

    api: dict[str, Any]
    routes: dict[str, dict[str, Any]]
    integrations: dict[str, dict[str, Any]]
    authorizers: dict[str, dict[str, Any]]
    models: dict[str, dict[str, Any]]  # id -> Model
    route_responses: dict[str, dict[str, dict[str, Any]]]  # route id -> id -> RouteResponse
    integration_responses: dict[str, dict[str, dict[str, Any]]]


@dataclass
class DeployedWebSocketStage:
    account: str
    region: str
    api_id: str
    stage: dict[str, Any]  # the Stage shape
    deployment_id: str
    snapshot: WebSocketSnapshot

    @property
    def stage_name(self) -> str:
        return str(self.stage["StageName"])

    @property
    def stage_variables(self) -> dict[str, str]:
        return dict(self.stage.get("StageVariables") or {})

    def route(self, key: str) -> dict[str, Any] | None:
        for route in self.snapshot.routes.values():
            if route.get("RouteKey") == key:
                return route
        return None


class DeployedWebSocketApis(Protocol):
    def knows(self, api_id: str) -> bool:
        """Whether ``api_id`` is a WebSocket API."""
        ...

    def stage(self, api_id: str, stage_name: str) -> DeployedWebSocketStage | None:
        """The stage as deployed, or None when the API, the stage or its deployment is
        missing."""
        ...


__all__ = ["DeployedWebSocketApis", "DeployedWebSocketStage", "WebSocketSnapshot"]
