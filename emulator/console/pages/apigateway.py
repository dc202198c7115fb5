"""API Gateway: REST, HTTP and WebSocket APIs with their stages, resources or routes, methods
and integrations; each REST stage's cache with a flush button; and a try-it form that calls an
invoke URL from the browser."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from emulator.console.page import Page, View, route

STAGE_PATH = "/_aws/execute-api/{api}/{stage}"


async def apis(view: View) -> Response:
    rest = view.resources("apigateway").get("rest_apis", [])
    v2 = view.resources("apigatewayv2").get("apis", []) if "apigatewayv2" in \
        view.console.services.loaded() else []
    return view.render("apigateway/apis.html", rest=sorted(rest, key=lambda a: a["name"]),
                       v2=sorted(v2, key=lambda a: a["name"]))


def _data_plane(view: View) -> Any:
    try:
        return view.port("execute-api")
    except LookupError:
        return None


async def rest_api(view: View) -> Response:
    api_id = view.params["api_id"]
    api = await view.call("apigateway", "GetRestApi", restApiId=api_id)
    resources = (await view.call("apigateway", "GetResources", restApiId=api_id,
                                 embed=["methods"], limit=500)).get("items", [])
    stages = (await view.call("apigateway", "GetStages", restApiId=api_id)).get("item", [])
    plane = _data_plane(view)
    metrics = plane.metrics().get(api_id, {}) if plane is not None else {}
    for stage in stages:
        name = stage["stageName"]
        stage["cacheEntries"] = plane.cache.size(api_id, name) if plane is not None else 0
        stage["metrics"] = metrics.get(name, {})
        stage["invokePath"] = STAGE_PATH.format(api=api_id, stage=name)
    methods = [(resource["path"], verb, method) for resource in resources
               for verb, method in sorted((resource.get("resourceMethods") or {}).items())]
    return view.render("apigateway/rest.html", api=api, methods=methods, stages=stages,
                       flushed=view.query.get("flushed", ""))


async def flush(view: View) -> Response:
    api_id, stage = view.params["api_id"], view.params["stage"]
    await view.call("apigateway", "FlushStageCache", restApiId=api_id, stageName=stage)
    return view.redirect(view.url(f"rest/{api_id}?flushed={stage}"))


async def v2_api(view: View) -> Response:
    api_id = view.params["api_id"]
    api = await view.call("apigatewayv2", "GetApi", ApiId=api_id)
    routes = (await view.call("apigatewayv2", "GetRoutes", ApiId=api_id,
                              MaxResults="500")).get("Items", [])
    integrations = {i["IntegrationId"]: i for i in (await view.call(
        "apigatewayv2", "GetIntegrations", ApiId=api_id, MaxResults="500")).get("Items", [])}
    stages = (await view.call("apigatewayv2", "GetStages", ApiId=api_id,
                              MaxResults="500")).get("Items", [])
    for stage in stages:
        name = stage["StageName"]
        stage["invokePath"] = (f"/_aws/execute-api/{api_id}" if name == "$default"
                               else STAGE_PATH.format(api=api_id, stage=name))
    for each in routes:
        target = str(each.get("Target") or "").removeprefix("integrations/")
        each["integration"] = integrations.get(target)
    return view.render("apigateway/v2.html", api=api, routes=sorted(
        routes, key=lambda r: r.get("RouteKey", "")), stages=stages)


PAGE = Page(slug="apigateway", title="API Gateway", order=60,
            services=("apigateway", "apigatewayv2"), routes=[
                route("/", apis),
                route("/rest/{api_id}", rest_api),
                route("/rest/{api_id}/stages/{stage}/flush", flush, "POST"),
                route("/v2/{api_id}", v2_api),
            ], description="APIs, stages, routes, integrations, caches and a try-it form")
