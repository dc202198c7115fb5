"""Overview: every service's resources counted per account and region, the emulator clock
with its controls, and the latest errors answered."""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

from starlette.responses import Response

from emulator.console.filters import scope_of
from emulator.console.page import Page, View, route

ERRORS_SHOWN = 15
ADVANCE_LIMIT = 10 * 365 * 24 * 3600.0  # ten years


def counts(view: View) -> list[dict[str, Any]]:
    """Rows of (service, account, region, {kind: count}) for the loaded services."""
    rows: list[dict[str, Any]] = []
    for service in sorted(view.console.services.loaded()):
        tally = view.console.memo(f"overview:{service}", service,
                                  functools.partial(_tally, view, service))
        for (account, region), kinds in sorted(tally.items()):
            rows.append({"service": service, "account": account, "region": region,
                         "kinds": dict(kinds), "page": _page_of(view, service)})
    return rows


def _tally(view: View, service: str) -> dict[tuple[str, str], Counter[str]]:
    tally: dict[tuple[str, str], Counter[str]] = {}
    for kind, items in view.console.resources(service).items():
        for item in items:
            where = scope_of(item) or ("-", "-")
            tally.setdefault(where, Counter())[kind] += 1
    return tally


def _page_of(view: View, service: str) -> str | None:
    for page in view.console.pages:
        if service in page.services:
            return page.slug
    return None


async def overview(view: View) -> Response:
    errors = view.console.requests.recent(ERRORS_SHOWN, lambda e: e.status >= 400)
    return view.render("overview.html", rows=counts(view), errors=errors,
                       loaded=sorted(view.console.services.loaded()),
                       available=view.console.services.names)


async def clock(view: View) -> Response:
    """Advance or reset the emulator clock (the same as POST /_emulator/clock)."""
    clock_ = view.console.clock
    if view.form.get("action") == "reset":
        clock_.reset()
    else:
        try:
            seconds = float(view.form.get("seconds", ""))
        except ValueError:
            seconds = float("nan")
        if not (0 < seconds <= ADVANCE_LIMIT):
            return view.render("overview.html", http_status=400, rows=counts(view), errors=[],
                               loaded=sorted(view.console.services.loaded()),
                               available=view.console.services.names,
                               problem="Give a number of seconds between 0 and ten years.")
        clock_.advance(seconds)
    return view.redirect(view.url())


PAGE = Page(slug="", title="Overview", order=0, routes=[
    route("/", overview),
    route("/clock", clock, "POST"),
], description="services, the clock and recent errors")
