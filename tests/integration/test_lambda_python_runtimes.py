"""Python as AWS runs it: the declared version's interpreter where one is installed (with the
AWS SDK the runtime provides), the emulator's own Python otherwise (and the log says so once),
and in-process functions whose own modules are found by importlib, pkgutil, importlib.resources
and entry points, as they are on AWS."""

from __future__ import annotations

import base64
import sys
from typing import Any

import pytest
from lambda_support import create_function, invoke

from emulator.runtime import runtimes
from emulator.testing import EmulatorHandle

VERSION = """
import sys
import boto3
def handler(event, context):
    return {"version": "%d.%d" % sys.version_info[:2], "boto3": boto3.__name__}
"""


def tail(reply: dict[str, Any]) -> str:
    return base64.b64decode(reply["LogResult"]).decode()


def other_installed_python() -> str:
    own = f"{sys.version_info.major}.{sys.version_info.minor}"
    for version in reversed(runtimes.PYTHON_VERSIONS):  # the newest: the SDK supports it
        if version != own and runtimes.python_for(f"python{version}"):
            return version
    pytest.skip("no other Python version is installed here")


def test_an_installed_interpreter_of_the_declared_version_runs_the_function(
        emulator: EmulatorHandle) -> None:
    version = other_installed_python()
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": VERSION}, Runtime=f"python{version}",
                           Tags={"emulator:executor": "process"})
    reply, body = invoke(client, name, LogType="Tail")
    assert body == {"version": version, "boto3": "boto3"}
    assert "[emulator]" not in tail(reply)


@pytest.mark.slow  # probes the installed interpreters and cold-starts one: a few seconds
def test_an_older_installed_interpreter_still_gets_a_working_boto3(
        emulator: EmulatorHandle) -> None:
    """Every Python runtime includes the SDK for Python (Boto3), a build that runs on it
    (https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html, "Runtime-included SDK
    versions"). The emulator's own boto3 and urllib3 may need a newer Python than an older
    runtime's (urllib3 2 needs 3.10): then the emulator's Python runs the function, and the
    log says why, instead of every ``import boto3`` failing."""
    own = f"{sys.version_info.major}.{sys.version_info.minor}"
    oldest = next((version for version in runtimes.PYTHON_VERSIONS
                   if version != own and runtimes.python_for(f"python{version}")), None)
    if oldest is None:
        pytest.skip("no other Python version is installed here")
    client = emulator.client("lambda")
    name = create_function(client, {"app.py": VERSION}, Runtime=f"python{oldest}",
                           Tags={"emulator:executor": "process"})
    reply, body = invoke(client, name, LogType="Tail")
    assert "FunctionError" not in reply, body
    assert body["boto3"] == "boto3"
    if body["version"] != oldest:
        assert (f"[emulator] python{oldest} here cannot import the AWS SDK for Python"
                in tail(reply))


def test_without_that_interpreter_the_emulators_python_runs_it_and_says_so_once(
        emulator: EmulatorHandle) -> None:
    missing = next((f"python{v}" for v in runtimes.PYTHON_VERSIONS
                    if runtimes.python_for(f"python{v}") is None), None)
    if missing is None:
        pytest.skip("every Python version is installed here")
    own = f"{sys.version_info.major}.{sys.version_info.minor}"
    client = emulator.client("lambda")
    for executor in ("process", "inprocess"):
        name = create_function(client, {"app.py": VERSION}, Runtime=missing,
                               Tags={"emulator:executor": executor})
        reply, body = invoke(client, name, LogType="Tail")
        assert body["version"] == own
        assert f"[emulator] {missing} " in tail(reply)
        client.update_function_configuration(FunctionName=name,
                                             Environment={"Variables": {"AGAIN": "1"}})
        assert "[emulator]" not in tail(invoke(client, name, LogType="Tail")[0])


IMPORTS = {
    "app.py": """
        import importlib, importlib.metadata, importlib.resources, importlib.util, pkgutil
        import plugins

        def handler(event, context):
            found = importlib.import_module("plugins.alpha")
            names = sorted(info.name for info in pkgutil.iter_modules(plugins.__path__))
            text = importlib.resources.files("plugins").joinpath("data.txt").read_text()
            points = importlib.metadata.entry_points(group="demo.plugins")
            loaded = [point.load()() for point in points]
            return {"imported": found.NAME, "same": found is plugins.alpha if hasattr(
                        plugins, "alpha") else True,
                    "modules": names, "resource": text.strip(), "entry_points": loaded,
                    "spec": importlib.util.find_spec("plugins.beta") is not None}
    """,
    "plugins/__init__.py": "",
    "plugins/alpha.py": "NAME = 'alpha'\n",
    "plugins/beta.py": "def hello():\n    return 'beta says hello'\n",
    "plugins/data.txt": "shipped in the zip\n",
    "demo_plugins-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: demo-plugins\n"
                                           "Version: 1.0\n",
    "demo_plugins-1.0.dist-info/entry_points.txt": "[demo.plugins]\nbeta = plugins.beta:hello\n",
}


@pytest.mark.parametrize("executor", ["inprocess", "process"])
def test_importlib_pkgutil_resources_and_entry_points_find_the_functions_modules(
        emulator: EmulatorHandle, executor: str) -> None:
    client = emulator.client("lambda")
    name = create_function(client, IMPORTS, Tags={"emulator:executor": executor})
    reply, body = invoke(client, name)
    assert "FunctionError" not in reply, body
    assert body == {"imported": "alpha", "same": True, "modules": ["alpha", "beta"],
                    "resource": "shipped in the zip", "entry_points": ["beta says hello"],
                    "spec": True}
    # Nothing of the function leaked into the emulator's own import system.
    import importlib.util
    assert importlib.util.find_spec("plugins") is None
