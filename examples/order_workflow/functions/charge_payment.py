"""Charge the customer: raises PaymentDeclined above the card limit."""

LIMIT = 1000


class PaymentDeclined(Exception):
    pass


def handler(event, context):
    if event["total"] > LIMIT:
        raise PaymentDeclined(f"{event['total']} is over the card limit")
    return {"payment": f"p-{event['order']['id']}", "amount": event["total"]}
