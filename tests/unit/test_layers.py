"""The layers of the package and the imports between them.

The ground floor (errors, context, clock, config, ports, ids, arns, store) imports no layer
above it; the wire layer knows no service; the engines (runtime, asl, gateway, xray) reach
services only through the ports; and no import cycle hides behind import order.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "emulator"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(_module_name(path) for path in PACKAGE.rglob("*.py"))


def _imports(folder: str) -> dict[str, set[str]]:
    """Every emulator module each module under ``folder`` imports, wherever the import
    stands (module level, inside functions, under TYPE_CHECKING)."""
    found: dict[str, set[str]] = {}
    for path in (PACKAGE / folder).rglob("*.py") if folder else PACKAGE.glob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[_module_name(path)] = {name for name in names if name.startswith("emulator")}
    return found


def _offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{module} imports {name}" for module, names in sorted(_imports(folder).items())
            for name in sorted(names) if name.startswith(forbidden)]


def test_the_wire_layer_knows_no_service() -> None:
    assert _offenders("wire", ("emulator.services",)) == []


@pytest.mark.parametrize("engine", ["runtime", "asl", "gateway", "xray"])
def test_engines_reach_services_only_through_the_ports(engine: str) -> None:
    assert _offenders(engine, ("emulator.services", "emulator.wire", "emulator.app")) == []


def test_the_ground_floor_imports_no_layer_above_it() -> None:
    above = ("emulator.services", "emulator.wire", "emulator.gateway", "emulator.runtime",
             "emulator.asl", "emulator.app", "emulator.server", "emulator.cli")
    floor = {name: names for name, names in _imports("").items()
             if name.split(".")[-1] in ("errors", "context", "clock", "config", "ports",
                                        "ids", "arns", "accounts", "operations")}
    assert floor, "the ground-floor modules are found"
    assert [f"{module} imports {name}" for module, names in sorted(floor.items())
            for name in sorted(names) if name.startswith(above)] == []
    assert _offenders("store", above) == []


PROBE = """
import importlib, random, sys
names = sys.argv[2:]
random.Random(int(sys.argv[1])).shuffle(names)
for name in names:
    importlib.import_module(name)
print(len(names))
"""


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_module_imports_first_in_a_fresh_interpreter_in_any_order(seed: int) -> None:
    """A cycle hidden by import order fails when the order changes: each module is
    imported in a shuffled order, so each run starts the cycle from different modules."""
    names = [name for name in MODULES if name != "emulator.__main__"]
    done = subprocess.run([sys.executable, "-c", PROBE, str(seed), *names],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == str(len(names))


FIRST = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "emulator" or m.startswith("emulator.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""


def test_each_module_imports_first() -> None:
    """Each module imported first, with no other module of the package loaded before it."""
    names = [name for name in MODULES if name != "emulator.__main__"]
    # A share of the modules per core: each interpreter re-imports the package per module.
    shares = max(2, os.cpu_count() or 2)
    probes = [subprocess.Popen([sys.executable, "-c", FIRST, *names[start::shares]],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for start in range(shares)]
    for probe in probes:
        out, err = probe.communicate(timeout=300)
        assert probe.returncode == 0, err[-3000:]
        assert out.strip() == "", out


def _module_level_imports() -> dict[str, set[str]]:
    """What each module imports when it is imported: its top-level imports, not those in
    functions or under TYPE_CHECKING."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        names: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        graph[_module_name(path)] = {name for name in names if name in MODULES}
    return graph


def test_no_import_inside_a_function_hides_a_cycle() -> None:
    """An import inside a function is there to load something late (botocore, lark, a
    service's provider), never to break a cycle: the module it imports does not import,
    directly or through others, the module that imports it."""
    graph = _module_level_imports()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            name = todo.pop()
            if name == goal:
                return True
            if name not in seen:
                seen.add(name)
                todo.extend(graph.get(name, ()))
        return False

    hiding = []
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                    targets = {inner.module} | {f"{inner.module}.{a.name}" for a in inner.names}
                    hiding.extend(f"{module} -> {target}" for target in targets
                                  if target in MODULES and target != module
                                  and reaches(target, module))
    assert hiding == []
