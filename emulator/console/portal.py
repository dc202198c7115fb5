"""The developer portal at ``/_emulator/portal/``: the APIs published to stages, each with its
description and documentation, an interactive reference per stage generated from the API's own
export, and usage plans a consumer subscribes an API key to (the key is shown once)."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from emulator.console.page import Page, View, route
from emulator.console.reference import reference
from emulator.console.security import mask_key
from emulator.errors import ServiceError

INVOKE = "/_aws/execute-api/{api}/{stage}"


async def _rest_apis(view: View) -> list[dict[str, Any]]:
    published = []
    for listed in sorted(view.resources("apigateway").get("rest_apis", []),
                         key=lambda a: a["name"]):
        stages = (await view.call("apigateway", "GetStages",
                                  restApiId=listed["id"])).get("item", [])
        if not stages:
            continue  # not published
        api = await view.call("apigateway", "GetRestApi", restApiId=listed["id"])
        published.append({"id": api["id"], "name": api["name"], "kind": "REST",
                          "description": api.get("description", ""),
                          "stages": sorted(s["stageName"] for s in stages)})
    return published


async def _http_apis(view: View) -> list[dict[str, Any]]:
    if "apigatewayv2" not in view.console.services.loaded():
        return []
    published = []
    for listed in view.resources("apigatewayv2").get("apis", []):
        if listed["protocol"] != "HTTP":
            continue
        stages = (await view.call("apigatewayv2", "GetStages", ApiId=listed["id"],
                                  MaxResults="500")).get("Items", [])
        if stages:
            api = await view.call("apigatewayv2", "GetApi", ApiId=listed["id"])
            published.append({"id": api["ApiId"], "name": api["Name"], "kind": "HTTP",
                              "description": api.get("Description", ""),
                              "stages": sorted(s["StageName"] for s in stages)})
    return sorted(published, key=lambda a: a["name"])


async def catalogue(view: View) -> Response:
    apis = await _rest_apis(view) + await _http_apis(view)
    return view.render("portal/catalogue.html", apis=apis)


async def _plans_for(view: View, api_id: str) -> list[dict[str, Any]]:
    plans = (await view.call("apigateway", "GetUsagePlans", limit=500)).get("items", [])
    return [p for p in plans if any(s.get("apiId") == api_id for s in p.get("apiStages") or [])]


async def rest_api(view: View, problem: str = "") -> Response:
    api_id = view.params["api_id"]
    # A new key is shown by the page the subscription redirects to, and by no other.
    subscribed = view.console.shown_once.take(view.session, view.query.get("subscribed"))
    api = await view.call("apigateway", "GetRestApi", restApiId=api_id)
    stages = (await view.call("apigateway", "GetStages", restApiId=api_id)).get("item", [])
    parts = (await view.call("apigateway", "GetDocumentationParts", restApiId=api_id,
                             limit=500)).get("items", [])
    versions = (await view.call("apigateway", "GetDocumentationVersions",
                                restApiId=api_id, limit=500)).get("items", [])
    documented: dict[str, Any] = next((json.loads(p["properties"]) for p in parts
                       if p["location"]["type"] == "API"), {})
    response = view.render(
        "portal/api.html", api=api, stages=stages, parts=parts, versions=versions,
        description=documented.get("description") or api.get("description", ""),
        plans=await _plans_for(view, api_id), subscribed=subscribed, problem=problem)
    return response


async def rest_stage(view: View) -> Response:
    api_id, stage = view.params["api_id"], view.params["stage"]
    exported = await view.call("apigateway", "GetExport", restApiId=api_id, stageName=stage,
                               exportType="oas30", accepts="application/json",
                               parameters={"extensions": "documentation"})
    document = json.loads(exported["body"])
    return view.render("portal/reference.html", api_id=api_id, stage=stage, kind="REST",
                       ref=reference(document), invoke=INVOKE.format(api=api_id, stage=stage),
                       export=json.dumps(document, indent=2),
                       back=view.url(f"apis/{api_id}"))


async def http_stage(view: View) -> Response:
    api_id, stage = view.params["api_id"], view.params["stage"]
    exported = await view.call("apigatewayv2", "ExportApi", ApiId=api_id, OutputType="JSON",
                               Specification="OAS30", StageName=stage)
    document = json.loads(exported["body"])
    invoke = f"/_aws/execute-api/{api_id}" + ("" if stage == "$default" else f"/{stage}")
    return view.render("portal/reference.html", api_id=api_id, stage=stage, kind="HTTP",
                       ref=reference(document), invoke=invoke,
                       export=json.dumps(document, indent=2), back=view.url())


async def subscribe(view: View) -> Response:
    """Create an API key and add it to the usage plan; the answer shows its value once."""
    api_id = view.params["api_id"]
    plan_id = view.form.get("usage_plan_id", "")
    name = view.form.get("key_name", "").strip() or None
    if plan_id not in {p["id"] for p in await _plans_for(view, api_id)}:
        return await rest_api(view, problem="Choose one of this API's usage plans.")
    key = await view.call("apigateway", "CreateApiKey", name=name, enabled=True,
                          description=f"subscribed in the developer portal to {plan_id}")
    try:
        await view.call("apigateway", "CreateUsagePlanKey", usagePlanId=plan_id,
                        keyId=key["id"], keyType="API_KEY")
    except ServiceError as error:
        await view.call("apigateway", "DeleteApiKey", apiKey=key["id"])
        return await rest_api(view, problem=f"{error.code}: {error.message}")
    token = view.console.shown_once.put(view.session, {
        "id": key["id"], "value": key["value"], "name": key.get("name"), "plan": plan_id,
        "masked": mask_key(key["value"])})
    return view.redirect(view.url(f"apis/{api_id}?subscribed={token}"))


PORTAL_PAGE = Page(slug="", title="Developer portal", order=0, routes=[
    route("/", catalogue),
    route("/apis/{api_id}", rest_api),
    route("/apis/{api_id}/subscribe", subscribe, "POST"),
    route("/apis/{api_id}/stages/{stage}", rest_stage),
    route("/http/{api_id}/stages/{stage}", http_stage),
], description="published APIs, their references and API keys")
