"""What every service provider shares: the settings, the clock, its own store, the ports, and
the helpers every part of a provider uses (tables, the common errors).

A service's parts subclass the service's base class (``services/<name>/common.py``), which
subclasses :class:`Provider` and declares, with real bodies, everything the parts need of one
another; the provider class lists the parts. See docs/adding-a-service.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, overload

from emulator import errors
from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.ports import Ports

if TYPE_CHECKING:
    from pathlib import Path

    from emulator.store import Record, ServiceStore, Table

R = TypeVar("R", bound="Record")
T = TypeVar("T")


class TableOf(Generic[R]):
    """A table declared on a service's base class: ``apis = TableOf(APIS, RestApiRecord)``
    makes ``self.apis(ctx)``, or ``self.apis(account, region)``, that account and region's
    table of RestApiRecords. A global service gives the one ``region`` its tables live in:
    then ``self.distributions(ctx)`` or ``self.distributions(account)`` is the account's
    table, whatever region the request names."""

    def __init__(self, name: str, record_type: type[R], *, region: str = "") -> None:
        self.name = name
        self.record_type = record_type
        self.region = region

    @overload
    def __get__(self, holder: None, owner: type[Any]) -> TableOf[R]: ...

    @overload
    def __get__(self, holder: Provider, owner: type[Any]) -> ScopedTable[R]: ...

    @overload
    def __get__(self, holder: ScopeTables, owner: type[Any]) -> Table[R]: ...

    def __get__(self, holder: Provider | ScopeTables | None, owner: type[Any]
                ) -> TableOf[R] | ScopedTable[R] | Table[R]:
        if holder is None:
            return self
        if isinstance(holder, ScopeTables):
            return holder.store.table(holder.account, self.region or holder.region,
                                      self.name, self.record_type)
        return ScopedTable(holder.store, self)


class ScopeTables:
    """A service's tables of one account and region as attributes (``tables.functions``),
    declared with :class:`TableOf`, for code that reads a table or two per call."""

    __slots__ = ("account", "region", "store")

    def __init__(self, store: ServiceStore, account: str, region: str) -> None:
        self.store = store
        self.account = account
        self.region = region


class ScopedTable(Generic[R]):
    """A provider's table by account and region (what :class:`TableOf` gives)."""

    __slots__ = ("_declared", "_store")

    def __init__(self, store: ServiceStore, declared: TableOf[R]) -> None:
        self._store = store
        self._declared = declared

    def __call__(self, scope: RequestContext | str, region: str = "") -> Table[R]:
        account = scope if isinstance(scope, str) else scope.account_id
        region = region if isinstance(scope, str) else scope.region
        return self._store.table(account, self._declared.region or region,
                                 self._declared.name, self._declared.record_type)

    def everywhere(self) -> list[tuple[str, str, R]]:
        """(account, region, record) for every record of this table in every account and
        region that has one (what ``resources()`` lists)."""
        name, kind = self._declared.name, self._declared.record_type
        return [(account, region, record) for account, region in self._store.scopes(name)
                for record in self._store.table(account, region, name, kind).values()]


class Provider:
    """Base of the control-plane providers.

    A provider answers operations with methods named ``xform_name(OperationName)``, which take
    the request context and snake_case keyword arguments and return dicts keyed by the output
    shape's member names.
    """

    service_name: ClassVar[str]
    # The codes this service answers a missing and a conflicting resource with, and the
    # members its errors carry (Lambda's ``Type: User``).
    not_found_code: ClassVar[str] = "ResourceNotFoundException"
    conflict_code: ClassVar[str] = "ResourceConflictException"
    error_fields: ClassVar[dict[str, Any]] = {}

    def __init__(
        self, settings: Settings, clock: Clock, store: ServiceStore, ports: Ports
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.store = store
        self.ports = ports
        self.setup()

    def setup(self) -> None:
        """Make what the service holds beside its tables (engines, caches, folders); called
        once, at the end of ``__init__``."""

    @property
    def own_folder(self) -> Path | None:
        """This service's folder under the state directory (None when nothing persists)."""
        state_dir = self.settings.state_dir
        return state_dir / self.service_name if state_dir is not None else None

    # -- what every part uses ----------------------------------------------------------------

    def table(self, ctx: RequestContext, name: str, record_type: type[R]) -> Table[R]:
        """The table ``name`` of the account and region ``ctx`` acts in."""
        return self.store.table(ctx.account_id, ctx.region, name, record_type)

    def not_found(self, message: str, **fields: Any) -> errors.ServiceError:
        """This service's error for a resource that does not exist."""
        return errors.not_found(message, self.not_found_code, **self.error_fields, **fields)

    def found(self, record: T | None, message: str | errors.ServiceError, **fields: Any) -> T:
        """``record`` as looked up; when there is none, this service's not-found error with
        ``message``, or the error given in its place (a resource with its own code)."""
        if record is None:
            if isinstance(message, errors.ServiceError):
                raise message
            raise self.not_found(message, **fields)
        return record

    def conflict(self, message: str, **fields: Any) -> errors.ServiceError:
        """This service's error for a resource that exists, or whose state forbids a change."""
        return errors.conflict(message, self.conflict_code, **self.error_fields, **fields)

    # -- lifecycle ---------------------------------------------------------------------------

    def port(self, name: str) -> object | None:
        """The engine this service offers to others under ``name`` (see emulator.ports)."""
        return None

    async def start(self) -> None:
        """Begin background work (pollers, timers). Called once the server is up."""

    async def stop(self) -> None:
        """End background work."""

    def reset(self) -> None:
        """Forget every resource of this service."""
        self.store.reset()

    def busy(self) -> list[str]:
        """Work under way or due now (events, pollers, deliveries), described for people;
        empty when only the clock moving on could start more. See emulator.idle."""
        return []

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        """A JSON-ready listing of what this service holds, for ``/_emulator/resources``."""
        return {}


__all__ = ["Provider", "ScopeTables", "ScopedTable", "TableOf"]
