"""The console's end-to-end tests: a real headless Chromium (Debian's ``chromium``) driven by
Playwright, against an emulator with the examples deployed.

Every test saves a screenshot under ``test-artifacts/console/``; a failing test's screenshot is
also written into the test log, base64-encoded between ``BEGIN/END SCREENSHOT`` lines, so a CI
log alone keeps it (``python -m tests.console.screenshot < log`` turns it back into PNGs).
"""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from emulator.config import Settings
from emulator.server import BackgroundServer, run_deploy_scripts

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "console"
BROWSER_FLAGS = ["--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-gpu"]
EXAMPLES = sorted(ROOT.glob("examples/*/deploy*.py"))


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or \
        shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def console_emulator() -> Iterator[BackgroundServer]:
    """An emulator of its own (other tests reset the shared one), examples deployed."""
    server = BackgroundServer(Settings(host="127.0.0.1", port=0, state_dir=None,
                                       log_level="warning", request_log=False)).start()
    try:
        assert run_deploy_scripts(EXAMPLES, server.endpoint_url, "us-east-1"), \
            "an example's deploy script failed"
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def aws(console_emulator: BackgroundServer) -> Any:
    """``aws("sqs")``: a boto3 client for the console's emulator."""
    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=console_emulator.endpoint_url,
                            region_name="us-east-1", aws_access_key_id="test",
                            aws_secret_access_key="test")
    return client


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module. Playwright's synchronous API keeps an event loop running
    on this thread while it is open, which would stop later tests' ``asyncio.run``: it is
    closed with the module that used it."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=BROWSER_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(browser: Any, console_emulator: BackgroundServer,
         request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser page; its screenshot is saved after the test, and logged on failure."""
    context = browser.new_context(base_url=console_emulator.endpoint_url,
                                  viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield opened
        assert not errors, f"the page's script failed: {errors}"
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"{request.node.name}.png"
        try:
            opened.screenshot(path=str(shot), full_page=True)
        except Exception as error:  # a closed page cannot be photographed
            print(f"no screenshot for {request.node.name}: {error}")
        failed = getattr(request.node, "report_call", None)
        if failed is not None and failed.failed and shot.exists():
            print(f"\nscreenshot of the failure: {shot}\nBEGIN SCREENSHOT {shot.name}")
            encoded = base64.b64encode(shot.read_bytes()).decode()
            print("\n".join(encoded[i:i + 100] for i in range(0, len(encoded), 100)))
            print(f"END SCREENSHOT {shot.name}")
        context.close()
