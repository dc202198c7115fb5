"""Take the console screenshots the README and docs/console.md show: an order workflow
execution on its graph, and an API Gateway → Lambda trace as a waterfall.

Run from the repository root with Debian's chromium installed:
``python scripts/console_screenshots.py`` (writes docs/images/console-*.png).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from urllib.parse import quote

import boto3
import httpx
from playwright.sync_api import sync_playwright

from emulator.config import Settings
from emulator.server import BackgroundServer, run_deploy_scripts

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-gpu"]


def main() -> None:
    server = BackgroundServer(Settings(host="127.0.0.1", port=0, log_level="warning",
                                       request_log=False, xray_daemon_port=-1)).start()
    try:
        url = server.endpoint_url
        assert run_deploy_scripts(sorted(ROOT.glob("examples/*/deploy*.py")), url, "us-east-1")
        aws = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test",
                                    region_name="us-east-1")
        sfn = aws.client("stepfunctions", endpoint_url=url)
        machine = "arn:aws:states:us-east-1:000000000000:stateMachine:order-workflow"
        execution = sfn.start_execution(stateMachineArn=machine, name="order-1042", input=(
            json.dumps({"order": {"id": "o-1042", "items": [
                {"sku": "lamp", "qty": 2, "price": 19.5}]}})))["executionArn"]
        gateway = aws.client("apigateway", endpoint_url=url)
        shop = next(a["id"] for a in gateway.get_rest_apis()["items"] if a["name"] == "shop")
        gateway.update_stage(restApiId=shop, stageName="prod", patchOperations=[
            {"op": "replace", "path": "/tracingEnabled", "value": "true"}])
        httpx.get(f"{url}/_aws/execute-api/{shop}/prod/products/p1",
                  headers={"X-Amzn-Trace-Id": "Sampled=1"})
        time.sleep(1.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                 args=FLAGS)
            page = browser.new_page(viewport={"width": 1360, "height": 860})
            page.goto(f"{url}/_emulator/console/states/execution?arn={quote(execution)}")
            page.click("svg.graph g[data-node='Charge']")
            page.wait_for_timeout(500)
            page.screenshot(path=str(IMAGES / "console-execution.png"))
            page.goto(f"{url}/_emulator/console/xray/")
            page.locator("tr[data-trace] a").first.click()
            page.wait_for_selector("[data-waterfall]")
            page.screenshot(path=str(IMAGES / "console-waterfall.png"))
            browser.close()
    finally:
        server.stop()
    print(f"wrote {IMAGES}/console-execution.png and console-waterfall.png")


if __name__ == "__main__":
    main()
