"""The state machine graph and its layout: every state type, Choice branches, Catch edges,
Parallel branches and Map processors drawn as nested groups (nested in each other too)."""

from __future__ import annotations

import itertools
from typing import Any

from emulator.console import statemachine
from emulator.console.layout import Box, Edge, Graph, Layout, Node, layout

EVERY_TYPE: dict[str, Any] = {
    "StartAt": "Pass",
    "States": {
        "Pass": {"Type": "Pass", "Next": "Task"},
        "Task": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Wait",
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fail"}]},
        "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Choice"},
        "Choice": {"Type": "Choice",
                   "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Parallel"},
                               {"And": [{"Variable": "$.a", "IsPresent": True},
                                        {"Not": {"Variable": "$.b", "StringEquals": "x"}}],
                                "Next": "Map"}],
                   "Default": "Succeed"},
        "Parallel": {"Type": "Parallel", "Next": "Succeed", "Branches": [
            {"StartAt": "Inner map", "States": {"Inner map": {
                "Type": "Map", "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Deepest",
                    "States": {"Deepest": {"Type": "Pass", "End": True}}},
                "End": True}}},
            {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Next": "B2"},
                                         "B2": {"Type": "Succeed"}}}]},
        "Map": {"Type": "Map", "Iterator": {"StartAt": "Item", "States": {
            "Item": {"Type": "Parallel", "End": True, "Branches": [
                {"StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": True}}}]}}},
                "Next": "Succeed"},
        "Succeed": {"Type": "Succeed"},
        "Fail": {"Type": "Fail", "Error": "E", "Cause": "c"},
    },
}


def _inside(inner: Box, outer: Box) -> bool:
    return (outer.x <= inner.x and inner.x + inner.width <= outer.x + outer.width
            and outer.y <= inner.y and inner.y + inner.height <= outer.y + outer.height)


def _overlap(a: Box, b: Box) -> bool:
    return not (a.x + a.width <= b.x or b.x + b.width <= a.x
                or a.y + a.height <= b.y or b.y + b.height <= a.y)


def _by_name(drawn: Layout) -> dict[str, Box]:
    return {box.node.name or box.node.id: box for box in drawn.boxes}


def test_every_state_type_becomes_a_node_of_its_kind() -> None:
    graph = statemachine.graph(EVERY_TYPE)
    kinds = {node.name: node.kind for node in graph.nodes if node.name}
    assert {"Pass", "Task", "Wait", "Choice", "Parallel", "Map", "Succeed", "Fail"} <= set(
        kinds.values())
    assert [n.kind for n in graph.nodes][:1] == ["start"] and graph.nodes[-1].kind == "end"


def test_transitions_choice_branches_defaults_and_catchers_are_edges() -> None:
    graph = statemachine.graph(EVERY_TYPE)
    edges = {(e.source, e.target): e for e in graph.edges}
    assert edges[(statemachine.START, "Pass")].kind == "next"
    assert edges[("Pass", "Task")].kind == "next"
    assert edges[("Task", "Fail")].kind == "catch"
    assert edges[("Task", "Fail")].label == "catch States.ALL"
    assert edges[("Choice", "Parallel")].label == "$.n > 1"
    assert edges[("Choice", "Map")].label == "($.a IsPresent) and (not ($.b == \"x\"))"
    assert edges[("Choice", "Succeed")].kind == "default"
    assert edges[("Succeed", statemachine.END)] and edges[("Fail", statemachine.END)]


def test_parallel_branches_and_map_processors_are_nested_groups() -> None:
    graph = statemachine.graph(EVERY_TYPE)
    parallel = next(n for n in graph.nodes if n.name == "Parallel")
    assert [g.label for g in parallel.groups] == ["Branch 1", "Branch 2"]
    inner_map = parallel.groups[0].nodes[0]
    assert inner_map.kind == "Map" and inner_map.groups[0].nodes[0].name == "Deepest"
    old_map = next(n for n in graph.nodes if n.name == "Map")  # Iterator, the older field
    assert old_map.groups[0].nodes[0].groups[0].nodes[0].name == "Leaf"


def test_nested_nodes_are_drawn_inside_their_groups_and_no_siblings_overlap() -> None:
    drawn = layout(statemachine.graph(EVERY_TYPE))
    boxes = _by_name(drawn)
    assert _inside(boxes["Inner map"], boxes["Parallel"])
    assert _inside(boxes["Deepest"], boxes["Inner map"])
    assert _inside(boxes["B1"], boxes["Parallel"]) and _inside(boxes["B2"], boxes["Parallel"])
    assert _inside(boxes["Item"], boxes["Map"]) and _inside(boxes["Leaf"], boxes["Item"])
    for a, b in itertools.combinations(drawn.boxes, 2):
        if not (_inside(a, b) or _inside(b, a)):
            assert not _overlap(a, b), (a.node.name, b.node.name)
    assert all(box.x >= 0 and box.x + box.width <= drawn.width + 1e-6 for box in drawn.boxes)
    assert all(box.y >= 0 and box.y + box.height <= drawn.height + 1e-6 for box in drawn.boxes)
    branches = [f for f in drawn.frames if f.label.startswith("Branch") and f.depth == 1]
    assert len(branches) == 2 and branches[0].x + branches[0].width <= branches[1].x


def test_ranks_follow_the_transitions_downward() -> None:
    boxes = _by_name(layout(statemachine.graph(EVERY_TYPE)))
    order = ["\x00start", "Pass", "Task", "Wait", "Choice"]
    tops = [boxes[name].y for name in order]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    assert boxes["Parallel"].y > boxes["Choice"].y and boxes["Succeed"].y > boxes["Map"].y


def test_a_loop_is_drawn_back_up_the_side_and_long_edges_go_around_nodes() -> None:
    graph = Graph([Node("a", "a"), Node("b", "b"), Node("c", "c"), Node("d", "d")],
                  [Edge("a", "b"), Edge("b", "c"), Edge("c", "d"), Edge("c", "a"),
                   Edge("a", "d")])
    drawn = layout(graph)
    back = [p for p in drawn.paths if p.back]
    assert [(p.edge.source, p.edge.target) for p in back] == [("c", "a")]
    assert max(x for x, _ in back[0].points) > max(b.x + b.width for b in drawn.boxes)
    long = next(p for p in drawn.paths if (p.edge.source, p.edge.target) == ("a", "d"))
    middle = [x for x, _ in long.points[1:-1]]
    for name in ("b", "c"):  # the a→d edge passes beside b and c, not through them
        box = drawn.box(name)
        assert all(not box.x <= x <= box.x + box.width for x in middle)


def test_states_no_transition_reaches_are_still_drawn() -> None:
    definition = {"StartAt": "A", "States": {"A": {"Type": "Succeed"},
                                             "Orphan": {"Type": "Pass", "End": True}}}
    names = {box.node.name for box in layout(statemachine.graph(definition)).boxes}
    assert {"A", "Orphan"} <= names


def test_a_malformed_definition_still_draws_what_it_can() -> None:
    drawn = layout(statemachine.graph({"StartAt": "X", "States": {"X": "not a state"}}))
    assert [box.node.kind for box in drawn.boxes] == ["start", "end"]
