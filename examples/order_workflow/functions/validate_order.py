"""Validate an order and price it: raises InvalidOrder, which the workflow catches by name."""


class InvalidOrder(Exception):
    pass


def handler(event, context):
    items = event.get("order", {}).get("items") or []
    if not items or any(int(item.get("qty", 0)) <= 0 for item in items):
        raise InvalidOrder("an order needs items with a positive quantity")
    total = sum(int(item["qty"]) * float(item["price"]) for item in items)
    return {"total": round(total, 2), "lines": len(items)}
