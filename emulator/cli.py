"""The command line: ``serve`` (the default), ``reset`` and ``status``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from emulator import __version__
from emulator.config import Settings


def _add_server_options(parser: argparse.ArgumentParser, *, nested: bool = False) -> None:
    # Subcommands must not overwrite options given before them with their own defaults.
    unset: dict[str, Any] = {"default": argparse.SUPPRESS} if nested else {}
    parser.add_argument(
        "--host", **unset, help="address to bind (EMULATOR_HOST, default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, **unset, help="port (EMULATOR_PORT, default 4566)")
    parser.add_argument(
        "--state-dir",
        type=Path,
        **unset,
        help="persist state here (EMULATOR_STATE_DIR; default memory)",
    )
    parser.add_argument(
        "--region", **unset, help="default region (EMULATOR_REGION, default us-east-1)"
    )
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error", "critical"],
        **unset,
        help="log level (EMULATOR_LOG_LEVEL, default info)",
    )
    parser.add_argument(
        "--deploy",
        type=Path,
        action="append",
        **unset,
        help="run this Python script once the server is up, with AWS_ENDPOINT_URL set (repeatable)",
    )


_SERVER_KEYS = ("host", "port", "state_dir", "region", "log_level", "deploy")


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        key: value for key in _SERVER_KEYS if (value := getattr(args, key, None)) is not None
    }
    return Settings(**overrides)


def _endpoint(args: argparse.Namespace) -> str:
    if args.endpoint_url:
        return str(args.endpoint_url).rstrip("/")
    settings = _settings(args)
    host = "localhost" if settings.host in ("0.0.0.0", "127.0.0.1") else settings.host
    return f"http://{host}:{settings.port}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="localcloud", description="A local serverless cloud in one Python process."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="run the emulator (the default)")
    _add_server_options(serve, nested=True)
    for name, text in (
        ("reset", "forget state (all, or one service's)"),
        ("status", "print the health of a running emulator"),
    ):
        sub = commands.add_parser(name, help=text)
        _add_server_options(sub, nested=True)
        sub.add_argument("--endpoint-url", help="the emulator to talk to")
        if name == "reset":
            sub.add_argument("--service", help="reset only this service")
    _add_server_options(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "serve"
    if command == "serve":
        from emulator.server import serve

        serve(_settings(args))
        return 0
    url = _endpoint(args)
    try:
        if command == "status":
            reply = httpx.get(f"{url}/_emulator/health", timeout=5)
        else:
            body = {"service": args.service} if args.service else {}
            reply = httpx.post(f"{url}/_emulator/reset", json=body, timeout=5)
    except httpx.HTTPError as exc:
        print(f"cannot reach the emulator at {url}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(reply.json(), indent=2))
    return 0 if reply.is_success else 1


__all__ = ["build_parser", "main"]
