"""One settings object: every option is a CLI flag and an ``EMULATOR_*`` variable.

A frozen dataclass rather than a pydantic model: importing pydantic and building one model at
start-up costs about 50 ms and 9 MiB (pydantic-settings about 15 ms more), which alone exceeds
the start-up and idle-memory budgets (1.5x and 1.3x a bare uvicorn app). Records, which load
with the first request that needs them, stay pydantic.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

LogLevel = Literal["debug", "info", "warning", "error", "critical"]
LambdaExecutor = Literal["inprocess", "process"]
HttpParser = Literal["auto", "httptools", "h11"]
EventLoop = Literal["auto", "uvloop", "asyncio"]

DEFAULT_ACCOUNT = "000000000000"
ENV_PREFIX = "EMULATOR_"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _about(description: str, *env: str, **bounds: float) -> dict[str, Any]:
    """Field metadata: the description, extra environment names tried after ``EMULATOR_*``,
    and numeric bounds (``ge``, ``gt``, ``le``)."""
    return {"description": description, "env": env, **bounds}


@dataclass(frozen=True, init=False)
class Settings:
    """Emulator settings: keyword arguments, else ``EMULATOR_*`` variables, else defaults."""

    host: str = field(default="127.0.0.1", metadata=_about("address to bind"))
    port: int = field(
        default=4566, metadata=_about("port to listen on (0 picks one)", ge=0, le=65535)
    )
    state_dir: Path | None = field(
        default=None,
        metadata=_about("directory for the SQLite state file; unset keeps state in memory"),
    )
    region: str = field(default="us-east-1", metadata=_about("region for requests that name none"))
    log_level: LogLevel = field(default="info", metadata=_about("log level"))
    http_parser: HttpParser = field(
        default="auto",
        metadata=_about("HTTP/1.1 parser: httptools (compiled, cheaper per request; 'auto' "
                        "when installed) or h11 (pure Python); both keep header names as "
                        "clients and integrations cased them"),
    )
    event_loop: EventLoop = field(
        default="asyncio",
        metadata=_about("event loop: asyncio's own (a steadier tail under load here), or "
                        "uvloop ('auto': uvloop when installed)"),
    )
    request_log: bool = field(default=True, metadata=_about("log one line per request at INFO"))
    request_history: int = field(
        default=1000,
        metadata=_about("requests kept in memory for the console's request list (0 keeps none)",
                        ge=0, le=1_000_000),
    )
    request_body_bytes: int = field(
        default=4096,
        metadata=_about("bytes of each request and response body the request list keeps",
                        ge=0, le=1_048_576),
    )
    logs_max_events: int = field(
        default=10_000,
        metadata=_about("CloudWatch Logs events kept per account and region (all log groups); "
                        "past it the oldest go first", ge=1),
    )
    sfn_max_executions: int = field(
        default=200,
        metadata=_about("STANDARD Step Functions executions kept per account and region; past "
                        "it the oldest closed ones go first (running ones always stay)", ge=1),
    )
    api_call_history: int = field(
        default=2_000,
        metadata=_about("state-changing API calls kept for CloudTrail's event history (90 "
                        "days at most, as AWS); past it the oldest go first", ge=1),
    )
    gateway_cache_entries: int = field(
        default=10_000,
        metadata=_about("API Gateway response cache and authorizer cache entries kept per API "
                        "stage; past it the expired, then the oldest, go first", ge=1),
    )
    console: bool = field(
        default=True,
        metadata=_about("serve the web console at /_emulator/console/ and the developer "
                        "portal at /_emulator/portal/"),
    )
    sfn_wait_scale: float = field(
        default=1.0,
        metadata=_about(
            "multiplies Step Functions Wait times and retry intervals (0 skips them)",
            "SFN_WAIT_SCALE",
            ge=0,
        ),
    )
    sfn_mock_config: Path | None = field(
        default=None,
        metadata=_about(
            "Step Functions Local mock configuration file; an execution started as "
            "<state machine ARN>#<test case> answers that test case's mocked states from it",
            "SFN_MOCK_CONFIG",
        ),
    )
    deploy: list[Path] = field(
        default_factory=list,
        metadata=_about("Python scripts run once the server is up, with AWS_ENDPOINT_URL set"),
    )
    lambda_executor: LambdaExecutor = field(
        default="process",
        metadata=_about(
            "how Python Lambda handlers run by default: in worker processes (isolated from "
            "the server), or inside the emulator (the pytest fixture's default)"
        ),
    )
    lambda_account_concurrency: int = field(
        default=1000, metadata=_about("the account's Lambda concurrency limit, per region", ge=1)
    )
    lambda_idle_seconds: float = field(
        default=900.0,
        metadata=_about("how long an idle Lambda execution environment stays warm", gt=0),
    )
    lambda_nodejs_sdk: bool = field(
        default=True,
        metadata=_about("give Node.js functions the AWS SDK for JavaScript v3 as Lambda's "
                        "runtime does: the @aws-sdk clients they name, installed once with npm"),
    )
    lambda_nodejs_sdk_dir: Path | None = field(
        default=None,
        metadata=_about("folder the Node.js functions' AWS SDK clients are installed in; "
                        "unset: ~/.cache/localcloud/nodejs-sdk"),
    )
    lambda_match_interpreter: bool = field(
        default=True,
        metadata=_about("process executor: run python3.X functions on an installed python3.X "
                        "(found on PATH, or in pyenv's or uv's folders) when there is one"),
    )

    dynamodb_throttling: bool = field(
        default=False,
        metadata=_about("answer ProvisionedThroughputExceededException when a provisioned "
                        "DynamoDB table's capacity (with 300 s of burst) is used up"),
    )

    cloudformation_placeholders: bool = field(
        default=False,
        metadata=_about("create resources of types the emulator lacks as placeholders instead "
                        "of failing the stack"),
    )

    waf_country: str = field(
        default="US",
        metadata=_about("the country AWS WAF's geo match places every client in (the emulator "
                        "has no geolocation database; loopback and private addresses included)"),
    )

    xray_daemon_port: int = field(
        default=2000,
        metadata=_about(
            "X-Ray daemon port, UDP for segments and TCP for the API proxy "
            "(0 picks one, -1 turns the daemon off)",
            ge=-1,
            le=65535,
        ),
    )
    xray_max_bytes: int = field(
        default=256 * 1024 * 1024,
        metadata=_about(
            "X-Ray trace store cap per account and region; the oldest traces go first", ge=1024
        ),
    )

    def __init__(self, **given: Any) -> None:
        hints = _hints()
        # Variable names match in any case, as they did with pydantic-settings.
        environment = {name.lower(): value for name, value in os.environ.items()}
        for option in dataclasses.fields(self):
            if option.name in given:
                value = given.pop(option.name)
            elif (raw := _environment(option, environment)) is not None:
                value = raw
            elif option.default_factory is not dataclasses.MISSING:
                value = option.default_factory()
            else:
                value = option.default
            value = _convert(option.name, hints[option.name], value)
            _check_bounds(option, value)
            object.__setattr__(self, option.name, value)
        # Unknown keywords are ignored, as they were with extra="ignore".

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Settings:
        """A copy with some options changed (the name pydantic gave it, kept for callers)."""
        values = {option.name: getattr(self, option.name) for option in dataclasses.fields(self)}
        return Settings(**{**values, **(update or {})})

    @property
    def database_path(self) -> Path | None:
        return None if self.state_dir is None else self.state_dir / "state.db"


def _environment(option: dataclasses.Field[Any], environment: dict[str, str]) -> str | None:
    for name in (ENV_PREFIX + option.name, *option.metadata["env"]):
        if (value := environment.get(name.lower())) is not None:
            return value
    return None


@dataclass(frozen=True)
class Option:
    """One setting as the command line shows it."""

    name: str
    annotation: Any
    default: Any
    description: str


def options() -> list[Option]:
    """Every setting, in order: the command line makes one flag of each."""
    hints = _hints()
    return [
        Option(
            option.name,
            hints[option.name],
            [] if option.default_factory is not dataclasses.MISSING else option.default,
            option.metadata["description"],
        )
        for option in dataclasses.fields(Settings)
    ]


@cache
def _hints() -> dict[str, Any]:
    return get_type_hints(Settings)


def _convert(name: str, kind: Any, value: Any) -> Any:
    """Turn a keyword or environment value into the option's type, or raise ValueError."""
    origin, args = get_origin(kind), get_args(kind)
    if origin is Literal:
        if value not in args:
            raise ValueError(f"{name}: {value!r} is not one of {', '.join(map(repr, args))}")
        return value
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError(f"{name}: {value!r} is not a boolean")
    if kind in (int, float):
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: {value!r} is not a valid {kind.__name__}") from None
        if kind is int and isinstance(value, float) and number != value:
            raise ValueError(f"{name}: {value!r} is not a whole number")
        return number
    if kind == Path | None:
        return None if value is None or value == "" else Path(value)
    if kind is Path:
        return Path(value)
    if origin is list:
        # Lists come from the environment as JSON arrays, as pydantic-settings read them.
        items = json.loads(value) if isinstance(value, str) else value
        if not isinstance(items, list):
            raise ValueError(f"{name}: expected a list")
        return [Path(item) for item in items]
    return str(value)


def _check_bounds(option: dataclasses.Field[Any], value: Any) -> None:
    limits = option.metadata
    if "ge" in limits and value < limits["ge"]:
        raise ValueError(f"{option.name}: must be at least {limits['ge']:g}")
    if "gt" in limits and value <= limits["gt"]:
        raise ValueError(f"{option.name}: must be greater than {limits['gt']:g}")
    if "le" in limits and value > limits["le"]:
        raise ValueError(f"{option.name}: must be at most {limits['le']:g}")


__all__ = ["DEFAULT_ACCOUNT", "LogLevel", "Option", "Settings", "options"]
