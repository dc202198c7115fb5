"""docker-compose.yml publishes what a laptop needs and nothing beyond the loopback address:
the emulator's port and the X-Ray daemon's, UDP for segments and TCP for the SDKs' sampling
calls (the daemon listens on the server's host, 0.0.0.0 in the image)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_publishes_the_x_ray_daemon_on_loopback() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    ports = compose["services"]["emulator"]["ports"]
    assert "127.0.0.1:4566:4566" in ports
    assert "127.0.0.1:2000:2000/udp" in ports
    assert "127.0.0.1:2000:2000/tcp" in ports
    assert all(str(port).startswith("127.0.0.1:") for port in ports), ports
    assert "2000/udp" in (ROOT / "Dockerfile").read_text()
