"""The Lambda engine without HTTP: account concurrency, warm reuse, zip safety, modules."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path

import pytest

from emulator.clock import Clock
from emulator.runtime import codezip
from emulator.runtime.environment import ACCOUNT_THROTTLE, EnvironmentPool
from emulator.runtime.executors.base import Completion, InvokeJob
from emulator.runtime.executors.inprocess import InProcessExecutor
from emulator.runtime.executors.process import ProcessExecutor
from emulator.runtime.invoker import Runtime
from emulator.runtime.modules import ModuleNamespace
from emulator.runtime.spec import FunctionSpec, InvocationRequest, Throttled


def spec_for(tmp_path: Path, name: str = "f", **options: object) -> FunctionSpec:
    return FunctionSpec(account="111111111111", region="eu-west-1", function_name=name,
                        function_arn=f"arn:aws:lambda:eu-west-1:111111111111:function:{name}",
                        version="$LATEST", runtime="python3.11", handler="app.handler",
                        code_dir=tmp_path, log_group=f"/aws/lambda/{name}", **options)


def test_account_limit_throttles_unreserved_functions(tmp_path: Path) -> None:
    pool = EnvironmentPool(account_limit=2, idle_seconds=60)
    first, second = spec_for(tmp_path, "a"), spec_for(tmp_path, "b")
    pool.admit(first)
    pool.admit(second)
    with pytest.raises(Throttled) as raised:
        pool.admit(first)
    assert raised.value.reason == ACCOUNT_THROTTLE
    reserved = spec_for(tmp_path, "c", reserved_concurrency=1)
    pool.admit(reserved)  # reserved concurrency is outside the unreserved pool
    pool.release(first)
    pool.admit(first)


class _Stub:
    """An environment as the pool sees it: alive or not."""

    def __init__(self, name: str, alive: bool = True) -> None:
        self.name, self.alive = name, alive


def test_the_pool_hands_out_the_warmest_and_closes_the_expired_and_the_dead(
        tmp_path: Path) -> None:
    pool = EnvironmentPool(account_limit=10, idle_seconds=60)
    spec = spec_for(tmp_path)
    assert pool.take(spec, "r1", 0.0) == (None, [])
    old, middle, dead, warm = _Stub("old"), _Stub("middle"), _Stub("dead"), _Stub("warm")
    for at, stub in ((0.0, old), (50.0, middle), (55.0, dead), (58.0, warm)):
        assert pool.give_back(spec, "r1", stub, at)
    # At 61 s "old" has been idle 61 s: closed; the warmest is handed out.
    found, stale = pool.take(spec, "r1", 61.0)
    assert found is warm and stale == [old]
    # A process that ended while idle is passed over and closed.
    dead.alive = False
    found, stale = pool.take(spec, "r1", 62.0)
    assert found is middle and stale == [dead]
    assert pool.take(spec, "r1", 62.0) == (None, [])
    # A new revision closes whatever was idle for the old one.
    assert pool.give_back(spec, "r1", old, 63.0)
    assert pool.take(spec, "r2", 63.0) == (None, [old])


def test_runtime_reuses_a_warm_environment_and_writes_logs(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("N = 0\ndef handler(e, c):\n    global N\n    N += 1\n"
                                     "    print('call', N)\n    return N\n")
    written: list[tuple[str, list[tuple[int, str]]]] = []

    class Sink:
        def write(self, account: str, region: str, group: str, stream: str,
                  events: list[tuple[int, str]]) -> None:
            written.append((group, events))

    clock = Clock()
    runtime = Runtime(clock, {"inprocess": lambda: InProcessExecutor(clock)}, log_sink=Sink())
    spec = spec_for(tmp_path)
    request = InvocationRequest(payload=b"{}", invoked_arn=spec.function_arn, tail=True)

    async def twice() -> list[bytes]:
        return [(await runtime.invoke(spec, request)).payload for _ in range(2)]

    try:
        assert asyncio.run(twice()) == [b"1", b"2"]
    finally:
        runtime.shutdown()
    assert [group for group, _ in written] == ["/aws/lambda/f", "/aws/lambda/f"]
    assert "call 2\n" in [text for _, text in written[1][1]]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_extraction_refuses_escapes_and_unpacks_safely(tmp_path: Path) -> None:
    with pytest.raises(codezip.ZipRejected):
        codezip.inspect(_zip({"a/../../x.py": b""}))
    target = tmp_path / "code"
    codezip.extract(_zip({"pkg/__init__.py": b"", "pkg/mod.py": b"X = 1"}), target)
    assert (target / "pkg" / "mod.py").read_text() == "X = 1"
    assert not list(tmp_path.glob(".unpack-*"))


def test_module_namespaces_keep_same_named_modules_apart(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "helpers.py").write_text(f"WHO = {name!r}\n")
        (tmp_path / name / "app.py").write_text("import helpers\nWHO = helpers.WHO\n")
    first = ModuleNamespace([tmp_path / "one"])
    second = ModuleNamespace([tmp_path / "two"])
    try:
        assert first.import_module("app").WHO == "one"
        assert second.import_module("app").WHO == "two"
        assert first.import_module("logging") is not second.import_module("logging")
        with pytest.raises(ModuleNotFoundError, match="No module named 'missing'"):
            first.import_module("missing")
    finally:
        first.close()
        second.close()


def test_shutdown_ends_workers_still_running_a_handler(tmp_path: Path) -> None:
    """A server that stops ends every worker, busy ones too: none finishes its handler (and
    writes its side effects) after the server is gone."""
    (tmp_path / "app.py").write_text(
        "import time\ndef handler(e, c):\n    time.sleep(30)\n")
    clock = Clock()
    executor = ProcessExecutor(clock, match_interpreter=False)
    spec = spec_for(tmp_path, timeout=60)
    environment = executor.create(spec, {}, "stream")

    async def stop_while_busy() -> Completion:
        assert (await environment.init(clock.now() + 10)).status == "ok"
        running = asyncio.ensure_future(environment.invoke(InvokeJob(
            request_id="r", payload=b"{}", invoked_arn=spec.function_arn,
            deadline=clock.now() + 60)))
        await asyncio.sleep(0.2)  # the handler is asleep in the worker
        executor.shutdown()
        return await asyncio.wait_for(running, 10)

    assert asyncio.run(stop_while_busy()).status == "exit"
    assert not environment.alive
