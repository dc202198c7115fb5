"""Process-wide hooks that give in-process handler threads a world of their own.

Installed once, the first time an in-process environment starts:

- ``os.environ`` becomes a mapping that, in a thread bound to an execution environment, reads
  and writes that environment's variables, and everywhere else the real process environment.
  ``os.getenv`` reads ``os.environ``, so it follows.
- ``sys.stdout`` and ``sys.stderr`` become streams that send a bound thread's writes to its
  environment's log; they are put back in place before each invocation, since test runners
  swap these streams too.
- ``os._exit`` in a bound thread ends the handler as ``sys.exit`` would, not the emulator.

``Snapshot`` puts back the recursion limit a handler changed for the whole interpreter.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, NoReturn, TextIO


class Scope:
    """What one execution environment's thread sees."""

    def __init__(self, environ: dict[str, str], write: Callable[[str], None]) -> None:
        self.environ = environ
        self.write = write
        self.namespace: Any = None  # its ModuleNamespace, once the handler is being loaded


_local = threading.local()


def current() -> Scope | None:
    scope: Scope | None = getattr(_local, "scope", None)
    return scope


def bind(scope: Scope | None) -> None:
    """Bind the calling thread to ``scope`` (or unbind it with None)."""
    _local.scope = scope


class ThreadEnviron(os._Environ[str]):
    """``os.environ``, per execution environment.

    The process's one environ object is switched to this class in place, so code that kept a
    reference to it (botocore sessions do) follows the thread's environment too.
    """

    def __getitem__(self, key: str) -> str:
        scope = current()
        return super().__getitem__(key) if scope is None else scope.environ[key]

    def __setitem__(self, key: str, value: str) -> None:
        scope = current()
        if scope is None:
            super().__setitem__(key, value)
        elif not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"str expected, not {type(value).__name__}")
        else:
            scope.environ[key] = value

    def __delitem__(self, key: str) -> None:
        scope = current()
        if scope is None:
            super().__delitem__(key)
        else:
            del scope.environ[key]

    def __iter__(self) -> Iterator[str]:
        scope = current()
        return super().__iter__() if scope is None else iter(list(scope.environ))

    def __len__(self) -> int:
        scope = current()
        return super().__len__() if scope is None else len(scope.environ)

    def __repr__(self) -> str:
        scope = current()
        return super().__repr__() if scope is None else f"environ({scope.environ!r})"

    def copy(self) -> dict[str, str]:
        scope = current()
        return super().copy() if scope is None else dict(scope.environ)


class ThreadStream:
    """``sys.stdout`` or ``sys.stderr``: a bound thread's writes go to its log."""

    def __init__(self, target: TextIO) -> None:
        self.target = target

    def write(self, text: str) -> int:
        scope = current()
        if scope is None:
            return self.target.write(text)
        scope.write(text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if current() is None:
            self.target.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


class Snapshot:
    """Interpreter-wide state a handler may change for everyone, taken before a phase.

    Only the recursion limit is put back: a raised one lets the server's own parsers overflow
    the C stack. A changed ``sys.path`` or working folder is left alone, since code commonly
    changes them at init and relies on it afterwards (the process executor isolates them).
    """

    __slots__ = ("recursion_limit",)

    def __init__(self) -> None:
        self.recursion_limit = sys.getrecursionlimit()

    def restore(self) -> list[str]:
        """Put changed state back; returns what had changed."""
        if sys.getrecursionlimit() == self.recursion_limit:
            return []
        sys.setrecursionlimit(self.recursion_limit)
        return ["the recursion limit"]


_installed = False
_install_lock = threading.Lock()
_real_exit = os._exit


def _guarded_exit(status: int) -> NoReturn:
    if current() is not None:
        raise SystemExit(status)
    _real_exit(status)


def install() -> None:
    global _installed
    with _install_lock:
        if not _installed:
            os.environ.__class__ = ThreadEnviron
            os._exit = _guarded_exit
            _installed = True
        refresh_streams()


def refresh_streams() -> None:
    """Put the log-routing streams back in front of whatever sys.stdout/stderr now are."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, ThreadStream):
            setattr(sys, name, ThreadStream(stream))


__all__ = [
    "Scope",
    "Snapshot",
    "ThreadEnviron",
    "ThreadStream",
    "bind",
    "current",
    "install",
    "refresh_streams",
]
