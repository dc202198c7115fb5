"""The shop's REST API, deployed on the emulator and called over HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from deploy_api import deploy

from emulator.testing import EmulatorHandle


@pytest.fixture
def shop(fresh_emulator: EmulatorHandle) -> str:
    """The base URL of the deployed ``prod`` stage."""
    api_id = deploy(fresh_emulator.client("apigateway"), fresh_emulator.client("lambda"),
                    fresh_emulator.region)
    return f"{fresh_emulator.endpoint_url}/_aws/execute-api/{api_id}/prod"


def test_proxy_route_reaches_the_function(shop: str) -> None:
    assert httpx.get(f"{shop}/products/p2").json() == {"name": "lamp", "category": "living",
                                                       "id": "p2"}
    missing = httpx.delete(f"{shop}/products/nope")
    assert missing.status_code == 404 and missing.json() == {"message": "no product nope"}


def test_templated_route_maps_request_and_response(shop: str) -> None:
    assert httpx.get(f"{shop}/prices/p3").json() == {"sku": "p3", "price": "18.25 EUR"}
    missing = httpx.get(f"{shop}/prices/zz")
    assert missing.status_code == 404
    assert missing.json() == {"message": "NotFound: no price for zz"}


def test_orders_are_validated_against_the_model(shop: str) -> None:
    created = httpx.post(f"{shop}/orders", json={"sku": "p1", "quantity": 2})
    assert created.status_code == 201 and created.json()["quantity"] == 2
    for bad in ({"sku": "p1"}, {"sku": "p1", "quantity": 11}, {"sku": 5, "quantity": 1}):
        refused = httpx.post(f"{shop}/orders", json=bad)
        assert refused.status_code == 400
        assert refused.json() == {"message": "Invalid request body"}


def test_catalog_is_cached_per_category_for_its_ttl(shop: str,
                                                   fresh_emulator: EmulatorHandle) -> None:
    kitchen = httpx.get(f"{shop}/catalog", params={"category": "kitchen"}).json()
    assert [item["id"] for item in kitchen["items"]] == ["p1", "p3"]
    again = httpx.get(f"{shop}/catalog", params={"category": "kitchen"}).json()
    assert again["generation"] == kitchen["generation"]
    living = httpx.get(f"{shop}/catalog", params={"category": "living"}).json()
    assert living["generation"] != kitchen["generation"]
    fresh_emulator.clock.advance(60)
    later = httpx.get(f"{shop}/catalog", params={"category": "kitchen"}).json()
    assert later["generation"] != kitchen["generation"]
