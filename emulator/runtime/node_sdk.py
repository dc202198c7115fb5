"""The AWS SDK for JavaScript that Lambda's Node.js runtimes carry: v3 in Node.js 18 and
later, v2 (the ``aws-sdk`` package) in Node.js 16 and earlier.

AWS puts the SDK's ``@aws-sdk/*`` clients in the runtime, on ``NODE_PATH`` after the layers'
folders, so a function may ``require('@aws-sdk/client-s3')`` without bundling it (the CDK's own
handlers and esbuild's default of leaving ``@aws-sdk/*`` out of a bundle count on it). Here the
clients a function's code names are installed once with ``npm`` into a shared folder (a cache
kept between runs: the ``lambda_nodejs_sdk_dir`` setting), before the function's first init,
and that folder joins ``NODE_PATH`` where AWS puts its own. A client the function or a layer
bundles is never installed. The v2 SDK lives in a folder of its own, so a Node.js 18 function
that loads ``aws-sdk`` without bundling it fails as it does on AWS.

https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

log = logging.getLogger("emulator.lambda")

# A package the code loads: the specifier of a require() or import() call, an import or an
# export-from, closing right after the name (or a subpath). A bundled SDK also quotes its
# package names in error text ("@aws-sdk/util-endpoint - ...", "[require('@aws-sdk/...')]")
# and as symbol keys (Symbol.for("@aws-sdk/reviver")), none of which it loads.
_NAME = rb"""["'`](@aws-sdk/[a-z0-9][a-z0-9.-]*|aws-sdk)(?:/[^"'`\s]*)?["'`]"""
_PACKAGE = re.compile(rb"(?<![\[\w$.])(?:(?:__)?require|import)\s*\(\s*" + _NAME
                      + rb"|(?:\bfrom|(?<![\[\w$.])import)\s*" + _NAME)
_SOURCES = (".js", ".mjs", ".cjs")
_MAX_SCANNED = 8 * 1024 * 1024  # bytes of source read per function, at most
_INSTALL_SECONDS = 300
_QUICK_FAILURE = ("--prefer-offline", "--fetch-retries=1", "--fetch-retry-mintimeout=2000",
                  "--fetch-retry-maxtimeout=5000", "--fetch-timeout=30000")
SDK_V2 = "aws-sdk"  # the v2 SDK's one package, in the runtimes before Node.js 18
_V2_FOLDER = "sdk-v2"
_lock = threading.Lock()
_failed: set[str] = set()  # packages npm could not install, not tried again


def folder(chosen: Path | None) -> Path:
    """The folder holding the installed clients: the one chosen, else the user's cache."""
    if chosen is not None:
        return chosen
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "localcloud" / "nodejs-sdk"


def named_packages(code_dir: Path) -> set[str]:
    """The SDK packages (``@aws-sdk/*``, ``aws-sdk``) the function's own sources name
    (outside node_modules)."""
    found: set[str] = set()
    budget = _MAX_SCANNED
    for root, dirs, files in os.walk(code_dir):
        dirs[:] = [name for name in dirs if name != "node_modules" and not name.startswith(".")]
        for name in files:
            if not name.endswith(_SOURCES):
                continue
            path = Path(root) / name
            try:
                data = path.read_bytes()[:budget]
            except OSError:
                continue
            budget -= len(data)
            found.update((match.group(1) or match.group(2)).decode()
                         for match in _PACKAGE.finditer(data))
            if budget <= 0:
                return found
    return found


def _bundled(package: str, code_dir: Path, layer_dirs: tuple[Path, ...], major: int) -> bool:
    places = [code_dir / "node_modules"]
    for layer in layer_dirs:
        places += [layer / "nodejs" / f"node{major}" / "node_modules",
                   layer / "nodejs" / "node_modules"]
    return any((place / package / "package.json").is_file() for place in places)


def provide(target: Path | None, code_dir: Path, layer_dirs: tuple[Path, ...],
            major: int) -> Path | None:
    """The ``node_modules`` folder under ``target`` holding every client the function names
    and does not bundle (installing the missing ones), or None when there is nothing to
    offer (no ``target``: turned off). Blocking: run it in a thread."""
    if target is None:
        return None
    v2 = major < 18
    if v2:
        target = target / _V2_FOLDER
    wanted = {package for package in named_packages(code_dir)
              if (package == SDK_V2) == v2
              and not _bundled(package, code_dir, layer_dirs, major)}
    modules = target / "node_modules"
    with _lock:
        missing = sorted(package for package in wanted - _failed
                         if not (modules / package / "package.json").is_file())
        if missing:
            _install(target, missing)
    return modules if modules.is_dir() else None


def _install(target: Path, packages: list[str]) -> None:
    npm = shutil.which("npm")
    if npm is None:
        log.warning("npm is not installed, so the AWS SDK clients %s are not provided to "
                    "Node.js functions", ", ".join(packages))
        _failed.update(packages)
        return
    target.mkdir(parents=True, exist_ok=True)
    log.info("installing the AWS SDK for JavaScript clients %s into %s", ", ".join(packages),
             target)
    try:
        done = subprocess.run(
            # Saved to the folder's package.json, so a later install keeps these. npm's cache
            # first, and a registry out of reach given up on in seconds (npm's own retries
            # took over a minute): a machine offline gets its cold start back at once.
            [npm, "install", "--no-audit", "--no-fund", *_QUICK_FAILURE, "--prefix",
             str(target), *(f"{name}@2" if name == SDK_V2 else name for name in packages)],
            capture_output=True, text=True, timeout=_INSTALL_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("npm could not install %s: %s", ", ".join(packages), error)
        _failed.update(packages)
        return
    if done.returncode != 0 and len(packages) > 1 and "E404" in done.stderr:
        # npm installs all or nothing: one name the registry does not have must not keep
        # out the clients the function does load, so each is tried on its own.
        for package in packages:
            _install(target, [package])
    elif done.returncode != 0:
        log.warning("npm could not install %s: %s", ", ".join(packages),
                    done.stderr.strip()[-2000:])
        _failed.update(packages)


__all__ = ["folder", "named_packages", "provide"]
