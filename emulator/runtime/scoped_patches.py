"""Patches an in-process handler makes to code every function shares, kept to that handler.

Tracing and instrumentation libraries patch the AWS SDK and HTTP clients in place (X-Ray's
``patch_all()``, Powertools' ``Tracer``, OpenTelemetry's botocore instrumentation). In-process,
those modules are the emulator's and every other function's too. After each phase of an
in-process environment, the attributes in ``WATCHED`` that changed are put back, and a
``ScopedPatch`` stands in for each: threads bound to the environment that patched it see its
patch, every other thread the original. A later patch by another environment is kept for that
environment alike. Patches elsewhere are not seen; the process executor isolates everything.
"""

from __future__ import annotations

import importlib
import sys
import threading
from typing import Any

from emulator.runtime import isolation

# (module, class or None for a module-level function, attribute): where X-Ray's patch_all(),
# Powertools' Tracer and OpenTelemetry's botocore and HTTP instrumentations patch.
WATCHED: tuple[tuple[str, str | None, str], ...] = (
    ("botocore.client", "BaseClient", "_make_api_call"),
    ("botocore.endpoint", "Endpoint", "prepare_request"),
    ("botocore.endpoint", "Endpoint", "_send"),
    ("http.client", "HTTPConnection", "_send_request"),
    ("http.client", "HTTPConnection", "getresponse"),
    ("http.client", "HTTPResponse", "read"),
    ("requests.sessions", "Session", "send"),
    ("requests.sessions", "Session", "request"),
    ("requests.sessions", "Session", "prepare_request"),
    ("httpx", "Client", "send"),
    ("httpx", "AsyncClient", "send"),
    # X-Ray replaces httpx's client classes: a class cannot stand in per thread, so a
    # replaced class is put back for everyone.
    ("httpx", None, "Client"),
    ("httpx", None, "AsyncClient"),
    ("httpx._api", None, "Client"),
    ("urllib3.connectionpool", "HTTPConnectionPool", "urlopen"),
    ("sqlite3", None, "connect"),
)

_lock = threading.Lock()


class ScopedPatch:
    """Stands in for a patched attribute: each environment's threads see its own patch."""

    def __init__(self, original: Any) -> None:
        self.original = original
        self.patches: dict[isolation.Scope, Any] = {}

    def chosen(self) -> Any:
        if self.patches:
            scope = isolation.current()
            if scope is not None:
                return self.patches.get(scope, self.original)
        return self.original

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        value = self.chosen()
        bind = getattr(type(value), "__get__", None)
        return value if bind is None else bind(value, instance, owner)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.chosen()(*args, **kwargs)


def _owner(module_name: str, class_name: str | None) -> Any:
    module = sys.modules.get(module_name)
    if module is None or class_name is None:
        return module
    return getattr(module, class_name, None)


def _raw(owner: Any, attribute: str) -> Any:
    """The attribute as stored (not bound): from the class or the first base defining it,
    or from the module."""
    if isinstance(owner, type):
        own = owner.__dict__.get(attribute)
        if own is not None:
            return own
        for klass in owner.__mro__:
            if attribute in klass.__dict__:
                return klass.__dict__[attribute]
        return None
    return getattr(owner, attribute, None)


_targets: tuple[int, list[tuple[Any, str]]] = (-1, [])


def _loaded_targets() -> list[tuple[Any, str]]:
    """The watched (owner, attribute) pairs whose modules are loaded; looked up again only
    when the set of loaded modules grew (every phase asks)."""
    global _targets
    loaded = len(sys.modules)
    if _targets[0] != loaded:
        found = []
        for module_name, class_name, attribute in WATCHED:
            owner = _owner(module_name, class_name)
            if owner is not None:
                found.append((owner, attribute))
        _targets = (loaded, found)
    return _targets[1]


class Watch:
    """The watched attributes before one phase of one environment."""

    __slots__ = ("before",)

    def __init__(self) -> None:
        self.before = [(owner, attribute, _raw(owner, attribute))
                       for owner, attribute in _loaded_targets()]

    def keep_to(self, scope: isolation.Scope) -> list[str]:
        """Move what the phase patched behind a ScopedPatch for ``scope``; returns the names
        of the patched attributes."""
        patched = []
        with _lock:
            for owner, attribute, before in self.before:
                now = _raw(owner, attribute)
                if now is before or now is None or before is None:
                    continue
                name = getattr(owner, "__qualname__", getattr(owner, "__name__", "?"))
                module = getattr(owner, "__module__", "") if isinstance(owner, type) else ""
                shown = ".".join(part for part in (module, name, attribute) if part)
                if isinstance(before, type):
                    setattr(owner, attribute, before)
                    patched.append(f"{shown} (replaced: put back for everyone)")
                    continue
                stand_in = before if isinstance(before, ScopedPatch) else ScopedPatch(before)
                stand_in.patches[scope] = now
                setattr(owner, attribute, stand_in)
                patched.append(shown)
        return patched


def forget(scope: isolation.Scope) -> None:
    """Drop a closed environment's patches."""
    with _lock:
        for module_name, class_name, attribute in WATCHED:
            owner = _owner(module_name, class_name)
            stand_in = None if owner is None else _raw(owner, attribute)
            if isinstance(stand_in, ScopedPatch):
                stand_in.patches.pop(scope, None)


def originals() -> list[tuple[Any, str, Any]]:
    """Every watched attribute as it was before any environment patched it (for tests that
    put the process back)."""
    found = []
    for module_name, class_name, attribute in WATCHED:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        owner = module if class_name is None else getattr(module, class_name, None)
        if owner is None:
            continue
        value = _raw(owner, attribute)
        found.append((owner, attribute, value.original if isinstance(value, ScopedPatch)
                      else value))
    return found


__all__ = ["WATCHED", "ScopedPatch", "Watch", "forget", "originals"]
