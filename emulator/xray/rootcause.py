"""Root causes of a trace's faults, errors and response time, in the shapes GetTraceSummaries
returns (``FaultRootCauses``, ``ErrorRootCauses``, ``ResponseTimeRootCauses``)."""

from __future__ import annotations

from typing import Any

from emulator.xray.segments import Document, origin, walk


def _exceptions(entity: Document) -> list[dict[str, str]]:
    cause = entity.get("cause")
    found = []
    if isinstance(cause, dict):
        for exception in cause.get("exceptions") or ():
            if isinstance(exception, dict):
                item = {"Name": str(exception.get("type") or exception.get("name") or "")}
                if exception.get("message") is not None:
                    item["Message"] = str(exception.get("message"))
                found.append(item)
    return found


def _remote(entity: Document) -> bool:
    return entity.get("namespace") in ("aws", "remote") or any(
        isinstance(e, dict) and e.get("remote")
        for e in ((entity.get("cause") or {}) if isinstance(entity.get("cause"), dict)
                  else {}).get("exceptions") or ())


def _flagged_path(doc: Document, flag: str) -> list[Document]:
    """From ``doc`` down through flagged subsegments to the deepest flagged one."""
    path = [doc]
    current = doc
    while True:
        child = next((c for c in current.get("subsegments") or () if c.get(flag)), None)
        if child is None:
            return path
        path.append(child)
        current = child


def _service(doc: Document, path: list[dict[str, Any]]) -> dict[str, Any]:
    service: dict[str, Any] = {"Name": doc.get("name"), "Names": [doc.get("name")],
                               "EntityPath": path, "Inferred": bool(doc.get("inferred"))}
    kind = origin(doc)
    if kind:
        service["Type"] = kind
    account = (doc.get("aws") or {}).get("account_id")
    if isinstance(account, str):
        service["AccountId"] = account
    return service


def _ancestors(doc: Document, ids: dict[str, Document]) -> list[Document]:
    found: list[Document] = []
    current = ids.get(str(doc.get("parent_id")))
    while current is not None and current not in found:
        found.append(current)
        current = ids.get(str(current.get("parent_id")))
    return found


def _flag_causes(documents: list[Document], root: Document | None,
                 ids: dict[str, Document], flag: str) -> list[dict[str, Any]]:
    flagged = [doc for doc in documents if doc.get(flag)]
    upstream = {id(a) for doc in flagged for a in _ancestors(doc, ids) if a.get(flag)}
    causes = []
    for doc in flagged:
        if id(doc) in upstream:
            continue
        path = [{"Name": entity.get("name"), "Exceptions": _exceptions(entity),
                 "Remote": _remote(entity)} for entity in _flagged_path(doc, flag)]
        causes.append({"Services": [_service(doc, path)],
                       "ClientImpacting": bool(root is not None and root.get(flag))})
    return causes


def _duration(entity: Document) -> float:
    end = entity.get("end_time")
    start = float(entity.get("start_time", 0))
    return max(0.0, (float(end) if isinstance(end, int | float) else start) - start)


def _slowest(documents: list[Document], root: Document | None) -> list[dict[str, Any]]:
    if root is None:
        return []
    total = _duration(root) or 1.0
    children: dict[str, list[Document]] = {}
    for doc in documents:
        children.setdefault(str(doc.get("parent_id")), []).append(doc)
    current = root
    while True:
        # Follow the slowest call downstream: a segment whose parent is inside this one.
        inner = {str(e.get("id")) for e, _ in walk(current)}
        downstream = [d for key in inner for d in children.get(key, ())]
        if not downstream:
            break
        current = max(downstream, key=_duration)
    path = []
    entity = current
    while True:
        path.append({"Name": entity.get("name"),
                     "Coverage": round(_duration(entity) / total, 6),
                     "Remote": _remote(entity)})
        subsegments = entity.get("subsegments") or []
        if not subsegments:
            break
        entity = max(subsegments, key=_duration)
    return [{"Services": [_service(current, path)], "ClientImpacting": True}]


def root_causes(documents: list[Document], root: Document | None,
                ids: dict[str, Document]) -> dict[str, list[dict[str, Any]]]:
    return {
        "fault": _flag_causes(documents, root, ids, "fault"),
        "error": _flag_causes(documents, root, ids, "error"),
        "throttle": _flag_causes(documents, root, ids, "throttle"),
        "responsetime": _slowest(documents, root),
    }


__all__ = ["root_causes"]
