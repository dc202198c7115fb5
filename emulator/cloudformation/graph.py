"""The dependency graph of a template's resources: edges from Ref, Fn::GetAtt, Fn::Sub and
DependsOn; cycles reported as AWS reports them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from emulator.cloudformation.errors import TemplateError
from emulator.cloudformation.intrinsics import references, unresolved


def depends_on(definition: Mapping[str, Any]) -> list[str]:
    value = definition.get("DependsOn")
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(item) for item in value]


def dependencies(
    resources: Mapping[str, Mapping[str, Any]], known: Iterable[str],
    block: str = "Resources",
) -> dict[str, set[str]]:
    """For each resource, the resources it must wait for. ``known`` are the other names a
    reference may use (parameters, pseudo parameters); anything else is unresolved, reported
    against ``block`` (the template section being checked) as AWS does."""
    names = set(known)
    graph: dict[str, set[str]] = {}
    missing: list[str] = []
    for logical_id, definition in resources.items():
        used = references(definition.get("Properties", {}))
        explicit = set(depends_on(definition))
        wanted = set()
        for name in used:
            if name in resources:
                wanted.add(name)
            elif name not in names and name not in missing:
                missing.append(name)
        for name in explicit:
            if name in resources:
                wanted.add(name)
            elif name not in missing:
                missing.append(name)
        graph[logical_id] = wanted
    if missing:
        raise unresolved(missing, block)
    return graph


def check_acyclic(graph: Mapping[str, set[str]]) -> None:
    """Raise AWS's circular-dependency error naming every resource on a cycle."""
    order = list(graph)
    index = {name: position for position, name in enumerate(order)}
    # Tarjan's strongly connected components, iteratively.
    counter = 0
    lowlink: dict[str, int] = {}
    number: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cyclic: set[str] = set()
    for root in order:
        if root in number:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph[root], key=index.__getitem__))]
        number[root] = lowlink[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                child = pending.pop(0)
                if child not in number:
                    number[child] = lowlink[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(graph[child], key=index.__getitem__)))
                elif child in on_stack:
                    lowlink[node] = min(lowlink[node], number[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == number[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    cyclic.update(component)
    if cyclic:
        names = ", ".join(sorted(cyclic, key=index.__getitem__))
        raise TemplateError(f"Circular dependency between resources: [{names}]")


def dependents(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """The reverse graph: for each resource, the resources that wait for it."""
    out: dict[str, set[str]] = {name: set() for name in graph}
    for name, needs in graph.items():
        for need in needs:
            out.setdefault(need, set()).add(name)
    return out


__all__ = ["check_acyclic", "dependencies", "dependents", "depends_on"]
