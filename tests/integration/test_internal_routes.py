"""The /_emulator/ routes: health, reset, resources and the clock."""

import shutil
import time
from pathlib import Path

import httpx
import pytest
from emulator_process import EmulatorProcess

import emulator as emulator_package
from emulator import __version__
from emulator.testing import EmulatorHandle


def test_health_reports_version_services_and_uptime(emulator: EmulatorHandle) -> None:
    reply = httpx.get(f"{emulator.endpoint_url}/_emulator/health")
    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "running"
    assert body["version"] == __version__
    assert "sqs" in body["services"]
    assert body["uptime_seconds"] >= 0


def test_health_says_where_the_x_ray_daemon_listens(emulator: EmulatorHandle) -> None:
    daemon = httpx.get(f"{emulator.endpoint_url}/_emulator/health").json()["xray_daemon"]
    assert daemon["listening"] is True
    assert daemon["address"] == emulator.xray_daemon_address
    assert daemon["protocols"] == ["udp", "tcp"]


def test_health_reports_a_daemon_that_is_off() -> None:
    with EmulatorProcess("--xray-daemon-port", "-1") as process:
        body = process.wait_healthy()
        assert body["xray_daemon"] == {"listening": False, "requested_port": -1,
                                       "reason": "turned off (port -1)"}


def test_health_reports_a_service_whose_code_cannot_load(tmp_path: Path) -> None:
    """The README's first command installed the project; replacing that install under the
    running server (a non-editable install removed by a reinstall) leaves services that have
    not loaded yet without code. Health says so instead of "running"."""
    package = tmp_path / "site" / "emulator"
    shutil.copytree(Path(emulator_package.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PYTHONPATH": str(tmp_path / "site")}
    with EmulatorProcess(cwd=tmp_path, env=env) as process:
        body = process.wait_healthy()
        assert body["status"] == "running" and "problems" not in body
        assert body["services"]["sns"] == "available"
        shutil.rmtree(package / "services" / "sns")  # as pip uninstall does
        body = httpx.get(f"{process.url}/_emulator/health").json()
        assert body["status"] == "degraded"
        assert body["services"]["sns"] == "unavailable"
        assert "sns" in body["problems"] and "ModuleNotFoundError" in body["problems"]["sns"]
        assert body["services"]["sqs"] in ("available", "running")


def test_resources_is_a_json_listing_by_service(emulator: EmulatorHandle) -> None:
    # The first listing loads every service: give a loaded machine time for it.
    reply = httpx.get(f"{emulator.endpoint_url}/_emulator/resources", timeout=60)
    assert reply.status_code == 200
    assert "sqs" in reply.json()


def test_reset_rejects_unknown_service_and_bad_body(emulator: EmulatorHandle) -> None:
    url = f"{emulator.endpoint_url}/_emulator/reset"
    assert httpx.post(url, json={"service": "nope"}).status_code == 400
    assert httpx.post(url, content=b"[1,2]").status_code == 400
    assert httpx.post(url, content=b"{not json").status_code == 400


def test_reset_of_one_service_and_of_all(emulator: EmulatorHandle) -> None:
    url = f"{emulator.endpoint_url}/_emulator/reset"
    assert httpx.post(url, json={"service": "sqs"}).json() == {"reset": ["sqs"]}
    assert "sqs" in httpx.post(url).json()["reset"]


def test_clock_endpoint_advances_sets_and_resets(emulator: EmulatorHandle) -> None:
    url = f"{emulator.endpoint_url}/_emulator/clock"
    try:
        before = httpx.get(url).json()["now"]
        after = httpx.post(url, json={"advance": 3600}).json()["now"]
        assert after - before >= 3600
        assert emulator.clock.now() >= after
        moment = httpx.post(url, json={"set": "2030-01-01T00:00:00Z"}).json()
        assert moment["iso"].startswith("2030-01-01T00:00")
        httpx.post(url, json={"reset": True})
        assert abs(httpx.get(url).json()["now"] - time.time()) < 5
    finally:
        emulator.clock.reset()


def test_clock_endpoint_freezes_and_unfreezes(emulator: EmulatorHandle) -> None:
    url = f"{emulator.endpoint_url}/_emulator/clock"
    try:
        held = httpx.post(url, json={"set": "2030-01-01T00:00:00Z", "freeze": True}).json()
        assert held["frozen"] is True
        assert held["iso"] == "2030-01-01T00:00:00+00:00"
        time.sleep(0.05)
        assert httpx.get(url).json()["now"] == held["now"]
        assert emulator.clock.frozen and emulator.clock.now() == held["now"]
        moved = httpx.post(url, json={"advance": 1.5}).json()
        assert moved["now"] == held["now"] + 1.5 and moved["frozen"] is True
        flowing = httpx.post(url, json={"freeze": False}).json()
        assert flowing["frozen"] is False
        time.sleep(0.05)
        assert httpx.get(url).json()["now"] > moved["now"]
        httpx.post(url, json={"freeze": True})
        assert httpx.post(url, json={"reset": True}).json()["frozen"] is False
    finally:
        emulator.clock.reset()


@pytest.mark.parametrize("body", [{}, {"advance": -5}, {"advance": "soon"}, {"set": "yesterday"},
                                  {"freeze": "yes"}, {"freeze": True, "advance": -5}])
def test_clock_endpoint_rejects_bad_input(emulator: EmulatorHandle, body: object) -> None:
    url = f"{emulator.endpoint_url}/_emulator/clock"
    reply = httpx.post(url, json=body)
    assert reply.status_code == 400
    assert "error" in reply.json()
    assert httpx.get(url).json()["frozen"] is False  # nothing changed


def test_fixture_clock_is_the_servers_clock(emulator: EmulatorHandle) -> None:
    try:
        emulator.clock.advance(120)
        served = httpx.get(f"{emulator.endpoint_url}/_emulator/clock").json()
        assert served["offset_seconds"] >= 120
    finally:
        emulator.clock.reset()
