"""Each in-process execution environment imports its own copy of its own modules.

A function's modules live under a private package (``_lambda_env_<id>``) whose path is the
function's code folder and layers, so two functions that both ship ``helpers.py`` never share
it, and a retired environment's modules are dropped with it. Code in those modules runs with
its own builtins, whose ``__import__`` sends a name found in the function's folders to the
private package and every other name (the standard library, installed packages) to the normal
import system. ``logging`` is always private, so each environment has its own root logger, as
each Lambda process does.

Code that imports by name at run time reaches the same modules: in a thread bound to an
environment, ``importlib.import_module`` (and so entry points and ``importlib.resources``) and
``importlib.util.find_spec`` send a name found in the function's folders to its private
package, and ``importlib.metadata`` also reads the distributions shipped in those folders.
"""

from __future__ import annotations

import builtins
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import sys
import threading
import types
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from emulator.runtime import isolation

# Standard-library packages each environment gets a fresh copy of.
ISOLATED = frozenset({"logging"})
_STDLIB_DIR = str(Path(logging.__file__).resolve().parent.parent)
_original_import = builtins.__import__


class _EnvLoader(importlib.machinery.SourceFileLoader):
    """Runs a module with its environment's builtins; without bytecode for hot reload."""

    def __init__(self, fullname: str, path: str, namespace: ModuleNamespace) -> None:
        super().__init__(fullname, path)
        self.namespace = namespace

    def exec_module(self, module: types.ModuleType) -> None:
        module.__dict__["__builtins__"] = self.namespace.builtins
        super().exec_module(module)

    def path_stats(self, path: str) -> Mapping[str, Any]:
        if not self.namespace.cache_bytecode:
            raise OSError("bytecode disabled")  # makes get_code compile the source afresh
        return super().path_stats(path)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds modules under the private packages; installed once, first on sys.meta_path."""

    def __init__(self) -> None:
        self.namespaces: dict[str, ModuleNamespace] = {}

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        root, _, rest = fullname.partition(".")
        namespace = self.namespaces.get(root)
        if namespace is None or not rest:
            return None
        return namespace.find_spec(fullname, rest, path)

    def find_distributions(self, context: Any = None) -> Any:
        if context is None:
            from importlib.metadata import DistributionFinder

            context = DistributionFinder.Context()
        return _distributions(context)


def _bound_namespace() -> ModuleNamespace | None:
    scope = isolation.current()
    namespace: ModuleNamespace | None = None if scope is None else scope.namespace
    return namespace


_original_gcd_import = importlib._bootstrap._gcd_import  # type: ignore[attr-defined]
_original_find_spec = importlib.util.find_spec


def _gcd_import(name: str, package: str | None = None, level: int = 0) -> types.ModuleType:
    """What ``importlib.import_module`` calls: a function's own module by its own name."""
    if level == 0:
        namespace = _bound_namespace()
        if namespace is not None:
            name = namespace.private_name(name)
    module: types.ModuleType = _original_gcd_import(name, package, level)
    return module


def _find_spec(name: str, package: str | None = None) -> importlib.machinery.ModuleSpec | None:
    namespace = _bound_namespace()
    if namespace is not None and not name.startswith("."):
        name = namespace.private_name(name)
    return _original_find_spec(name, package)


def _distributions(context: Any) -> Any:
    """Distributions (``*.dist-info``) shipped in the bound environment's folders."""
    namespace = _bound_namespace()
    if namespace is None or context.path is not sys.path:
        return iter(())
    from importlib.metadata import DistributionFinder, MetadataPathFinder

    return MetadataPathFinder.find_distributions(
        DistributionFinder.Context(name=context.name, path=list(namespace.paths)))


_finder = _Finder()
_install_lock = threading.Lock()


def _install() -> None:
    with _install_lock:
        if _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)
            importlib._bootstrap._gcd_import = _gcd_import  # type: ignore[attr-defined]
            importlib.util.find_spec = _find_spec


class ModuleNamespace:
    """The modules of one execution environment."""

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        cache_bytecode: bool = True,
        builtins_overrides: Mapping[str, Any] | None = None,
    ) -> None:
        _install()
        self.root = f"_lambda_env_{uuid.uuid4().hex[:12]}"
        self.paths = [str(path) for path in paths if path.is_dir()]
        self.cache_bytecode = cache_bytecode
        self.builtins: dict[str, Any] = dict(vars(builtins))
        self.builtins["__import__"] = self._import
        self.builtins.update(builtins_overrides or {})
        self._local: dict[str, bool] = {}
        if not cache_bytecode:
            for entry in self.paths:  # directory listings may be stale after an edit
                sys.path_importer_cache.pop(entry, None)
        package = types.ModuleType(self.root)
        package.__path__ = list(self.paths)
        package.__package__ = self.root
        spec = importlib.machinery.ModuleSpec(self.root, None, is_package=True)
        spec.submodule_search_locations = list(self.paths)
        package.__spec__ = spec
        sys.modules[self.root] = package
        _finder.namespaces[self.root] = self

    def import_module(self, name: str) -> types.ModuleType:
        """Import one of the function's modules by its own name (``app``, ``pkg.app``)."""
        top = name.partition(".")[0]
        if not self.is_local(top):
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        try:
            return importlib.import_module(f"{self.root}.{name}")
        except ModuleNotFoundError as error:
            missing = (error.name or "").removeprefix(f"{self.root}.")
            raise ModuleNotFoundError(f"No module named '{missing}'", name=missing) from None

    def private_name(self, name: str) -> str:
        """The name under which the environment imports ``name`` (itself when it is not
        one of the function's modules)."""
        top = name.partition(".")[0]
        if top == self.root or not self.is_local(top):
            return name
        return f"{self.root}.{name}"

    def is_local(self, top: str) -> bool:
        known = self._local.get(top)
        if known is None:
            known = self._find_local(top)
            self._local[top] = known
        return known

    def _find_local(self, top: str) -> bool:
        if top in ISOLATED:
            return True
        spec = importlib.machinery.PathFinder.find_spec(top, self.paths)
        if spec is None:
            return False
        if spec.origin not in (None, "namespace"):
            return True
        # A bare folder counts as a namespace package only when nothing else has the name.
        return importlib.util.find_spec(top) is None

    def find_spec(
        self, fullname: str, rest: str, path: Sequence[str] | None
    ) -> importlib.machinery.ModuleSpec | None:
        if "." not in rest:
            spec = importlib.machinery.PathFinder.find_spec(fullname, self.paths)
            if spec is None and rest in ISOLATED:
                spec = importlib.machinery.PathFinder.find_spec(fullname, [_STDLIB_DIR])
        else:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None:
            return None
        if isinstance(spec.loader, importlib.machinery.SourceFileLoader) and spec.origin:
            spec.loader = _EnvLoader(fullname, spec.origin, self)
        return spec

    def _import(
        self,
        name: str,
        globals: Mapping[str, Any] | None = None,
        locals: Mapping[str, Any] | None = None,
        fromlist: Sequence[str] = (),
        level: int = 0,
    ) -> types.ModuleType:
        if level == 0:
            top = name.partition(".")[0]
            if self.is_local(top):
                module = _original_import(f"{self.root}.{name}", globals, locals, fromlist, 0)
                return module if fromlist else sys.modules[f"{self.root}.{top}"]
        return _original_import(name, globals, locals, fromlist, level)

    def close(self) -> None:
        """Forget every module of this environment."""
        _finder.namespaces.pop(self.root, None)
        prefix = self.root + "."
        for name in [n for n in list(sys.modules) if n == self.root or n.startswith(prefix)]:
            sys.modules.pop(name, None)


__all__ = ["ISOLATED", "ModuleNamespace"]
