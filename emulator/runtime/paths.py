"""Paths as Lambda shows them: the function's code at ``/var/task``, layers at ``/opt``, the
runtime's own files at ``/var/runtime``.

Code runs from wherever the emulator unpacked it, so ``__file__`` and ``LAMBDA_TASK_ROOT`` stay
real (a handler reading its own files must find them); error payloads and log lines, which
people and tests compare with AWS's, are rewritten. Hot-reload folders keep their real paths,
so an editor can open the file a stack trace names.
"""

from __future__ import annotations

from pathlib import Path

from emulator.runtime.spec import FunctionSpec

RUNTIME_DIR = Path(__file__).resolve().parent
NODE_RUNTIME_DIR = RUNTIME_DIR / "nodejs"


def aws_paths(spec: FunctionSpec) -> list[tuple[str, str]]:
    """(real prefix, AWS prefix) pairs, the longest real prefix first."""
    pairs = [(str(NODE_RUNTIME_DIR), "/var/runtime"), (str(RUNTIME_DIR), "/var/runtime")]
    if not spec.hot_reload:
        pairs.append((str(spec.code_dir), "/var/task"))
        pairs.extend((str(layer), "/opt") for layer in spec.layer_dirs)
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def rewrite(text: str, pairs: list[tuple[str, str]]) -> str:
    for real, shown in pairs:
        if real in text:
            text = text.replace(real, shown)
    return text


def rewrite_bytes(data: bytes, pairs: list[tuple[str, str]]) -> bytes:
    for real, shown in pairs:
        encoded = real.encode()
        if encoded in data:
            data = data.replace(encoded, shown.encode())
    return data


__all__ = ["NODE_RUNTIME_DIR", "RUNTIME_DIR", "aws_paths", "rewrite", "rewrite_bytes"]
