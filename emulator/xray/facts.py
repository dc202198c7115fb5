"""What a filter expression, a trace summary and a service graph can ask of one trace.

A trace is read once into plain dicts keyed by filter keyword (``responsetime``,
``http.status``, ``user``...), for the whole trace, for each service in it, for each edge
between services and for each root cause. Multi-valued keywords hold lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulator.xray.rootcause import root_causes
from emulator.xray.segments import Document, http_status, origin, walk

if TYPE_CHECKING:
    from emulator.xray.trace import Trace

Facts = dict[str, Any]
ServiceKey = tuple[str, str | None]


@dataclass
class Sample:
    """One observed response of a service or across an edge, for graph statistics."""

    start: float
    end: float | None
    error: bool
    fault: bool
    throttle: bool

    @property
    def response_time(self) -> float:
        # Microseconds: epoch floats carry noise below that.
        return round(max(0.0, (self.end if self.end is not None else self.start) - self.start), 6)

    @property
    def ok(self) -> bool:
        return not (self.error or self.fault or self.throttle)


@dataclass
class ServiceFacts:
    key: ServiceKey
    facts: Facts
    samples: list[Sample] = field(default_factory=list)
    account: str | None = None
    inferred: bool = False
    root: bool = False


@dataclass
class EdgeFacts:
    source: ServiceKey
    dest: ServiceKey
    facts: Facts
    samples: list[Sample] = field(default_factory=list)


@dataclass
class TraceFacts:
    trace_id: str
    facts: Facts
    services: dict[ServiceKey, ServiceFacts]
    edges: dict[tuple[ServiceKey, ServiceKey], EdgeFacts]
    rootcauses: dict[str, list[dict[str, Any]]]
    root: Document | None
    documents: list[Document]
    start: float
    end: float

    @classmethod
    def of(cls, trace: Trace) -> TraceFacts:
        return _read(trace)


def _flags(doc: Document) -> tuple[bool, bool, bool]:
    return bool(doc.get("error")), bool(doc.get("fault")), bool(doc.get("throttle"))


def _http(doc: Document) -> dict[str, Any]:
    request = (doc.get("http") or {}).get("request") or {}
    values: dict[str, Any] = {}
    for keyword, name in (("http.url", "url"), ("http.method", "method"),
                          ("http.useragent", "user_agent"), ("http.clientip", "client_ip")):
        value = request.get(name)
        if isinstance(value, str):
            values[keyword] = value
    status = http_status(doc)
    if status is not None:
        values["http.status"] = status
    return values


def _annotations(doc: Document, into: dict[str, list[Any]]) -> None:
    for entity, _ in walk(doc):
        for key, value in (entity.get("annotations") or {}).items():
            values = into.setdefault(key, [])
            if not any(type(seen) is type(value) and seen == value for seen in values):
                values.append(value)


def service_key(doc: Document) -> ServiceKey:
    return str(doc.get("name")), origin(doc)


def _end(doc: Document) -> float | None:
    end = doc.get("end_time")
    return float(end) if isinstance(end, int | float) else None


def _new_service_facts(key: ServiceKey, doc: Document) -> ServiceFacts:
    facts: Facts = {
        "name": key[0], "type": key[1], "responsetime": [], "duration": [],
        "error": False, "fault": False, "throttle": False, "ok": False,
        "partial": False, "inferred": bool(doc.get("inferred")),
        "remote": key[1] == "remote", "annotations": {},
    }
    account = (doc.get("aws") or {}).get("account_id")
    return ServiceFacts(key, facts, account=account if isinstance(account, str) else None,
                        inferred=bool(doc.get("inferred")))


def _read(trace: Trace) -> TraceFacts:
    documents = trace.assembled()
    real = [doc for doc in documents if not doc.get("inferred")]
    ids = {}
    for doc in documents:
        for entity, _ in walk(doc):
            ids[str(entity.get("id"))] = doc
    roots = [doc for doc in real if ids.get(str(doc.get("parent_id"))) is None]
    candidates = roots or real
    root = min(candidates, key=lambda d: d.get("start_time", 0)) if candidates else None
    starts = [float(doc.get("start_time", 0)) for doc in documents]
    ends = [_end(entity) or float(entity.get("start_time", 0))
            for doc in documents for entity, _ in walk(doc)]
    start = min(starts, default=trace.epoch)
    end = max(ends, default=start)
    annotations: dict[str, list[Any]] = {}
    users: list[str] = []
    services: dict[ServiceKey, ServiceFacts] = {}
    edges: dict[tuple[ServiceKey, ServiceKey], EdgeFacts] = {}
    error = fault = throttle = False
    for doc in documents:
        key = service_key(doc)
        service = services.get(key)
        if service is None:
            service = services[key] = _new_service_facts(key, doc)
        facts = service.facts
        e, f, t = _flags(doc)
        error, fault, throttle = error or e, fault or f, throttle or t
        end_time = _end(doc)
        sample = Sample(float(doc.get("start_time", 0)), end_time, e, f, t)
        service.samples.append(sample)
        facts["error"] |= e
        facts["fault"] |= f
        facts["throttle"] |= t
        facts["ok"] |= sample.ok
        facts["partial"] |= bool(doc.get("in_progress"))
        facts["responsetime"].append(sample.response_time)
        facts["duration"].append(sample.response_time)
        for keyword, value in _http(doc).items():
            facts.setdefault(keyword, []).append(value)
        user = doc.get("user")
        if isinstance(user, str):
            facts.setdefault("user", []).append(user)
            if user not in users:
                users.append(user)
        _annotations(doc, facts["annotations"])
        _annotations(doc, annotations)
        if doc is root:
            service.root = True
        parent = ids.get(str(doc.get("parent_id")))
        if parent is not None:
            _edge(edges, service_key(parent), key, doc, parent)
    root_http = _http(root) if root is not None else {}
    duration = round(end - start, 6)
    trace_facts: Facts = {
        "responsetime": round((_end(root) or root["start_time"]) - root["start_time"], 6)
        if root is not None else 0.0,
        "duration": duration,
        "user": users,
        "error": error, "fault": fault, "throttle": throttle,
        "ok": not (error or fault or throttle),
        "partial": trace.is_partial,
        "inferred": any(doc.get("inferred") for doc in documents),
        "annotations": annotations,
        **{k: [v] for k, v in root_http.items()},
    }
    return TraceFacts(trace.id, trace_facts, services, edges,
                      root_causes(documents, root, ids), root, documents, start, end)


def _edge(edges: dict[tuple[ServiceKey, ServiceKey], EdgeFacts], source: ServiceKey,
          dest: ServiceKey, doc: Document, parent: Document) -> None:
    edge = edges.get((source, dest))
    if edge is None:
        edge = edges[(source, dest)] = EdgeFacts(source, dest, {
            "responsetime": [], "duration": [], "error": False, "fault": False,
            "throttle": False, "ok": False, "annotations": {}, "partial": False,
            "inferred": False,
        })
    # The caller's subsegment describes the call as the client saw it, when there is one.
    caller = next((entity for entity, _ in walk(parent)
                   if entity.get("id") == doc.get("parent_id")), doc)
    e, f, t = _flags(doc)
    sample = Sample(float(caller.get("start_time", 0)), _end(caller), e, f, t)
    edge.samples.append(sample)
    facts = edge.facts
    facts["responsetime"].append(sample.response_time)
    facts["duration"].append(sample.response_time)
    facts["error"] |= e
    facts["fault"] |= f
    facts["throttle"] |= t
    facts["ok"] |= sample.ok
    facts["inferred"] |= bool(doc.get("inferred"))
    for keyword, value in _http(doc).items():
        facts.setdefault(keyword, []).append(value)
    _annotations(doc, facts["annotations"])


__all__ = ["EdgeFacts", "Facts", "Sample", "ServiceFacts", "ServiceKey", "TraceFacts",
           "service_key"]
