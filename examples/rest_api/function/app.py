"""The shop's functions: one behind the proxy routes, one behind the templated price route."""

from __future__ import annotations

import json
import uuid
from typing import Any

PRODUCTS = {"p1": {"name": "kettle", "category": "kitchen"},
            "p2": {"name": "lamp", "category": "living"},
            "p3": {"name": "pan", "category": "kitchen"}}
PRICES = {"p1": 25.0, "p2": 40.5, "p3": 18.25}


def _reply(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(body)}


def proxy(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every proxy route: products by id, the catalogue (cached) and new orders."""
    resource, method = event["resource"], event["httpMethod"]
    if resource == "/catalog":
        category = (event.get("queryStringParameters") or {}).get("category")
        items = [dict(p, id=k) for k, p in PRODUCTS.items()
                 if category is None or p["category"] == category]
        # A fresh token per call shows whether an answer came from the stage cache.
        return _reply(200, {"items": items, "generation": uuid.uuid4().hex})
    if resource == "/orders" and method == "POST":
        order = json.loads(event["body"])
        return _reply(201, {"orderId": uuid.uuid4().hex[:8], "sku": order["sku"],
                            "quantity": order["quantity"]})
    product_id = (event.get("pathParameters") or {}).get("proxy", "")
    product = PRODUCTS.get(product_id)
    if product is None:
        return _reply(404, {"message": f"no product {product_id}"})
    return _reply(200, dict(product, id=product_id))


def price(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The non-proxy price lookup: the mapped event in, a plain object out."""
    sku = event["sku"]
    if sku not in PRICES:
        raise LookupError(f"NotFound: no price for {sku}")
    return {"sku": sku, "amount": PRICES[sku], "currency": event["currency"]}
