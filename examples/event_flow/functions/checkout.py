"""Checkout: takes an order (invoked asynchronously), announces it on the shop's event bus,
and sends a receipt through the receipts topic. An order without items fails, and after its
retries Lambda reports it to the failure destination."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    items = event.get("items") or []
    if not items:
        raise ValueError(f"order {event.get('orderId')} has no items")
    total = sum(item["price"] * item.get("quantity", 1) for item in items)
    order = {"orderId": event["orderId"], "items": items, "total": total}
    boto3.client("events").put_events(Entries=[{
        "EventBusName": os.environ["BUS_NAME"],
        "Source": "shop.checkout",
        "DetailType": "OrderPlaced",
        "Detail": json.dumps(order),
    }])
    boto3.client("sns").publish(
        TopicArn=os.environ["RECEIPTS_TOPIC"],
        Message=json.dumps({"orderId": order["orderId"], "total": total}),
        MessageAttributes={"channel": {"DataType": "String",
                                       "StringValue": event.get("channel", "email")}},
    )
    return {"orderId": order["orderId"], "total": total}
