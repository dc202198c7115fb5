"""The command line: ``serve`` (the default), ``reset``, ``status``, ``deploy TEMPLATE``, and
X-Ray's ``traces`` and ``trace ID``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from emulator import __version__
from emulator.config import Settings, options
from emulator.services.cloudformation import cli as deploy_cli
from emulator.services.xray import cli as xray_cli


def _option_kwargs(annotation: Any) -> dict[str, Any]:
    """argparse keyword arguments for a settings field of this type."""
    if annotation is bool:
        return {"action": argparse.BooleanOptionalAction}
    if get_origin(annotation) is Literal:
        return {"choices": list(get_args(annotation))}
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        return {"action": "append", "type": item}
    if get_origin(annotation) in (Union, UnionType):
        present = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _option_kwargs(present[0])
    return {"type": annotation}


def _add_server_options(parser: argparse.ArgumentParser, *, nested: bool = False) -> None:
    """One flag per settings field, so every ``EMULATOR_*`` variable is also a flag."""
    for option in options():
        name, kwargs = option.name, _option_kwargs(option.annotation)
        # Subcommands must not overwrite options given before them with their own defaults.
        if nested:
            kwargs["default"] = argparse.SUPPRESS
        parser.add_argument(
            "--" + name.replace("_", "-"),
            dest=name,
            help=f"{option.description} (EMULATOR_{name.upper()}, default {option.default})",
            **kwargs,
        )


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        key: value
        for key in (option.name for option in options())
        if (value := getattr(args, key, None)) is not None
    }
    return Settings(**overrides)


def _endpoint(args: argparse.Namespace) -> str:
    given = getattr(args, "endpoint_url", None)
    if given:
        return str(given).rstrip("/")
    settings = _settings(args)
    host = "localhost" if settings.host in ("0.0.0.0", "127.0.0.1") else settings.host
    return f"http://{host}:{settings.port}"


def _client_options() -> argparse.ArgumentParser:
    """What a client command needs to find a running emulator, and nothing of the server's.

    Defaults are suppressed so ``--port`` given before the command name is kept; an unset
    option falls back to its ``EMULATOR_*`` variable, as the server does."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("finding the emulator")
    group.add_argument("--endpoint-url", default=argparse.SUPPRESS,
                       help="the emulator's URL (default http://localhost:PORT)")
    group.add_argument("--host", default=argparse.SUPPRESS,
                       help="its host when no --endpoint-url (EMULATOR_HOST, default 127.0.0.1)")
    group.add_argument("--port", type=int, default=argparse.SUPPRESS,
                       help="its port when no --endpoint-url (EMULATOR_PORT, default 4566)")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="localcloud", description="A local serverless cloud in one Python process."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="run the emulator (the default)")
    _add_server_options(serve, nested=True)
    common = _client_options()
    for name, text in (
        ("reset", "forget state (all, or one service's) of a running emulator"),
        ("status", "print the health of a running emulator"),
    ):
        sub = commands.add_parser(name, help=text, description=text, parents=[common])
        if name == "reset":
            sub.add_argument("--service", help="reset only this service")
    xray_cli.add_commands(commands, common)
    deploy_cli.add_command(commands, common)
    _add_server_options(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "serve"
    try:
        settings = _settings(args)
    except ValueError as problem:
        print(f"localcloud: invalid setting: {problem}", file=sys.stderr)
        return 2
    if command == "serve":
        from emulator.server import serve

        serve(settings)
        return 0
    import httpx  # only the client commands need it

    url = _endpoint(args)
    if command in ("traces", "trace"):
        return xray_cli.run(args, url)
    if command == "deploy":
        return deploy_cli.run(args, url, settings.region)
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
