"""The console and the developer portal on the emulator's own port: the only module here that
knows Starlette's routing.

Pages render on the server (Jinja templates, escaped by default); the small script and style
sheet they use ship in this package, so nothing is built or fetched. Live updates are
server-sent events: ``change`` when a request was answered or a stored record changed, ``tick``
about once a second otherwise; the script then fetches the page again and swaps the parts
marked ``data-live``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import parse_qsl

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.staticfiles import StaticFiles

from emulator import __version__
from emulator.clock import Clock
from emulator.config import DEFAULT_ACCOUNT, Settings
from emulator.console import filters
from emulator.console.door import CONSOLE_PATH, PORTAL_PATH
from emulator.console.page import Page, PageRoute, View, discover
from emulator.console.security import COOKIE, FIELD, HEADER, Sessions, ShownOnce, same_origin
from emulator.errors import ServiceError
from emulator.ports import Operations
from emulator.traffic import RequestLog

log = logging.getLogger("emulator.console")
T = TypeVar("T")

CONSOLE = CONSOLE_PATH
PORTAL = PORTAL_PATH
SCOPE_COOKIE = "localcloud_scope"
STREAM_SECONDS = 55.0  # an event stream ends after this; the browser reconnects at once
COALESCE_SECONDS = 0.25  # changes closer together than this make one event
BUSY_SECONDS = 1.0  # ... and under load (BUSY_REQUESTS in that time), at most one a second
BUSY_REQUESTS = 50


class Registry(Operations, Protocol):
    """What the console needs of the service registry (its ``call`` answers the operations
    pages read details and change state with)."""

    ports: Any

    @property
    def names(self) -> list[str]: ...

    def get(self, service: str) -> Any: ...

    def loaded(self) -> dict[str, Any]: ...

    async def ensure_started(self, service: str, provider: Any) -> None: ...


class Host(Protocol):
    """The running emulator the console shows."""

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def services(self) -> Registry: ...

    @property
    def requests(self) -> RequestLog: ...


class Console:
    def __init__(self, host: Host) -> None:
        self.host = host
        self.settings = host.settings
        self.clock = host.clock
        self.services = host.services
        self.requests = host.requests
        self.sessions = Sessions()
        self.shown_once = ShownOnce()
        self._memo: dict[str, tuple[int | None, Any]] = {}
        bind = self.settings.host
        shown = "localhost" if bind in ("127.0.0.1", "0.0.0.0", "::") else bind
        self.endpoint_url = f"http://{shown}:{self.settings.port}"  # in URLs calls hand back
        self.pages = discover()
        from emulator.console.portal import PORTAL_PAGE

        self.portal = PORTAL_PAGE
        self.env = Environment(loader=PackageLoader("emulator.console", "templates"),
                               autoescape=select_autoescape(default=True), auto_reload=False)
        filters.install(self.env)
        self.base = CONSOLE

    # -- routes ----------------------------------------------------------------------------

    def console_app(self) -> Router:
        """The console's routes, relative to where it is mounted."""
        routes: list[BaseRoute] = [
            Route("/events", self.events, methods=["GET"]),
            Route("/scope", self._endpoint(None, PageRoute("/scope", _choose_scope, ("POST",))),
                  methods=["POST"]),
            Mount("/static", StaticFiles(packages=[("emulator.console", "static")]),
                  name="console-static"),
        ]
        for page in self.pages:
            prefix = f"/{page.slug}" if page.slug else ""
            for each in page.routes:
                routes.append(Route(prefix + each.path, self._endpoint(page, each),
                                    methods=list(each.methods)))
        return Router(routes)

    def portal_app(self) -> Router:
        """The developer portal's routes, relative to where it is mounted."""
        return Router([Route(each.path, self._endpoint(self.portal, each, PORTAL),
                             methods=list(each.methods)) for each in self.portal.routes])

    def _endpoint(self, page: Page | None, each: PageRoute, base: str = CONSOLE
                  ) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            began = time.perf_counter()
            session = request.cookies.get(COOKIE)
            form: dict[str, str] = {}
            if request.method == "POST":
                form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"),
                                      keep_blank_values=True))
                token = form.pop(FIELD, None) or request.headers.get(HEADER)
                if not same_origin(request.headers) or not self.sessions.accepts(session,
                                                                                 token):
                    return HTMLResponse(
                        "<h1>Forbidden</h1><p>This form is missing its console session token. "
                        "Reload the page and try again.</p>", status_code=403)
            fresh = session is None
            view = View(self, request, page, request.path_params, request.query_params, form,
                        session or self.sessions.new_session(), base, self.version())
            try:
                response = await each.handler(view)
            except ServiceError as error:
                response = view.render("error.html", http_status=error.status or 400, error=error)
            if fresh:
                response.set_cookie(COOKIE, view.session, httponly=True, samesite="strict",
                                    path="/_emulator")
            response.headers["Server-Timing"] = \
                f"render;dur={(time.perf_counter() - began) * 1000:.1f}"
            response.headers["Cache-Control"] = "no-store"
            return response

        return endpoint

    # -- what pages read -------------------------------------------------------------------

    def scope(self, request: Request) -> tuple[str, str]:
        """The account and region the pages show (chosen in the header, else the defaults)."""
        chosen = request.cookies.get(SCOPE_COOKIE, "")
        account, _, region = chosen.partition(":")
        if len(account) == 12 and account.isdigit() and region:
            return account, region
        return DEFAULT_ACCOUNT, self.settings.region

    def resources(self, service: str, account: str | None = None, region: str | None = None
                  ) -> dict[str, list[dict[str, Any]]]:
        provider = self.services.loaded().get(service)
        if provider is None:  # not used yet: nothing to list, and no reason to load it
            return {}
        listing: dict[str, list[dict[str, Any]]] = provider.resources()
        if account is None:
            return listing
        return {kind: [item for item in items if filters.scope_of(item) in (
            (account, region), None)] for kind, items in listing.items()}

    def memo(self, key: str, service: str, compute: Callable[[], T]) -> T:
        """``compute()``, computed again only after the service's stored records changed
        (summaries of thousands of records need not be made on every live update)."""
        store = getattr(self.services.loaded().get(service), "store", None)
        changes = getattr(store, "changes", None)
        cached = self._memo.get(key)
        if cached is not None and changes is not None and cached[0] == changes:
            return cast(T, cached[1])
        value = compute()
        self._memo[key] = (changes, value)
        return value

    def version(self) -> str:
        """Changes to show: requests answered and stored records changed, per service."""
        stored = sum(getattr(getattr(provider, "store", None), "changes", 0)
                     for provider in self.services.loaded().values())
        return f"{self.requests.sequence}.{stored}"

    def render(self, template: str, view: View, context: dict[str, Any]) -> str:
        account, region = self.scope(view.request)
        return self.env.get_template(template).render(
            view=view, pages=self.pages, page=view.page, csrf_field=FIELD,
            csrf_token=self.sessions.token(view.session), account=account, region=region,
            console=CONSOLE, portal=PORTAL, version=__version__,
            changes=view.changes or self.version(),
            clock_iso=self.clock.now_datetime().astimezone(UTC).isoformat(timespec="seconds"),
            clock_offset=self.clock.offset, **context)

    # -- live updates ----------------------------------------------------------------------

    async def events(self, request: Request) -> Response:
        # The page names the version it showed, so a change between its rendering and this
        # stream's start is not missed.
        since = request.query_params.get("since")

        async def stream() -> AsyncIterator[str]:
            yield "retry: 1000\n\n"
            seen = since or self.version()
            ends = time.monotonic() + STREAM_SECONDS
            while time.monotonic() < ends:
                before = await self.requests.wait_change(self.requests.sequence, timeout=1.0)
                await asyncio.sleep(COALESCE_SECONDS)
                if self.requests.sequence - before >= BUSY_REQUESTS:
                    # Many requests a second: a refresh a second keeps up, and leaves the
                    # emulator's time to the requests.
                    await asyncio.sleep(BUSY_SECONDS - COALESCE_SECONDS)
                now = self.version()
                if now != seen:
                    seen = now
                    yield f"event: change\ndata: {now}\n\n"
                else:
                    yield f"event: tick\ndata: {now}\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store",
                                          "X-Accel-Buffering": "no"})


async def _choose_scope(view: View) -> Response:
    account = view.form.get("account", "")
    region = view.form.get("region", "")
    back = view.form.get("back", CONSOLE)
    response = view.redirect(back if back.startswith(CONSOLE) else CONSOLE)
    if len(account) == 12 and account.isdigit() and region.replace("-", "").isalnum():
        response.set_cookie(SCOPE_COOKIE, f"{account}:{region}", samesite="strict",
                            path="/_emulator")
    return response


__all__ = ["CONSOLE", "PORTAL", "Console", "Host"]
