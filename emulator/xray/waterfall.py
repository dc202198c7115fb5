"""Readable traces: a trace as a tree of segments and subsegments with timings, and that tree
as a text waterfall."""

from __future__ import annotations

from typing import Any

from emulator.xray.segments import Document, http_status
from emulator.xray.trace import Trace

BAR_WIDTH = 40


def _node(entity: Document, kind: str, origin_time: float) -> dict[str, Any]:
    start = float(entity.get("start_time", origin_time))
    end = entity.get("end_time")
    node: dict[str, Any] = {
        "id": entity.get("id"),
        "name": entity.get("name"),
        "kind": kind,
        "start_time": start,
        "end_time": end,
        "offset": round(start - origin_time, 6),
        "duration": round(float(end) - start, 6) if isinstance(end, int | float) else None,
        "in_progress": bool(entity.get("in_progress")),
        "error": bool(entity.get("error")),
        "fault": bool(entity.get("fault")),
        "throttle": bool(entity.get("throttle")),
        "children": [],
    }
    for key in ("origin", "namespace"):
        if entity.get(key):
            node[key] = entity[key]
    status = http_status(entity)
    if status is not None:
        node["http_status"] = status
    if entity.get("annotations"):
        node["annotations"] = entity["annotations"]
    cause = entity.get("cause")
    if isinstance(cause, dict) and cause.get("exceptions"):
        node["exceptions"] = [
            {"type": e.get("type"), "message": e.get("message")}
            for e in cause["exceptions"] if isinstance(e, dict)
        ]
    return node


def tree(trace: Trace) -> dict[str, Any]:
    """The trace as nested nodes: segments, their subsegments, and the segments they called
    (a segment hangs under the subsegment named by its ``parent_id``)."""
    documents = trace.assembled()
    facts = trace.facts
    origin_time = facts.start
    return {
        "id": trace.id,
        "start_time": origin_time,
        "duration": round(facts.end - facts.start, 6),
        "segments": len(documents),
        "fault": facts.facts["fault"],
        "error": facts.facts["error"],
        "throttle": facts.facts["throttle"],
        "partial": facts.facts["partial"],
        "roots": roots(documents, origin_time),
    }


def roots(documents: list[Document], origin_time: float) -> list[dict[str, Any]]:
    """Segment documents (as BatchGetTraces returns them) as nested nodes, each with its
    offset from ``origin_time``; the roots in start order."""
    by_id: dict[str, dict[str, Any]] = {}
    found: list[dict[str, Any]] = []

    def build(entity: Document, kind: str) -> dict[str, Any]:
        node = _node(entity, kind, origin_time)
        by_id[str(entity.get("id"))] = node
        for child in entity.get("subsegments") or ():
            node["children"].append(build(child, "subsegment"))
        return node

    built = [(doc, build(doc, "inferred" if doc.get("inferred") else "segment"))
             for doc in documents]
    for doc, node in built:
        parent = by_id.get(str(doc.get("parent_id")))
        if parent is not None and parent is not node:
            parent["children"].append(node)
        else:
            found.append(node)
    for node in by_id.values():
        node["children"].sort(key=lambda child: child["start_time"])
    return sorted(found, key=lambda node: node["start_time"])


def _flags(node: dict[str, Any]) -> str:
    marks = []
    if node.get("http_status") is not None:
        marks.append(str(node["http_status"]))
    for flag in ("fault", "error", "throttle", "in_progress"):
        if node.get(flag):
            marks.append(flag.replace("_", "-"))
    for exception in node.get("exceptions", ()):
        marks.append(f"{exception.get('type')}: {exception.get('message')}")
    return "  ".join(marks)


def render(view: dict[str, Any], width: int = BAR_WIDTH) -> str:
    """A text waterfall: one line per segment or subsegment, indented by depth, with its
    offset, duration and a bar placed on the trace's time line."""
    total = view["duration"] or 0.0
    lines = [
        f"Trace {view['id']}  {total * 1000:.1f} ms  {view['segments']} segment(s)"
        + ("  FAULT" if view["fault"] else "") + ("  ERROR" if view["error"] else "")
        + ("  PARTIAL" if view["partial"] else "")
    ]
    rows: list[tuple[str, str, str, str, str]] = []

    def visit(node: dict[str, Any], depth: int) -> None:
        label = "  " * depth + str(node["name"])
        if node.get("origin"):
            label += f" ({node['origin']})"
        duration = node["duration"]
        scale = width / total if total > 0 else 0.0
        begin = min(width - 1, int(node["offset"] * scale)) if total > 0 else 0
        length = max(1, round((duration or 0.0) * scale)) if total > 0 else width
        length = min(length, width - begin)
        bar = " " * begin + ("=" * length if duration is not None else "-" * (width - begin))
        rows.append((label, f"{node['offset'] * 1000:8.1f}",
                     f"{duration * 1000:8.1f}" if duration is not None else "     ...",
                     f"|{bar.ljust(width)}|", _flags(node)))
        for child in node["children"]:
            visit(child, depth + 1)

    for root in view["roots"]:
        visit(root, 0)
    name_width = max([len(row[0]) for row in rows] + [4])
    lines.append(f"{'name'.ljust(name_width)}  {'at ms':>8}  {'ms':>8}  timeline")
    for label, offset, duration, bar, flags in rows:
        lines.append(f"{label.ljust(name_width)}  {offset}  {duration}  {bar}  {flags}".rstrip())
    return "\n".join(lines)


def listing(traces: list[Trace]) -> list[dict[str, Any]]:
    """One line of facts per trace, newest first, for ``traces`` listings."""
    found = []
    for trace in traces:
        if not trace.segments:
            continue
        facts = trace.facts
        root = facts.root or {}
        found.append({
            "id": trace.id,
            "start_time": facts.start,
            "duration": round(facts.end - facts.start, 6),
            "name": root.get("name"),
            "http_status": http_status(root) if root else None,
            "method": ((root.get("http") or {}).get("request") or {}).get("method"),
            "url": ((root.get("http") or {}).get("request") or {}).get("url"),
            "fault": facts.facts["fault"],
            "error": facts.facts["error"],
            "segments": len(facts.documents),
        })
    found.sort(key=lambda item: item["start_time"], reverse=True)
    return found


def render_listing(items: list[dict[str, Any]]) -> str:
    if not items:
        return "no traces"
    lines = []
    for item in items:
        status = item.get("http_status") or ""
        flags = " ".join(f for f in ("fault", "error") if item.get(f))
        request = " ".join(str(x) for x in (item.get("method"), item.get("url")) if x)
        lines.append(f"{item['id']}  {item['duration'] * 1000:8.1f} ms  {item['name']}  "
                     f"{status} {request} {flags}".rstrip())
    return "\n".join(lines)


__all__ = ["listing", "render", "render_listing", "roots", "tree"]
