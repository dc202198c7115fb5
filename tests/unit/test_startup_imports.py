"""Start-up stays light: heavy libraries load with the first request that needs them.

The start-up and idle-memory budgets (bench/) depend on this; a module-level import of one of
these in a start-up path would quietly break them.
"""

import subprocess
import sys

HEAVY = ("pydantic", "botocore", "boto3", "httpx", "lark", "jsonschema", "airspeed", "jsonata")

PROBE = f"""
import asyncio, sys
from emulator.app import build_app
from emulator.cli import build_parser
from emulator.config import Settings

build_parser()
app = build_app(Settings(port=0, xray_daemon_port=0))

async def start_and_stop():
    async with app.router.lifespan_context(app):
        pass

asyncio.run(start_and_stop())
print(sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r})))
"""


def test_starting_the_server_loads_no_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr
