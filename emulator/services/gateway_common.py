"""What the API Gateway providers, REST APIs (apigateway) and HTTP and WebSocket APIs
(apigatewayv2), share: their BadRequestException, stage records, dropping unset members,
and finding the account and region an API lives in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from emulator.errors import ServiceError
from emulator.store import Record

if TYPE_CHECKING:
    from emulator.store import ServiceStore

R = TypeVar("R", bound="Record")


def bad_request(message: str) -> ServiceError:
    return ServiceError("BadRequestException", message)


STAGES = "stages"  # each API service's table of stages, keyed by child_key


class StageRecord(Record):
    """A stage of a REST, HTTP or WebSocket API, in its API's own Stage shape."""

    api_id: str
    stage: dict[str, Any]  # the Stage shape


def child_key(api_id: str, child: str) -> str:
    """The key of an API's stage or deployment in its table: ``{apiId}/{name or id}``."""
    return f"{api_id}/{child}"


def without_none(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if value is not None}


# Unknown API ids remembered at most (a client trying many ids cannot grow the set for ever).
MISSING_KEPT = 1024


class ApiHomes(Generic[R]):
    """The (account, region) of each API id, for the data planes, which are reached by API id
    alone; remembered once found, and checked again on each use."""

    def __init__(self, store: ServiceStore, table: str, record_type: type[R]) -> None:
        self._store = store
        self._table = table
        self._record_type = record_type
        self._homes: dict[str, tuple[str, str]] = {}
        # Ids found nowhere, valid while the store is unchanged: each REST API request asks
        # the HTTP API data plane first, which would otherwise search every scope for it.
        self._missing: set[str] = set()
        self._missing_at = -1

    def find(self, api_id: str) -> tuple[str, str] | None:
        store = self._store
        home = self._homes.get(api_id)
        if home is not None and api_id in store.table(*home, self._table, self._record_type):
            return home
        changes = store.changes  # read first: an API created during the scan is no miss
        if self._missing_at == changes and api_id in self._missing:
            return None
        for account, region in store.scopes(self._table):
            if api_id in store.table(account, region, self._table, self._record_type):
                self._homes[api_id] = (account, region)
                return account, region
        if self._missing_at != changes:
            self._missing.clear()
            self._missing_at = changes
        if len(self._missing) < MISSING_KEPT:
            self._missing.add(api_id)
        return None

    def stage(self, api_id: str, stage_name: str
              ) -> tuple[tuple[str, str], StageRecord] | None:
        """Where ``api_id`` lives and its stage ``stage_name`` (stages are in the API's
        service's ``stages`` table under :func:`child_key`), or None for either unknown."""
        home = self.find(api_id)
        if home is None:
            return None
        stage = self._store.table(*home, STAGES, StageRecord).get(child_key(api_id, stage_name))
        return None if stage is None else (home, stage)


__all__ = ["STAGES", "ApiHomes", "StageRecord", "bad_request", "child_key", "without_none"]
