"""The console in a real browser: each page opens, executions move on the graph, a failed one
shows where and why, a trace opens as a waterfall, a message is sent and peeked at, a function
is invoked from its test form, and a stage cache is flushed."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from emulator.server import BackgroundServer

CONSOLE = "/_emulator/console/"
ROLE = "arn:aws:iam::000000000000:role/console"
SLOW = {"Comment": "waits long enough to be seen running",
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Result": [1, 2, 3], "ResultPath": "$.items",
                        "Next": "Wait a moment"},
            "Wait a moment": {"Type": "Wait", "Seconds": 3, "Next": "Each item"},
            "Each item": {"Type": "Map", "ItemsPath": "$.items", "Next": "Done",
                          "ItemProcessor": {"StartAt": "Double", "States": {
                              "Double": {"Type": "Pass", "End": True}}}},
            "Done": {"Type": "Succeed"}}}


@pytest.fixture(scope="module")
def slow_machine(aws: Any) -> str:
    sfn = aws("stepfunctions")
    try:
        return str(sfn.create_state_machine(name="console-slow", definition=json.dumps(SLOW),
                                            roleArn=ROLE)["stateMachineArn"])
    except sfn.exceptions.StateMachineAlreadyExists:
        return "arn:aws:states:us-east-1:000000000000:stateMachine:console-slow"


@pytest.mark.parametrize(("path", "heading"), [
    ("", "Overview"), ("requests/", "Requests"), ("lambda/", "Lambda functions"),
    ("states/", "State machines"), ("xray/", "Traces"), ("xray/map", "Service map"),
    ("apigateway/", "APIs"), ("messaging/", "Queues and topics")])
def test_each_page_opens_with_the_deployed_examples(page: Any, path: str, heading: str) -> None:
    answer = page.goto(CONSOLE + path)
    assert answer.status == 200
    expect(page.locator("h1")).to_contain_text(heading)
    expect(page.locator("[data-live-indicator]")).to_have_text("live")


def test_a_browser_opening_the_root_gets_the_console(page: Any) -> None:
    page.goto("/")
    assert page.url.endswith(CONSOLE)
    expect(page.locator("h1")).to_have_text("Overview")
    for service in ("lambda", "stepfunctions", "sqs", "apigateway"):
        expect(page.locator(f"tr[data-service='{service}']").first).to_be_visible()


def test_an_execution_turns_from_running_to_succeeded_on_the_graph(page: Any,
                                                                   slow_machine: str) -> None:
    page.goto(CONSOLE + "states/machines/console-slow")
    page.fill("#execution-input", '{"from": "the console"}')
    page.click("#start-form button[type=submit]")
    expect(page.locator("[data-execution-status]")).to_have_text("RUNNING")
    waiting = page.locator("svg.graph g[data-node='Wait a moment']")
    expect(waiting).to_have_class(re.compile(r"status-running"))
    expect(page.locator("svg.graph g[data-node='Prepare']")).to_have_class(
        re.compile(r"status-succeeded"))
    # No reload: the page follows the execution over server-sent events.
    expect(page.locator("[data-execution-status]")).to_have_text("SUCCEEDED", timeout=20_000)
    for state in ("Prepare", "Wait a moment", "Each item", "Double", "Done"):
        expect(page.locator(f"svg.graph g[data-node='{state}']")).to_have_class(
            re.compile(r"status-succeeded"))
    page.click("svg.graph g[data-node='Prepare']")
    details = page.locator("[data-details='Prepare']")
    expect(details).to_be_visible()
    expect(details).to_contain_text('"the console"')
    expect(page.locator("table.history")).to_contain_text("ExecutionSucceeded")


def test_a_failed_execution_shows_the_failing_state_and_its_cause(page: Any, aws: Any) -> None:
    sfn = aws("stepfunctions")
    machine = "arn:aws:states:us-east-1:000000000000:stateMachine:order-workflow"
    arn = sfn.start_execution(stateMachineArn=machine, name="empty-order",
                              input=json.dumps({"order": {"items": []}}))["executionArn"]
    page.goto(CONSOLE + "states/machines/order-workflow")
    row = page.locator("tr[data-execution='empty-order']")
    expect(row).to_contain_text("FAILED", timeout=20_000)
    row.locator("a").click()
    assert arn in page.url.replace("%3A", ":")
    expect(page.locator("[data-execution-status]")).to_have_text("FAILED")
    expect(page.locator("[data-failed-state]")).to_have_text("Rejected")
    expect(page.locator("svg.graph g[data-node='Rejected']")).to_have_class(
        re.compile(r"status-failed"))
    expect(page.locator("svg.graph g[data-node='Validate']")).to_have_class(
        re.compile(r"status-caught"))
    expect(page.locator("svg.graph g[data-node='Charge']")).not_to_have_class(
        re.compile(r"status-"))
    page.click("svg.graph g[data-node='Validate']")
    expect(page.locator("[data-details='Validate']")).to_contain_text("InvalidOrder")
    expect(page.locator("[data-failure]")).to_be_visible()


def test_a_trace_opens_as_a_waterfall(page: Any, aws: Any,
                                      console_emulator: BackgroundServer) -> None:
    apigateway = aws("apigateway")
    shop = next(a for a in apigateway.get_rest_apis()["items"] if a["name"] == "shop")
    apigateway.update_stage(restApiId=shop["id"], stageName="prod", patchOperations=[
        {"op": "replace", "path": "/tracingEnabled", "value": "true"}])
    answer = httpx.get(f"{console_emulator.endpoint_url}/_aws/execute-api/{shop['id']}/prod/"
                       "products/p1", headers={"X-Amzn-Trace-Id": "Sampled=1"})
    assert answer.status_code == 200
    page.goto(CONSOLE + "xray/")
    first = page.locator("tr[data-trace] a").first
    expect(first).to_be_visible()
    first.click()
    rows = page.locator("[data-waterfall] .wf-row[data-row]")
    expect(rows.first).to_contain_text("shop/prod")
    expect(page.locator("[data-waterfall] .wf-tick").first).to_have_text("0 ms")
    assert rows.count() >= 2  # the stage's segment and what it called
    expect(page.locator("[data-waterfall] .wf-bar").first).to_be_visible()


def test_a_message_sent_from_the_console_can_be_peeked_at_without_consuming_it(
        page: Any, aws: Any) -> None:
    page.goto(CONSOLE + "messaging/queues/shipments")
    page.fill("#message-body", '{"parcel": "console-42"}')
    page.click("#send-form button[type=submit]")
    expect(page.locator("[data-notice]")).to_contain_text("sent")
    message = page.locator("tr[data-message]", has_text="console-42")
    expect(message).to_be_visible()
    page.reload()
    expect(message).to_contain_text("visible")
    sqs = aws("sqs")
    url = sqs.get_queue_url(QueueName="shipments")["QueueUrl"]
    received = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])
    bodies = [m["Body"] for m in received.get("Messages", [])]
    assert '{"parcel": "console-42"}' in bodies  # peeking consumed nothing
    counts = [m["Attributes"]["ApproximateReceiveCount"] for m in received["Messages"]]
    assert counts == ["1"] * len(counts)
    expect(message).to_contain_text("in flight")  # the live view saw the receive


def test_invoking_from_the_test_form_shows_the_answer_and_the_log_line_arrives(
        page: Any) -> None:
    page.goto(CONSOLE + "lambda/hello")
    page.fill("#payload", '{"name": "console visitor"}')
    page.click("#test-form button[type=submit]")
    expect(page.locator("[data-invoke-status]")).to_have_text("200")
    expect(page.locator("[data-invoke-payload]")).to_contain_text("console visitor")
    expect(page.locator("[data-log]")).to_contain_text("greeting console visitor")
    expect(page.locator("#invocations")).to_contain_text("success")


def test_a_stage_cache_is_flushed_from_the_console(page: Any, aws: Any,
                                                    console_emulator: BackgroundServer) -> None:
    shop = next(a for a in aws("apigateway").get_rest_apis()["items"] if a["name"] == "shop")
    catalog = f"{console_emulator.endpoint_url}/_aws/execute-api/{shop['id']}/prod/catalog"
    first = httpx.get(catalog, params={"category": "kitchen"}).json()["generation"]
    assert httpx.get(catalog, params={"category": "kitchen"}).json()["generation"] == first
    page.goto(CONSOLE + f"apigateway/rest/{shop['id']}")
    stage = page.locator("[data-stage='prod']")
    expect(stage.locator("[data-cache-entries]")).not_to_have_text("0")
    page.once("dialog", lambda dialog: dialog.accept())
    stage.locator("[data-flush='prod']").click()
    expect(page.locator("[data-flushed]")).to_contain_text("prod")
    expect(page.locator("[data-stage='prod'] [data-cache-entries]")).to_have_text("0")
    assert httpx.get(catalog, params={"category": "kitchen"}).json()["generation"] != first


def test_the_try_it_form_calls_the_invoke_url_from_the_browser(page: Any, aws: Any) -> None:
    shop = next(a for a in aws("apigateway").get_rest_apis()["items"] if a["name"] == "shop")
    page.goto(CONSOLE + f"apigateway/rest/{shop['id']}")
    page.fill("#try-it input[name=url]", f"/_aws/execute-api/{shop['id']}/prod/products/p2")
    page.click("#try-it button[type=submit]")
    result = page.locator("#try-it [data-tryit-result]")
    expect(result).to_contain_text("200")
    expect(result).to_contain_text("lamp")
