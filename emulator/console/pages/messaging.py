"""Queues and topics: SQS queues with their depth, messages in flight and dead-letter counts,
a peek at messages that consumes nothing, send and purge; SNS topics and subscriptions;
EventBridge buses and rules."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from emulator.console.page import Page, View, route
from emulator.errors import ServiceError

PEEKED = 20


async def index(view: View) -> Response:
    loaded = view.console.services.loaded()
    queues = view.resources("sqs").get("queues", []) if "sqs" in loaded else []
    by_arn = {q["arn"]: q for q in queues}
    for queue in queues:
        attributes = (await view.call("sqs", "GetQueueAttributes", QueueUrl=queue["url"],
                                      AttributeNames=["RedrivePolicy"])).get("Attributes", {})
        policy = json.loads(attributes.get("RedrivePolicy") or "{}")
        target = by_arn.get(policy.get("deadLetterTargetArn", ""))
        queue["dlq"] = target
        if target is not None:
            target.setdefault("sources", []).append(queue["name"])
    topics = []
    if "sns" in loaded:
        for topic in view.resources("sns").get("topics", []):
            subscriptions = (await view.call("sns", "ListSubscriptionsByTopic",
                                             TopicArn=topic["arn"])).get("Subscriptions", [])
            topics.append({**topic, "subscriptions": subscriptions})
    buses: list[dict[str, Any]] = []
    if "events" in loaded:
        rules = view.resources("events").get("rules", [])
        for bus in (await view.call("events", "ListEventBuses")).get("EventBuses", []):
            buses.append({**bus, "rules": [r for r in rules if r["bus"] == bus["Name"]]})
    return view.render("messaging/index.html", queues=sorted(queues, key=lambda q: q["name"]),
                       topics=topics, buses=buses)


def _queue(view: View) -> dict[str, Any] | None:
    name = view.params["name"]
    return next((q for q in view.resources("sqs").get("queues", []) if q["name"] == name),
                None)


async def queue(view: View, notice: str = "") -> Response:
    found = _queue(view)
    if found is None:
        raise ServiceError("AWS.SimpleQueueService.NonExistentQueue",
                           "The specified queue does not exist.", status=400)
    attributes = (await view.call("sqs", "GetQueueAttributes", QueueUrl=found["url"],
                                  AttributeNames=["All"])).get("Attributes", {})
    messages = view.port("queues").peek(found["arn"], PEEKED)
    return view.render("messaging/queue.html", queue=found, attributes=attributes,
                       messages=messages, notice=notice or view.query.get("done", ""))


async def send(view: View) -> Response:
    found = _queue(view)
    if found is None:
        return await queue(view)
    params: dict[str, Any] = {"QueueUrl": found["url"], "MessageBody": view.form.get("body", "")}
    if found["fifo"]:
        params["MessageGroupId"] = view.form.get("group_id") or "console"
        params["MessageDeduplicationId"] = view.form.get("dedup_id") or None
    try:
        sent = await view.call("sqs", "SendMessage", **params)
    except ServiceError as error:
        return await queue(view, f"{error.code}: {error.message}")
    return view.redirect(view.url(f"queues/{found['name']}?done=sent {sent['MessageId']}"))


async def purge(view: View) -> Response:
    found = _queue(view)
    if found is None:
        return await queue(view)
    try:
        await view.call("sqs", "PurgeQueue", QueueUrl=found["url"])
    except ServiceError as error:
        return await queue(view, f"{error.code}: {error.message}")
    return view.redirect(view.url(f"queues/{found['name']}?done=purged"))


PAGE = Page(slug="messaging", title="Queues and topics", order=70,
            services=("sqs", "sns", "events"), routes=[
                route("/", index),
                route("/queues/{name}", queue),
                route("/queues/{name}/send", send, "POST"),
                route("/queues/{name}/purge", purge, "POST"),
            ], description="SQS queues (peek, send, purge), SNS topics, EventBridge rules")
