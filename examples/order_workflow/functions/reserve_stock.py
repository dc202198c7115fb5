"""Reserve the stock for an order (called by its function ARN: the whole state input)."""


def handler(event, context):
    order = event["order"]
    return {"reservation": f"r-{order['id']}", "skus": [i["sku"] for i in order["items"]]}
