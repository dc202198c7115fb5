"""One settings object: every option is a CLI flag and an ``EMULATOR_*`` variable."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LogLevel = Literal["debug", "info", "warning", "error", "critical"]

DEFAULT_ACCOUNT = "000000000000"


class Settings(BaseSettings):
    """Emulator settings, read from ``EMULATOR_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="EMULATOR_", extra="ignore")

    host: str = Field("127.0.0.1", description="address to bind")
    port: int = Field(4566, ge=0, le=65535, description="port to listen on (0 picks one)")
    state_dir: Path | None = Field(
        None, description="directory for the SQLite state file; unset keeps state in memory"
    )
    region: str = Field("us-east-1", description="region for requests that name none")
    log_level: LogLevel = Field("info", description="log level")
    request_log: bool = Field(True, description="log one line per request at INFO")
    sfn_wait_scale: float = Field(
        1.0,
        ge=0,
        validation_alias=AliasChoices(
            "sfn_wait_scale", "EMULATOR_SFN_WAIT_SCALE", "SFN_WAIT_SCALE"
        ),
        description="multiplies Step Functions Wait times and retry intervals (0 skips them)",
    )
    sfn_mock_config: Path | None = Field(
        None,
        validation_alias=AliasChoices(
            "sfn_mock_config", "EMULATOR_SFN_MOCK_CONFIG", "SFN_MOCK_CONFIG"
        ),
        description="Step Functions Local mock configuration file; an execution started as "
        "<state machine ARN>#<test case> answers that test case's mocked states from it",
    )
    deploy: list[Path] = Field(
        default_factory=list,
        description="Python scripts run once the server is up, with AWS_ENDPOINT_URL set",
    )
    lambda_executor: Literal["inprocess", "process"] = Field(
        "inprocess",
        description="where Lambda handlers run by default: in the emulator or in worker processes",
    )
    lambda_account_concurrency: int = Field(
        1000, ge=1, description="the account's Lambda concurrency limit, per region"
    )
    lambda_idle_seconds: float = Field(
        900.0, gt=0, description="how long an idle Lambda execution environment stays warm"
    )
    lambda_match_interpreter: bool = Field(
        False,
        description="process executor: run python3.X functions on an installed python3.X",
    )
    xray_daemon_port: int = Field(
        2000,
        ge=-1,
        le=65535,
        description="X-Ray daemon port, UDP for segments and TCP for the API proxy "
        "(0 picks one, -1 turns the daemon off)",
    )
    xray_max_bytes: int = Field(
        256 * 1024 * 1024,
        ge=1024,
        description="X-Ray trace store cap per account and region; the oldest traces go first",
    )

    @property
    def database_path(self) -> Path | None:
        return None if self.state_dir is None else self.state_dir / "state.db"


__all__ = ["DEFAULT_ACCOUNT", "LogLevel", "Settings"]
