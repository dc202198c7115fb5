"""What a console page is, and what its handlers are given.

A page is a module in ``emulator.console.pages`` with a module-level ``PAGE``: its URL segment,
its title and place in the navigation, the services it shows, and its routes. Each route's
handler is an ``async`` function of a :class:`View` returning a response; it reads through the
view (``resources``, ``call``, ``port``) and renders a template. Pages are found by listing the
package, so a service adds its page by adding one module and its templates: no other page or
list changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from emulator.context import RequestContext

if TYPE_CHECKING:
    from emulator.console.web import Console

Handler = Callable[["View"], Awaitable[Response]]


@dataclass(frozen=True)
class PageRoute:
    path: str  # relative to the page, starting with "/" (Starlette path syntax)
    handler: Handler
    methods: tuple[str, ...] = ("GET",)


def route(path: str, handler: Handler, *methods: str) -> PageRoute:
    return PageRoute(path, handler, tuple(methods) or ("GET",))


@dataclass(frozen=True)
class Page:
    slug: str  # the URL segment: /_emulator/console/<slug>/
    title: str
    order: int  # place in the navigation
    routes: Sequence[PageRoute]
    services: tuple[str, ...] = ()  # botocore services whose resources it shows
    description: str = ""


@dataclass
class View:
    """One request to a page: what it asked, and what it may read and call."""

    console: Console
    request: Request
    page: Page | None
    params: Mapping[str, str]
    query: Mapping[str, str]
    form: Mapping[str, str] = field(default_factory=dict)
    session: str = ""
    base: str = "/_emulator/console/"  # where the console (or the portal) is mounted
    changes: str = ""  # the emulator's change count when the request came in (live updates)

    @property
    def account(self) -> str:
        return self.console.scope(self.request)[0]

    @property
    def region(self) -> str:
        return self.console.scope(self.request)[1]

    async def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """An operation in the chosen account and region, as a client would call it (the
        registry's ``call``: checked against the model, failing with ServiceError); members
        given as None are left out."""
        ctx = RequestContext.internal(self.account, self.region,
                                      endpoint_url=self.console.endpoint_url)
        given = {name: value for name, value in params.items() if value is not None}
        return await self.console.services.call(ctx, service, operation, given)

    def resources(self, service: str) -> dict[str, list[dict[str, Any]]]:
        """The service's ``resources()`` listing, limited to the chosen account and region."""
        return self.console.resources(service, self.account, self.region)

    def port(self, name: str) -> Any:
        """The engine port called ``name`` (see emulator.ports)."""
        return self.console.services.ports.get(name)

    def url(self, path: str = "") -> str:
        """A URL inside this page."""
        base = f"{self.base}{self.page.slug}/" if self.page and self.page.slug else self.base
        return base + path.lstrip("/")

    def link(self, slug: str, path: str = "") -> str:
        """A URL inside another console page (it may not be there: pages come and go)."""
        return f"{self.base}{slug}/{path.lstrip('/')}"

    def render(self, template: str, http_status: int = 200, **context: Any) -> Response:
        return HTMLResponse(self.console.render(template, self, context),
                            status_code=http_status)

    def redirect(self, path: str) -> Response:
        """After a form: see the result at ``path`` (a GET, so a reload repeats nothing)."""
        return RedirectResponse(path, status_code=303)


def discover() -> list[Page]:
    """Every page module's ``PAGE``, in navigation order."""
    from emulator.console import pages

    found = []
    for info in pkgutil.iter_modules(pages.__path__):
        module = importlib.import_module(f"{pages.__name__}.{info.name}")
        page = getattr(module, "PAGE", None)
        if isinstance(page, Page):
            found.append(page)
    return sorted(found, key=lambda page: (page.order, page.slug))


__all__ = ["Handler", "Page", "PageRoute", "View", "discover", "route"]
