"""The developer portal in a real browser: the catalogue of published APIs, a stage's
reference built from the API's export with its published documentation, a try-it call, and a
usage plan subscription whose key is shown once and then works."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import expect

from emulator.server import BackgroundServer

PORTAL = "/_emulator/portal/"


def _shop(aws: Any) -> str:
    return str(next(a["id"] for a in aws("apigateway").get_rest_apis()["items"]
                    if a["name"] == "shop"))


def test_the_catalogue_lists_published_apis_with_their_stages(page: Any, aws: Any) -> None:
    page.goto(PORTAL)
    card = page.locator("[data-api='shop']")
    expect(card).to_contain_text("REST")
    expect(card.locator("[data-stage='prod']")).to_be_visible()
    expect(page.locator("[data-api='tasks']")).to_contain_text("HTTP")


def test_a_stage_reference_shows_the_published_documentation_and_tries_a_call(
        page: Any, aws: Any) -> None:
    shop = _shop(aws)
    page.goto(PORTAL + f"apis/{shop}/stages/prod")
    expect(page.locator("[data-description]")).to_contain_text("A small shop")
    catalog = page.locator("[data-operation='GET /catalog']")
    expect(catalog.locator("[data-summary]")).to_have_text("The catalogue")
    expect(catalog).to_contain_text("Only products of this category")
    prices = page.locator("[data-operation='GET /prices/{sku}']")
    expect(prices).to_contain_text("The product's SKU")
    prices.locator("input[data-param='sku']").fill("p1")
    prices.locator("button[type=submit]").click()
    result = prices.locator("[data-tryit-result]")
    expect(result).to_contain_text("200")
    expect(result).to_contain_text("25")


def test_subscribing_shows_the_key_once_and_the_key_is_in_the_plan(
        page: Any, aws: Any, console_emulator: BackgroundServer) -> None:
    shop = _shop(aws)
    page.goto(PORTAL + f"apis/{shop}")
    plan = page.locator("[data-plan='shop-basic']")
    expect(plan).to_contain_text("quota 1000 per day")
    plan.locator("input[name=key_name]").fill("portal-visitor")
    plan.locator("button[type=submit]").click()
    shown = page.locator("[data-key-value]")
    expect(shown).to_be_visible()
    value = shown.inner_text().strip()
    assert len(value) >= 20
    apigateway = aws("apigateway")
    plan_id = next(p["id"] for p in apigateway.get_usage_plans()["items"]
                   if p["name"] == "shop-basic")
    keys = apigateway.get_usage_plan_keys(usagePlanId=plan_id)["items"]
    assert value in [k["value"] for k in keys]
    page.reload()  # the page shows a new key once: a reload does not
    expect(page.locator("[data-key-value]")).to_have_count(0)
    assert value not in page.content()
    assert value not in httpx.get(console_emulator.endpoint_url + PORTAL + f"apis/{shop}").text
