"""A trace as GetTraceSummaries describes it (the ``TraceSummary`` shape)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emulator.xray.facts import ServiceFacts, TraceFacts
from emulator.xray.segments import walk
from emulator.xray.trace import Trace


def service_id(service: ServiceFacts) -> dict[str, Any]:
    """The ``ServiceId`` shape."""
    name = service.key[0]
    found: dict[str, Any] = {"Name": name, "Names": [name]}
    if service.account:
        found["AccountId"] = service.account
    if service.key[1]:
        found["Type"] = service.key[1]
    return found


def _annotation_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"BooleanValue": value}
    if isinstance(value, int | float):
        return {"NumberValue": float(value)}
    return {"StringValue": str(value)}


def _http(facts: TraceFacts) -> dict[str, Any]:
    http: dict[str, Any] = {}
    for member, keyword in (("HttpURL", "http.url"), ("HttpStatus", "http.status"),
                            ("HttpMethod", "http.method"), ("UserAgent", "http.useragent"),
                            ("ClientIp", "http.clientip")):
        values = facts.facts.get(keyword) or []
        if values:
            http[member] = values[0]
    return http


def summarize(trace: Trace, matched_event_time: float | None = None) -> dict[str, Any]:
    facts: TraceFacts = trace.facts
    annotations: dict[str, list[dict[str, Any]]] = {}
    users: dict[str, list[dict[str, Any]]] = {}
    resource_arns: list[str] = []
    instances: list[str] = []
    zones: list[str] = []
    for doc in facts.documents:
        service = facts.services.get((str(doc.get("name")), doc.get("origin")))
        sid = service_id(service) if service is not None else {"Name": doc.get("name")}
        for entity, _ in walk(doc):
            for key, value in (entity.get("annotations") or {}).items():
                entries = annotations.setdefault(key, [])
                wanted = _annotation_value(value)
                entry = next((e for e in entries if e["AnnotationValue"] == wanted), None)
                if entry is None:
                    entries.append({"AnnotationValue": wanted, "ServiceIds": [sid]})
                elif sid not in entry["ServiceIds"]:
                    entry["ServiceIds"].append(sid)
        user = doc.get("user")
        if isinstance(user, str):
            ids = users.setdefault(user, [])
            if sid not in ids:
                ids.append(sid)
        arn = doc.get("resource_arn")
        if isinstance(arn, str) and arn not in resource_arns:
            resource_arns.append(arn)
        ec2 = (doc.get("aws") or {}).get("ec2") or {}
        if isinstance(ec2, dict):
            if isinstance(ec2.get("instance_id"), str) and ec2["instance_id"] not in instances:
                instances.append(ec2["instance_id"])
            zone = ec2.get("availability_zone")
            if isinstance(zone, str) and zone not in zones:
                zones.append(zone)
    top = facts.facts
    summary: dict[str, Any] = {
        "Id": trace.id,
        "StartTime": datetime.fromtimestamp(facts.start, tz=UTC),
        "Duration": round(top["duration"], 6),
        "ResponseTime": round(top["responsetime"], 6),
        "HasFault": top["fault"],
        "HasError": top["error"],
        "HasThrottle": top["throttle"],
        "IsPartial": top["partial"],
        "Http": _http(facts),
        "Annotations": annotations,
        "Users": [{"UserName": name, "ServiceIds": ids} for name, ids in users.items()],
        "ServiceIds": [service_id(s) for s in facts.services.values()],
        "ResourceARNs": [{"ARN": arn} for arn in resource_arns],
        "InstanceIds": [{"Id": i} for i in instances],
        "AvailabilityZones": [{"Name": z} for z in zones],
        "FaultRootCauses": facts.rootcauses["fault"],
        "ErrorRootCauses": facts.rootcauses["error"],
        "ResponseTimeRootCauses": facts.rootcauses["responsetime"],
        "Revision": trace.revision,
    }
    entry_point = next((s for s in facts.services.values() if s.root), None)
    if entry_point is not None:
        summary["EntryPoint"] = service_id(entry_point)
    if matched_event_time is not None:
        summary["MatchedEventTime"] = datetime.fromtimestamp(matched_event_time, tz=UTC)
    return summary


__all__ = ["service_id", "summarize"]
