"""One trace as X-Ray keeps it: its segments, subsegments sent on their own, and the full
documents BatchGetTraces returns, with those subsegments merged in and inferred segments
added for calls to services that sent no segment of their own."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from emulator.xray.facts import TraceFacts
from emulator.xray.header import trace_epoch
from emulator.xray.segments import Document, Entity, walk

# Subsegment namespaces that stand for a downstream service: X-Ray infers a node for them.
INFERRED_NAMESPACES = ("aws", "remote")


def _inferred_id(subsegment_id: str) -> str:
    return hashlib.sha1(subsegment_id.encode()).hexdigest()[:16]


# The node types X-Ray gives the AWS services SDK subsegments call, by subsegment name (the
# SDKs use the service's name or its endpoint prefix, in either case).
AWS_NODE_TYPES = {
    "dynamodb": "AWS::DynamoDB::Table",
    "sqs": "AWS::SQS::Queue",
    "sns": "AWS::SNS::Topic",
    "s3": "AWS::S3::Bucket",
    "lambda": "AWS::Lambda",
    "kinesis": "AWS::Kinesis::Stream",
    "sfn": "AWS::StepFunctions::StateMachine",
    "states": "AWS::StepFunctions::StateMachine",
    "stepfunctions": "AWS::StepFunctions::StateMachine",
    "eventbridge": "AWS::Events::EventBus",
    "events": "AWS::Events::EventBus",
    "sts": "AWS::STS",
}


def _origin_for(sub: Document) -> str:
    if sub.get("namespace") == "aws":
        name = str(sub.get("name"))
        return AWS_NODE_TYPES.get(name.lower(), f"AWS::{name}")
    return "remote"


class Trace:
    """Segments of one trace id; assembled documents are cached until the next change."""

    __slots__ = ("_assembled", "_facts", "_json", "epoch", "first_seen", "id", "indexed",
                 "revision", "segments", "size", "subsegments", "updated")

    def __init__(self, trace_id: str, now: float) -> None:
        self.id = trace_id
        self.epoch = float(trace_epoch(trace_id) or now)
        self.segments: dict[str, Document] = {}
        self.subsegments: dict[str, Document] = {}
        self.size = 0
        self.first_seen = now
        self.updated = now
        self.revision = 0
        self._assembled: list[Document] | None = None
        self._json: list[tuple[str, str]] | None = None
        self._facts: Any = None
        self.indexed: set[tuple[str, str]] = set()  # its entries in the annotation index

    def add(self, entity: Entity, now: float) -> bool:
        """Keep ``entity``; a complete document replaces its in-progress placeholder, never
        the other way round. Returns False when the document was ignored."""
        target = self.subsegments if entity.is_subsegment else self.segments
        existing = target.get(entity.id)
        if existing is not None and entity.in_progress and not existing.get("in_progress"):
            return False
        if existing is not None:
            self.size -= len(json.dumps(existing))
        target[entity.id] = entity.document
        self.size += entity.size
        self.updated = now
        self.revision += 1
        self._assembled = self._json = self._facts = None
        return True

    # -- assembly ------------------------------------------------------------------------

    def assembled(self) -> list[Document]:
        """Top-level segments, each with its separately sent subsegments merged in, then
        inferred segments; oldest first."""
        if self._assembled is not None:
            return self._assembled
        revision = self.revision
        # Documents are shared, not copied, unless separately sent subsegments must be merged.
        documents = ([copy.deepcopy(doc) for doc in self.segments.values()] if self.subsegments
                     else list(self.segments.values()))
        by_id: dict[str, Document] = {}
        for doc in documents:
            for entity, _ in walk(doc):
                by_id[str(entity.get("id"))] = entity
        pending = [copy.deepcopy(sub) for sub in self.subsegments.values()]
        # Subsegments may arrive before their parents: attach until nothing moves.
        while pending:
            left = []
            for sub in pending:
                parent = by_id.get(str(sub.get("parent_id")))
                if parent is None:
                    left.append(sub)
                    continue
                children = parent.setdefault("subsegments", [])
                children[:] = [child for child in children if child.get("id") != sub["id"]]
                children.append(_as_nested(sub))
                for entity, _ in walk(sub):
                    by_id[str(entity.get("id"))] = entity
            if len(left) == len(pending):
                break
            pending = left
        for doc in documents:
            for entity, _ in walk(doc):
                children = entity.get("subsegments")
                if children:
                    children.sort(key=lambda child: child.get("start_time", 0))
        documents.sort(key=lambda doc: doc.get("start_time", 0))
        documents.extend(self._inferred(documents))
        if revision == self.revision:
            self._assembled = documents
        return documents

    def _inferred(self, documents: list[Document]) -> list[Document]:
        parents = {doc.get("parent_id") for doc in documents}
        inferred = []
        for doc in documents:
            for entity, depth in walk(doc):
                if depth == 0 or entity.get("namespace") not in INFERRED_NAMESPACES:
                    continue
                if entity.get("id") in parents or entity.get("subsegments"):
                    continue
                node: Document = {
                    "id": _inferred_id(str(entity["id"])),
                    "name": entity.get("name"),
                    "start_time": entity.get("start_time"),
                    "trace_id": self.id,
                    "parent_id": entity["id"],
                    "inferred": True,
                    "origin": _origin_for(entity),
                }
                if "end_time" in entity:
                    node["end_time"] = entity["end_time"]
                else:
                    node["in_progress"] = True
                for key in ("http", "aws", "error", "fault", "throttle", "cause"):
                    if key in entity:
                        node[key] = copy.deepcopy(entity[key])
                inferred.append(node)
        return inferred

    def documents(self) -> list[tuple[str, str]]:
        """(segment id, JSON document) pairs as BatchGetTraces returns them."""
        if self._json is None:
            self._json = [
                (str(doc["id"]), json.dumps(doc, separators=(",", ":")))
                for doc in self.assembled()
            ]
        return self._json

    @property
    def facts(self) -> Any:
        """The filterable facts of this trace (see emulator.xray.facts), cached."""
        if self._facts is None:
            revision = self.revision
            facts = TraceFacts.of(self)
            if revision == self.revision:  # not changed meanwhile by another thread
                self._facts = facts
            return facts
        return self._facts

    @property
    def is_partial(self) -> bool:
        if any(doc.get("in_progress") for doc in self.segments.values()):
            return True
        known = set(self.segments) | set(self.subsegments)
        for doc in self.segments.values():
            for entity, _ in walk(doc):
                known.add(str(entity.get("id")))
        return any(sub.get("parent_id") not in known for sub in self.subsegments.values())

    @property
    def end_time(self) -> float:
        ends = [doc.get("end_time") or doc.get("start_time") or 0 for doc in self.segments.values()]
        return float(max(ends, default=self.epoch))


def _as_nested(sub: Document) -> Document:
    """A separately sent subsegment as it appears inside its parent."""
    nested = {k: v for k, v in sub.items() if k not in ("type", "trace_id", "parent_id")}
    return nested


__all__ = ["INFERRED_NAMESPACES", "Trace"]
