"""``localcloud traces`` and ``localcloud trace ID``: X-Ray traces of a running emulator,
printed as a list or as a text waterfall."""

from __future__ import annotations

import argparse
import json
import sys


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser],
                 common: argparse.ArgumentParser) -> None:
    traces = commands.add_parser("traces", parents=[common],
                                 help="list recent X-Ray traces, newest first")
    traces.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    trace = commands.add_parser("trace", parents=[common],
                                help="print one X-Ray trace as a text waterfall")
    trace.add_argument("trace_id", help="the trace id, 1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx")
    for sub in (traces, trace):
        sub.add_argument("--json", action="store_true", help="print JSON instead of text")
        sub.add_argument("--account", help="account id (default the emulator's default)")
        sub.add_argument("--region", default=argparse.SUPPRESS,
                         help="region of the traces (default the emulator's)")


def run(args: argparse.Namespace, url: str) -> int:
    params: dict[str, str] = {}
    if not args.json:
        params["format"] = "text"
    if args.account:
        params["account"] = args.account
    region = getattr(args, "region", None)  # --region names the traces' region here
    if region:
        params["region"] = region
    if args.command == "traces":
        params["limit"] = str(args.limit)
        path = "/_emulator/xray/traces"
    else:
        path = f"/_emulator/xray/traces/{args.trace_id}"
    import httpx  # only these commands need it; the server should not load it

    try:
        reply = httpx.get(f"{url}{path}", params=params, timeout=10)
    except httpx.HTTPError as exc:
        print(f"cannot reach the emulator at {url}: {exc}", file=sys.stderr)
        return 1
    if not reply.is_success:
        try:
            message = reply.json().get("error", reply.text)
        except ValueError:
            message = reply.text
        print(message, file=sys.stderr)
        return 1
    print(json.dumps(reply.json(), indent=2) if args.json else reply.text.rstrip("\n"))
    return 0


__all__ = ["add_commands", "run"]
