"""The few seams engines use to reach each other, as typing Protocols.

Engines never import ``wire/`` or ``services/``; a provider offers a port (``Provider.port``)
and others reach it through :class:`Ports`, which creates the owning service on first use.
Each protocol is small enough that a fake can sit beside it in tests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast, overload

from emulator.api_calls import CallLog
from emulator.context import RequestContext
from emulator.streams import FileRange

if TYPE_CHECKING:
    from emulator.waf.request import Verdict, WebRequest

P = TypeVar("P")


@dataclass
class InvokeResult:
    """What a synchronous Lambda invocation gives back, as the Invoke API reports it."""

    status_code: int
    payload: bytes
    function_error: str | None = None  # "Unhandled" or "Handled", as X-Amz-Function-Error
    log_result: str | None = None  # base64 tail of the log, for LogType=Tail
    executed_version: str = "$LATEST"
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None  # a streamed (response-streaming) answer's Content-Type
    partial_payload: bytes = b""  # what a streamed answer sent before its error


class FunctionInvoker(Protocol):
    """Runs Lambda functions; offered by the lambda service as the ``functions`` port."""

    async def invoke(self, function: str, payload: bytes, *, account: str, region: str,
                     qualifier: str | None = None, invocation_type: str = "RequestResponse",
                     client_context: str | None = None, trace_header: str | None = None
                     ) -> InvokeResult:
        """Invoke by name, ARN or partial ARN; raises ServiceError as the Invoke API would."""
        ...


class QueueAccess(Protocol):
    """SQS by queue ARN, for destinations, integrations and event sources (``queues`` port).

    Results and errors are the SQS API's own (ServiceError with SQS's codes).
    """

    def exists(self, queue_arn: str) -> bool: ...

    def send(
        self,
        queue_arn: str,
        body: str,
        *,
        message_attributes: Mapping[str, Mapping[str, Any]] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        delay_seconds: int | None = None,
        trace_header: str | None = None,  # kept as the AWSTraceHeader system attribute
    ) -> dict[str, Any]: ...

    async def receive(self, queue_arn: str, *, max_messages: int = 10,
                      visibility_timeout: int | None = None, wait_seconds: int = 0
                      ) -> list[dict[str, Any]]: ...

    def delete(self, queue_arn: str, receipt_handle: str) -> None: ...

    def change_visibility(self, queue_arn: str, receipt_handle: str, timeout: int) -> None: ...

    def receivable(self, queue_arn: str) -> int:
        """How many messages a receive would get now (0 when the queue is gone)."""
        ...

    def peek(self, queue_arn: str, max_messages: int = 10) -> list[dict[str, Any]]:
        """The oldest messages as they stand, received by no one (for the console)."""
        ...


class TopicAccess(Protocol):
    """SNS by topic ARN, for destinations and targets (``topics`` port).

    Errors are the SNS API's own (ServiceError with SNS's codes).
    """

    def exists(self, topic_arn: str) -> bool: ...

    def publish(
        self,
        topic_arn: str,
        message: str,
        *,
        subject: str | None = None,
        message_attributes: Mapping[str, Mapping[str, Any]] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        trace_header: str | None = None,  # X-Amzn-Trace-Id, passed on to subscribers
    ) -> dict[str, Any]: ...


class BusAccess(Protocol):
    """EventBridge buses, for destinations and other buses' targets (``buses`` port)."""

    def put_events(
        self, entries: list[Mapping[str, Any]], *, account: str, region: str
    ) -> dict[str, Any]:
        """PutEvents (an entry's ``TraceHeader`` travels on to its targets); its answer
        (FailedEntryCount, Entries)."""
        ...


class MetricSink(Protocol):
    """CloudWatch metrics (``metrics`` port): what the emulator publishes for what it runs, as
    AWS does (AWS/Lambda, AWS/ApiGateway, AWS/SQS, AWS/States), and embedded metric format
    log lines. Nothing is validated; values go straight to the metric store."""

    def put(self, account: str, region: str, namespace: str, name: str, value: float, *,
            dimensions: Iterable[tuple[str, str]] = (), unit: str = "None",
            timestamp: float | None = None, count: float = 1.0) -> None: ...

    def put_values(self, account: str, region: str, namespace: str,
                   values: Sequence[tuple[str, float, str]],
                   dimension_sets: Sequence[tuple[tuple[str, str], ...]]) -> None:
        """Each ``(name, value, unit)`` under each dimension set, at the clock's now: what one
        request or invocation publishes, in one call."""
        ...

    def put_embedded(self, account: str, region: str, message: str) -> int:
        """Store the metrics an embedded metric format message holds; how many."""
        ...


class WebAclInspector(Protocol):
    """AWS WAF for the data planes (``web-acls`` port): the verdict of the web ACL protecting
    a resource (a REST API stage's ARN) on one request, or None when none protects it."""

    def protects(self, account: str, region: str, resource_arn: str) -> bool: ...

    def inspect(self, account: str, region: str, resource_arn: str, request: WebRequest
                ) -> Verdict | None: ...


class ExecutionStarter(Protocol):
    """Step Functions by state machine ARN, for EventBridge targets (``executions`` port).

    The account and region come from the ARN; errors are StartExecution's own (ServiceError
    with Step Functions' codes).
    """

    def start_execution(self, state_machine_arn: str, input_text: str, *,
                        trace_header: str | None = None) -> dict[str, Any]:
        """StartExecution (with ``trace_header`` as its traceHeader); its answer
        (executionArn, startDate)."""
        ...


@dataclass(frozen=True)
class ShardInfo:
    """One shard of a stream, as an event-source poller sees it."""

    shard_id: str
    parents: tuple[str, ...]  # its parent and adjacent parent shards, when it has them
    closed: bool  # takes no more records (split, merged or rolled over)


@dataclass(frozen=True)
class ShardRecord:
    """One record of a shard, for event-source pollers.

    ``position`` orders records within the shard (the sequence number as an integer);
    ``record`` holds the fields the service's Lambda event carries for it (Kinesis: the
    ``kinesis`` member's; DynamoDB Streams: the stream record); ``key`` is what keeps
    records in order across parallel batches (the partition key, or the item's keys).
    """

    sequence: str
    position: int
    arrival: float  # clock seconds
    size: int
    key: str
    record: dict[str, Any]


class ShardedStreams(Protocol):
    """Kinesis data streams (``data-streams`` port) and DynamoDB table streams
    (``table-streams`` port), by ARN, for event-source mappings.

    Positions are "after sequence number N": a reader positioned at N reads records whose
    position is greater.
    """

    def resolve(self, source_arn: str) -> str | None:
        """The stream an event source ARN reads (a Kinesis consumer ARN names its stream);
        None when there is no such stream."""
        ...

    def shards(self, stream_arn: str) -> list[ShardInfo] | None:
        """The stream's shards, parents before children; None when the stream is gone."""
        ...

    def start(self, stream_arn: str, shard_id: str, starting_position: str,
              timestamp: float | None = None) -> int:
        """The position TRIM_HORIZON, LATEST or AT_TIMESTAMP (with ``timestamp``) names."""
        ...

    def read(self, stream_arn: str, shard_id: str, after: int, limit: int) -> list[ShardRecord]:
        """Up to ``limit`` records after ``after``, oldest first (what retention left)."""
        ...

    def pending(self, stream_arn: str, shard_id: str, after: int) -> int:
        """How many records after ``after`` the shard holds now."""
        ...

    async def wait(self, stream_arn: str, deadline: float) -> bool:
        """Sleep until the stream changes (a record, a reshard, its deletion) or the clock
        reaches ``deadline``; True when a change woke it."""
        ...


@dataclass
class TraceContext:
    """The X-Ray trace a traced request belongs to, and whether it is sampled."""

    trace_id: str
    parent_id: str | None
    sampled: bool

    def header(self, parent_id: str | None = None) -> str:
        """``X-Amzn-Trace-Id`` to pass downstream, naming ``parent_id`` as the parent."""
        parent = parent_id or self.parent_id
        text = f"Root={self.trace_id}"
        if parent:
            text += f";Parent={parent}"
        return f"{text};Sampled={1 if self.sampled else 0}"


class SegmentRecorder(Protocol):
    """Writes X-Ray segments; offered by the xray service as the ``segments`` port.

    A traced service (an API Gateway stage with tracing, a Lambda function with Active
    tracing, a state machine with tracing) calls ``trace_context`` with the incoming
    ``X-Amzn-Trace-Id`` (None when there is none): Root, Parent and Sampled=0/1 are honoured,
    and a missing decision is taken by the account's sampling rules (by default one request a
    second, then 5%). When sampled, it builds its segment documents (as in AWS's segment
    document reference: ``name``, ``id`` from ``new_id``, ``trace_id``, ``start_time``,
    ``end_time``, ``origin``, ``http``, ``subsegments``...) and passes them to ``record``; it
    passes ``context.header(segment_id)`` on to whatever it calls. ``daemon_address`` is the
    ``host:port`` for AWS_XRAY_DAEMON_ADDRESS in a function's environment (None when the
    daemon is off).
    """

    @property
    def daemon_address(self) -> str | None: ...

    def new_id(self) -> str:
        """A new 16-hex-digit segment id."""
        ...

    def trace_context(self, header: str | None, *, account: str, region: str,
                      service_name: str = "", service_type: str = "", host: str = "",
                      method: str = "", url_path: str = "") -> TraceContext: ...

    def record(self, documents: list[dict[str, Any]], *, account: str, region: str) -> None:
        """Keep finished (or in-progress) segment documents; invalid ones are dropped."""
        ...


class TraceListing(Protocol):
    """The newest X-Ray traces as people list them (id, start_time, duration, name,
    http_status, method, url, fault, error, segments), and their service map; offered by
    xray as ``traces``."""

    def recent(self, account: str, region: str, limit: int) -> list[dict[str, Any]]: ...

    def service_graph(self, account: str, region: str, limit: int) -> list[dict[str, Any]]:
        """GetServiceGraph's ``Services`` for the newest ``limit`` traces."""
        ...


class TokenRejected(Exception):
    """A JSON Web Token that does not verify; ``expired`` when only its lifetime is over."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.expired = expired


class IdentityTokens(Protocol):
    """Cognito user pools' signing keys and token checks; offered by cognito-idp as the
    ``identity`` port, for API Gateway's Cognito and JWT authorizers.

    A pool's issuer is ``{endpoint}/{userPoolId}`` (the endpoint the tokens were asked for at),
    and its keys are served at ``{issuer}/.well-known/jwks.json``.
    """

    def jwks(self, pool_id: str) -> dict[str, Any] | None:
        """The pool's JSON Web Key Set (``{"keys": [...]}``), or None for an unknown pool."""
        ...

    def verify(self, token: str, *, now: float, pool_ids: Collection[str] | None = None,
               issuer: str | None = None, audiences: Collection[str] | None = None
               ) -> dict[str, Any]:
        """The claims of an RS256 token signed by a pool's key and unexpired at ``now``;
        raises TokenRejected. ``pool_ids`` limits the pools accepted, ``issuer`` must equal
        the ``iss`` claim, and ``audiences`` must hold the ``aud`` (ID tokens) or
        ``client_id`` (access tokens) claim, when given."""
        ...


SERVICE_IDENTITY: dict[str, str] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


@dataclass(frozen=True)
class ItemChange:
    """One committed write to a DynamoDB item, as DynamoDB Streams records it.

    Keys and images are attribute-value maps as the DynamoDB API carries them (``{"pk":
    {"S": "a"}}``, numbers as their text, binary values as bytes). Every image is whole; the
    stream's view type decides what a record keeps.
    """

    event_name: str  # "INSERT", "MODIFY" or "REMOVE"
    keys: dict[str, Any]
    old_image: dict[str, Any] | None  # None for INSERT
    new_image: dict[str, Any] | None  # None for REMOVE
    time: float  # emulator clock seconds at commit (ApproximateCreationDateTime)
    # The record's userIdentity: SERVICE_IDENTITY for a TTL deletion, else None.
    user_identity: dict[str, str] | None = None


@dataclass(frozen=True)
class TableStream:
    """A table's stream, as the dynamodb service describes it (DescribeTable's
    LatestStreamArn/LatestStreamLabel and StreamSpecification)."""

    stream_arn: str  # arn:aws:dynamodb:{region}:{account}:table/{name}/stream/{label}
    stream_label: str  # an ISO-8601 timestamp, unique per table
    table_name: str
    table_arn: str
    account: str
    region: str
    view_type: str  # KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES
    key_schema: list[dict[str, str]]  # [{"AttributeName": "pk", "KeyType": "HASH"}, ...]
    created: float  # clock seconds when the stream was enabled


class TableChangeSink(Protocol):
    """Where DynamoDB sends the writes of tables with a stream (``table-changes`` port,
    offered by dynamodbstreams).

    The dynamodb service calls it on the event loop's thread, right after each commit and
    before the write is answered, so calls arrive in commit order per table; a transaction or
    batch arrives as one call per table. A sink must not raise or block.
    """

    def stream_enabled(self, stream: TableStream) -> None:
        """A stream began (CreateTable or UpdateTable with StreamEnabled)."""
        ...

    def stream_disabled(self, stream_arn: str) -> None:
        """A stream ended (StreamEnabled false, or its table deleted); its records stay
        readable for their retention."""
        ...

    def record(self, stream_arn: str, changes: Sequence[ItemChange]) -> None:
        """Committed writes to the stream's table, oldest first."""
        ...


class TableStreams(Protocol):
    """The streams DynamoDB tables have now (``tables`` port, offered by dynamodb), for a
    streams service that starts after the tables did."""

    def streams(self) -> list[TableStream]:
        """Every enabled stream, in every account and region."""
        ...


class ObjectAccess(Protocol):
    """S3 objects by bucket and key, for Lambda's code and layers (``objects`` port)."""

    def open(self, bucket: str, key: str, *, version_id: str | None = None) -> FileRange:
        """The object's body; raises ServiceError with S3's codes (NoSuchBucket, NoSuchKey,
        NoSuchVersion)."""
        ...


@dataclass(frozen=True)
class VpcEndpointFacts:
    """A VPC endpoint as the data planes need it (``vpc-endpoints`` port)."""

    endpoint_id: str
    vpc_id: str
    service_name: str  # com.amazonaws.{region}.execute-api ...
    account: str
    region: str


class VpcEndpoints(Protocol):
    """VPC endpoints by id, in any account and region (``vpc-endpoints`` port)."""

    def endpoint(self, endpoint_id: str) -> VpcEndpointFacts | None: ...


class Networks(Protocol):
    """The VPC a subnet or security group belongs to (None: no such one), for Lambda's
    VpcConfig (``networks`` port)."""

    def subnet_vpc(self, account: str, region: str, subnet_id: str) -> str | None: ...

    def group_vpc(self, account: str, region: str, group_id: str) -> str | None: ...


@dataclass
class KeyValueStoreData:
    """A CloudFront key value store's keys and their version (``key-value-stores`` port)."""

    arn: str
    items: dict[str, str]
    etag: str  # changes with every write
    created: float
    modified: float


class KeyValueStores(Protocol):
    """CloudFront's key value stores by ARN, for the cloudfront-keyvaluestore API
    (``key-value-stores`` port)."""

    def find(self, account: str, arn: str) -> KeyValueStoreData | None: ...

    def save(self, account: str, arn: str, items: dict[str, str]) -> KeyValueStoreData:
        """Replace the store's keys; answers them with their new version."""
        ...


class Operations(Protocol):
    """Any implemented AWS operation, called in-process exactly as a client's request is
    answered: the service registry's ``call`` (see emulator.services.registry), offered to
    engines as ``Ports.operations``.

    ``params`` are named as the operation's input shape names its members (``QueueName``,
    ``Attributes``) and typed as a client's parsed request is (int, bool, bytes for blobs,
    datetime or epoch seconds for timestamps); they are checked against the model as AWS
    checks them. The answer is a dict of the output shape's members; failures raise
    ServiceError with the service's own codes.
    """

    async def call(self, ctx: RequestContext, service: str, operation: str,
                   params: Mapping[str, Any]) -> dict[str, Any]: ...

    def query_input(self, service: str, operation: str,
                    fields: Mapping[str, str]) -> dict[str, Any]:
        """``fields`` (a query-protocol request's form fields) read as the service reads
        them: flattened members such as ``MessageAttribute.1.Name`` become the operation's
        structures; a field the model cannot place is kept as given."""
        ...

    async def call_json(self, ctx: RequestContext, endpoint_prefix: str, operation: str,
                        body: bytes) -> tuple[int, dict[str, str], bytes] | None:
        """The operation of the json-protocol service signing as ``endpoint_prefix``
        (``dynamodb``, ``states``), with ``body`` as its JSON input, answered as that
        protocol answers a client: status, headers and body, the service's errors included.
        None when no such service or operation is implemented here."""
        ...


# Which service offers each port.
PORT_OWNERS: dict[str, str] = {
    "functions": "lambda",
    "logs": "logs",
    "queues": "sqs",
    "data-streams": "kinesis",
    "table-streams": "dynamodbstreams",
    "topics": "sns",
    "buses": "events",
    "segments": "xray",
    "executions": "stepfunctions",
    "identity": "cognito-idp",
    "tables": "dynamodb",
    "table-changes": "dynamodbstreams",
    "execute-api": "apigateway",  # the REST data plane (metrics and stage caches, for the console)
    "traces": "xray",
    "objects": "s3",
    "websocket-apis": "apigatewayv2",
    "http-apis": "apigatewayv2",
    "function-urls": "lambda",
    "user-pools": "cognito-idp",
    "s3-browser": "s3",
    "metrics": "cloudwatch",
    "distributions": "cloudfront",  # the viewer endpoint's engine (emulator/edge/)
    "web-acls": "wafv2",
    "vpc-endpoints": "ec2",
    "networks": "ec2",
    "key-value-stores": "cloudfront",
}


class Port(Generic[P]):
    """A typed port on :class:`Ports`: ``functions = Port[FunctionInvoker]("functions")``
    makes ``ports.functions`` the ``functions`` port as a FunctionInvoker."""

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, ports: None, owner: type[Any]) -> Port[P]: ...

    @overload
    def __get__(self, ports: Ports, owner: type[Any]) -> P: ...

    def __get__(self, ports: Ports | None, owner: type[Any]) -> Port[P] | P:
        return self if ports is None else cast(P, ports.get(self.name))


class Ports:
    """Lazy access to ports offered by other services."""

    def __init__(
        self, resolve: Callable[[str], object], operations: Operations | None = None, *,
        loaded: Callable[[str], object | None] | None = None,
        started: Callable[[str], Awaitable[object]] | None = None,
        api_calls: CallLog | None = None,
    ) -> None:
        # The state-changing calls the wire layer answered, for CloudTrail.
        self.api_calls = api_calls if api_calls is not None else CallLog()
        self._resolve = resolve
        self._operations = operations
        self._loaded = loaded
        self._started = started

    def loaded(self, name: str) -> object | None:
        """The port called ``name`` if the service offering it is loaded already, else None
        (for requests that may or may not be meant for it: nothing loads to find out)."""
        if self._loaded is not None:
            return self._loaded(name)
        try:
            return self._resolve(name)
        except LookupError:
            return None

    async def started(self, name: str) -> object:
        """The port called ``name``, its service started first (background work running);
        raises LookupError when no service offers it."""
        if self._started is not None:
            return await self._started(name)
        return self._resolve(name)

    @property
    def operations(self) -> Operations:
        """Any implemented operation by service and operation name; raises LookupError when
        these ports were built without the registry (engine tests with fakes)."""
        if self._operations is None:
            raise LookupError("no service registry behind these ports")
        return self._operations

    def get(self, name: str) -> object:
        """The port called ``name``; raises LookupError when no service offers it."""
        return self._resolve(name)

    functions = Port[FunctionInvoker]("functions")
    queues = Port[QueueAccess]("queues")
    topics = Port[TopicAccess]("topics")
    buses = Port[BusAccess]("buses")
    segments = Port[SegmentRecorder]("segments")
    executions = Port[ExecutionStarter]("executions")
    identity = Port[IdentityTokens]("identity")
    metrics = Port[MetricSink]("metrics")

    @property
    def objects(self) -> ObjectAccess:
        return cast(ObjectAccess, self._resolve("objects"))

    def published_metrics(self) -> MetricSink:
        """A MetricSink that finds CloudWatch on first use (so publishing loads nothing
        until a value is put) and drops values when no service offers metrics."""
        return _PublishedMetrics(self)


class _PublishedMetrics:
    def __init__(self, ports: Ports) -> None:
        self._ports = ports
        self._sink: MetricSink | None = None

    def _found(self) -> MetricSink | None:
        if self._sink is None:
            try:
                self._sink = self._ports.metrics
            except LookupError:
                return None
        return self._sink

    def put(self, account: str, region: str, namespace: str, name: str, value: float, *,
            dimensions: Iterable[tuple[str, str]] = (), unit: str = "None",
            timestamp: float | None = None, count: float = 1.0) -> None:
        sink = self._found()
        if sink is not None:
            sink.put(account, region, namespace, name, value, dimensions=dimensions, unit=unit,
                     timestamp=timestamp, count=count)

    def put_values(self, account: str, region: str, namespace: str,
                   values: Sequence[tuple[str, float, str]],
                   dimension_sets: Sequence[tuple[tuple[str, str], ...]]) -> None:
        sink = self._found()
        if sink is not None:
            sink.put_values(account, region, namespace, values, dimension_sets)

    def put_embedded(self, account: str, region: str, message: str) -> int:
        sink = self._found()
        return sink.put_embedded(account, region, message) if sink is not None else 0


__all__ = [
    "PORT_OWNERS",
    "SERVICE_IDENTITY",
    "BusAccess",
    "ExecutionStarter",
    "FunctionInvoker",
    "IdentityTokens",
    "InvokeResult",
    "ItemChange",
    "KeyValueStoreData",
    "KeyValueStores",
    "MetricSink",
    "Networks",
    "ObjectAccess",
    "Operations",
    "Port",
    "Ports",
    "QueueAccess",
    "SegmentRecorder",
    "ShardInfo",
    "ShardRecord",
    "ShardedStreams",
    "TableChangeSink",
    "TableStream",
    "TableStreams",
    "TokenRejected",
    "TopicAccess",
    "TraceContext",
    "TraceListing",
    "VpcEndpointFacts",
    "VpcEndpoints",
    "WebAclInspector",
]
