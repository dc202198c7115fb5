"""The developer portal (placeholder)."""

from __future__ import annotations

from starlette.responses import Response

from emulator.console.page import Page, View, route


async def catalogue(view: View) -> Response:
    return view.render("portal/catalogue.html", apis=[])


PORTAL_PAGE = Page(slug="", title="Developer portal", order=0, routes=[route("/", catalogue)])
