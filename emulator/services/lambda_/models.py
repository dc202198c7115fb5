"""The stored records of Lambda: functions and their versions, aliases, layers, URL configs
and resource policies. Code itself is kept as files (``code.CodeStore``); records hold its
digest."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

FUNCTIONS = "functions"  # key: function name; the $LATEST version
VERSIONS = "versions"  # key: "name:version"; published versions
ALIASES = "aliases"  # key: "name:alias"
LAYERS = "layers"  # key: "layer:version"
URLS = "urls"  # key: "name:qualifier" ("$LATEST" when unqualified)
POLICIES = "policies"  # key: "name:qualifier" ("" when unqualified)
COUNTERS = "counters"  # key: function or layer name; the last version number handed out

HOT_RELOAD_BUCKET = "hot-reload"


class CodeRef(Record):
    """Where a function's or layer's code is: a stored zip (by digest) or a host folder."""

    sha256: str  # base64 of the SHA-256, as CodeSha256
    size: int
    hot_reload_path: str | None = None


class FunctionRecord(Record):
    """One function version: $LATEST (in FUNCTIONS) or a published one (in VERSIONS)."""

    name: str
    account: str
    region: str
    version: str = "$LATEST"
    runtime: str | None = None
    role: str
    handler: str | None = None
    description: str = ""
    timeout: int = 3
    memory_size: int = 128
    environment: dict[str, str] = Field(default_factory=dict)
    layers: list[str] = Field(default_factory=list)  # layer version ARNs
    architectures: list[str] = Field(default_factory=lambda: ["x86_64"])
    ephemeral_storage: int = 512
    tracing_mode: str = "PassThrough"
    dead_letter_target: str | None = None
    kms_key_arn: str | None = None
    vpc_config: dict[str, Any] | None = None  # SubnetIds, SecurityGroupIds, VpcId...
    logging_config: dict[str, Any] = Field(default_factory=dict)
    package_type: str = "Zip"
    code: CodeRef
    revision_id: str
    last_modified: float
    tags: dict[str, str] = Field(default_factory=dict)
    reserved_concurrency: int | None = None
    last_update_status: str = "Successful"
    created: float = 0.0


class AliasRecord(Record):
    name: str
    function_name: str
    function_version: str
    description: str = ""
    additional_weights: dict[str, float] = Field(default_factory=dict)
    revision_id: str


class LayerVersionRecord(Record):
    name: str
    version: int
    account: str
    region: str
    description: str = ""
    compatible_runtimes: list[str] = Field(default_factory=list)
    compatible_architectures: list[str] = Field(default_factory=list)
    license_info: str | None = None
    code: CodeRef
    created: float


class UrlConfigRecord(Record):
    function_name: str
    qualifier: str  # "$LATEST" or an alias name
    url_id: str
    auth_type: str
    invoke_mode: str = "BUFFERED"
    cors: dict[str, Any] | None = None
    created: float
    last_modified: float


class PolicyRecord(Record):
    function_name: str
    qualifier: str
    statements: list[dict[str, Any]] = Field(default_factory=list)
    revision_id: str


class CounterRecord(Record):
    last: int = 0


__all__ = [
    "ALIASES",
    "COUNTERS",
    "FUNCTIONS",
    "HOT_RELOAD_BUCKET",
    "LAYERS",
    "POLICIES",
    "URLS",
    "VERSIONS",
    "AliasRecord",
    "CodeRef",
    "CounterRecord",
    "FunctionRecord",
    "LayerVersionRecord",
    "PolicyRecord",
    "UrlConfigRecord",
]
