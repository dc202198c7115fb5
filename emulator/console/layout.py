"""A layered drawing of a directed graph whose nodes may hold nested graphs.

Used for state machines (Parallel branches and Map processors are nested graphs) and the X-Ray
service map. Ranks follow the longest path from the first node, with edges that close a cycle
drawn back up the right-hand side; within a rank, nodes are ordered by the mean position of
their neighbours to keep edges short and crossings few. Everything is plain geometry: no
knowledge of the States Language or of SVG.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

NODE_WIDTH = 168.0
NODE_HEIGHT = 36.0
GAP_X = 28.0  # between neighbours in a rank
GAP_Y = 44.0  # between ranks
GROUP_PAD = 14.0  # inside a group's frame
GROUP_HEADER = 24.0  # room for a group's title
BRANCH_GAP = 18.0  # between a Parallel state's branches
BACK_EDGE_GAP = 20.0  # how far right of the drawing back edges run
VIRTUAL_WIDTH = 10.0  # room a long edge takes where it passes a rank


@dataclass
class Node:
    """A node; ``groups`` are graphs drawn inside it (one per branch)."""

    id: str
    label: str
    kind: str = ""
    groups: list[Graph] = field(default_factory=list)
    name: str = ""  # what statuses are keyed by (a state's name); defaults to the id


@dataclass
class Edge:
    source: str
    target: str
    label: str = ""
    kind: str = "next"


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[Edge] = field(default_factory=list)
    label: str = ""


@dataclass
class Box:
    """Where a node is drawn; ``depth`` is how many groups hold it."""

    node: Node
    x: float
    y: float
    width: float
    height: float
    depth: int

    @property
    def center_x(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass
class Frame:
    """The outline of one nested graph (a branch) inside its node."""

    label: str
    x: float
    y: float
    width: float
    height: float
    depth: int


@dataclass
class Path:
    """An edge as a polyline; ``back`` when it closes a cycle."""

    edge: Edge
    points: list[tuple[float, float]]
    back: bool = False

    @property
    def label_at(self) -> tuple[float, float]:
        """Where the edge's label goes: beside a back edge's vertical run, else halfway
        along the first segment (near the state the edge leaves)."""
        (x1, y1), (x2, y2) = (self.points[1], self.points[2]) if self.back else \
            (self.points[0], self.points[1])
        return (x1 + x2) / 2, (y1 + y2) / 2


@dataclass
class Layout:
    boxes: list[Box]
    frames: list[Frame]
    paths: list[Path]
    width: float
    height: float

    def box(self, node_id: str) -> Box:
        return next(box for box in self.boxes if box.node.id == node_id)


def layout(graph: Graph) -> Layout:
    """Place every node (nested ones included) and route every edge; origin top-left."""
    placed = _Placed.of(graph, 0)
    return placed.moved(0.0, 0.0)


# -- internals ------------------------------------------------------------------------------


@dataclass
class _Placed:
    """A graph laid out with its own origin, to be moved into its parent."""

    boxes: list[Box]
    frames: list[Frame]
    paths: list[Path]
    width: float
    height: float

    @classmethod
    def of(cls, graph: Graph, depth: int) -> _Placed:
        inner = {node.id: [_Placed.of(g, depth + 1) for g in node.groups] for node in graph.nodes}
        sizes = {node.id: _size(node, inner[node.id]) for node in graph.nodes}
        ids = [node.id for node in graph.nodes]
        edges = [edge for edge in graph.edges if edge.source in sizes and edge.target in sizes]
        back = _back_edges(ids, edges)
        forward = [e for e in edges if id(e) not in back]
        ranks = _ranks(ids, forward)
        # Long edges pass through a virtual node in every rank they cross, so they are routed
        # between nodes instead of through them.
        chains: dict[int, list[str]] = {}
        links: list[tuple[str, str]] = []
        for index, edge in enumerate(forward):
            chain = [edge.source]
            for rank in range(ranks[edge.source] + 1, ranks[edge.target]):
                virtual = f"\x01{index}\x01{rank}"
                ranks[virtual] = rank
                sizes[virtual] = (VIRTUAL_WIDTH, 0.0)
                chain.append(virtual)
            chain.append(edge.target)
            chains[id(edge)] = chain
            links.extend(itertools.pairwise(chain))
        rows = _order(list(ranks), ranks, links)
        centers = _centers(rows, sizes, links)
        return cls._place(graph, depth, inner, sizes, rows, centers, edges, back, chains)

    @classmethod
    def _place(cls, graph: Graph, depth: int, inner: dict[str, list[_Placed]],
               sizes: dict[str, tuple[float, float]], rows: list[list[str]],
               centers: dict[str, float], edges: list[Edge], back: set[int],
               chains: dict[int, list[str]]) -> _Placed:
        nodes = {node.id: node for node in graph.nodes}
        boxes: dict[str, Box] = {}
        frames: list[Frame] = []
        paths: list[Path] = []
        middle: dict[str, tuple[float, float, float]] = {}  # virtual: (x, row top, bottom)
        y = 0.0
        for row in rows:
            height = max((sizes[n][1] for n in row), default=0.0)
            for node_id in row:
                w, h = sizes[node_id]
                x = centers[node_id] - w / 2
                if node_id not in nodes:
                    middle[node_id] = (centers[node_id], y, y + height)
                    continue
                box = Box(nodes[node_id], x, y + (height - h) / 2, w, h, depth)
                boxes[node_id] = box
                cls._nest(box, inner[node_id], frames, paths, boxes)
            y += height + GAP_Y
        height = max(y - GAP_Y, 0.0)
        width = max((b.x + b.width for b in boxes.values()), default=0.0)
        extra = 0.0
        for edge in edges:
            source, target = boxes[edge.source], boxes[edge.target]
            if id(edge) in back:
                extra += BACK_EDGE_GAP
                right = width + extra
                paths.append(Path(edge, [(source.x + source.width, source.y + source.height / 2),
                                         (right, source.y + source.height / 2),
                                         (right, target.y + target.height / 2),
                                         (target.x + target.width,
                                          target.y + target.height / 2)], back=True))
                continue
            points = [(source.center_x, source.bottom)]
            for virtual in chains[id(edge)][1:-1]:
                x, top, bottom = middle[virtual]
                points.extend([(x, top), (x, bottom)])
            points.append((target.center_x, target.y))
            paths.append(Path(edge, points))
        own = [boxes[node.id] for node in graph.nodes]
        return cls(own + [b for b in boxes.values() if b not in own], frames, paths,
                   width + extra, height)

    @staticmethod
    def _nest(box: Box, groups: list[_Placed], frames: list[Frame], paths: list[Path],
              boxes: dict[str, Box]) -> None:
        """Move a node's nested graphs inside its box, side by side under its title."""
        x = box.x + GROUP_PAD
        for index, group in enumerate(groups):
            label = box.node.groups[index].label
            top = box.y + GROUP_HEADER
            frames.append(Frame(label, x, top, group.width + 2 * GROUP_PAD,
                                group.height + 2 * GROUP_PAD, box.depth + 1))
            moved = group.moved(x + GROUP_PAD, top + GROUP_PAD)
            frames.extend(moved.frames)
            paths.extend(moved.paths)
            for child in moved.boxes:
                boxes[f"{box.node.id}\x00{index}\x00{child.node.id}"] = child
            x += group.width + 2 * GROUP_PAD + BRANCH_GAP

    def moved(self, dx: float, dy: float) -> Layout:
        return Layout(
            [Box(b.node, b.x + dx, b.y + dy, b.width, b.height, b.depth) for b in self.boxes],
            [Frame(f.label, f.x + dx, f.y + dy, f.width, f.height, f.depth)
             for f in self.frames],
            [Path(p.edge, [(x + dx, y + dy) for x, y in p.points], p.back) for p in self.paths],
            self.width, self.height)


def _centers(rows: list[list[str]], sizes: dict[str, tuple[float, float]],
             links: list[tuple[str, str]]) -> dict[str, float]:
    """Horizontal centres: each node pulled toward the mean of its neighbours' centres in the
    row above, then below, then above again, keeping the row's order and gaps; the drawing
    then starts at 0."""
    above: dict[str, list[str]] = {}
    below: dict[str, list[str]] = {}
    for source, target in links:
        below.setdefault(source, []).append(target)
        above.setdefault(target, []).append(source)
    centers: dict[str, float] = {}
    for row in rows:  # first, each row packed from the left
        x = 0.0
        for node_id in row:
            centers[node_id] = x + sizes[node_id][0] / 2
            x += sizes[node_id][0] + GAP_X
    order = list(range(len(rows)))
    for sweep, neighbours in ((order[1:], above), (order[-2::-1], below), (order[1:], above)):
        for index in sweep:
            _pack(rows[index], sizes, centers, neighbours)
    left = min((centers[n] - sizes[n][0] / 2 for row in rows for n in row), default=0.0)
    return {node_id: center - left for node_id, center in centers.items()}


def _pack(row: list[str], sizes: dict[str, tuple[float, float]], centers: dict[str, float],
          neighbours: dict[str, list[str]]) -> None:
    desired = {}
    for node_id in row:
        near = [centers[n] for n in neighbours.get(node_id, ()) if n in centers]
        desired[node_id] = sum(near) / len(near) if near else centers[node_id]
    previous_right = float("-inf")
    placed = {}
    for node_id in row:
        width = sizes[node_id][0]
        left = max(desired[node_id] - width / 2, previous_right + GAP_X)
        placed[node_id] = left + width / 2
        previous_right = left + width
    # Share the push to the right across the row instead of leaving it all on the right end.
    shift = sum(placed[n] - desired[n] for n in row) / len(row) if row else 0.0
    for node_id in row:
        centers[node_id] = placed[node_id] - shift


def _size(node: Node, groups: list[_Placed]) -> tuple[float, float]:
    if not groups:
        return NODE_WIDTH, NODE_HEIGHT
    width = sum(g.width + 2 * GROUP_PAD for g in groups) + BRANCH_GAP * (len(groups) - 1)
    height = max(g.height + 2 * GROUP_PAD for g in groups)
    return max(width + 2 * GROUP_PAD, NODE_WIDTH), height + GROUP_HEADER + GROUP_PAD


def _back_edges(ids: list[str], edges: list[Edge]) -> set[int]:
    """Edges that close a cycle, found by a depth-first walk from each node in order."""
    out: dict[str, list[Edge]] = {node_id: [] for node_id in ids}
    for edge in edges:
        out[edge.source].append(edge)
    state: dict[str, int] = {}  # 1 on the walk's stack, 2 finished
    back: set[int] = set()
    for root in ids:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            node_id, index = stack[-1]
            if index < len(out[node_id]):
                stack[-1] = (node_id, index + 1)
                edge = out[node_id][index]
                seen = state.get(edge.target)
                if seen == 1:
                    back.add(id(edge))
                elif seen is None:
                    state[edge.target] = 1
                    stack.append((edge.target, 0))
            else:
                state[node_id] = 2
                stack.pop()
    return back


def _ranks(ids: list[str], edges: list[Edge]) -> dict[str, int]:
    """Longest-path ranks over the acyclic edges (Kahn's order)."""
    incoming = {node_id: 0 for node_id in ids}
    out: dict[str, list[str]] = {node_id: [] for node_id in ids}
    for edge in edges:
        incoming[edge.target] += 1
        out[edge.source].append(edge.target)
    rank = dict.fromkeys(ids, 0)
    ready = [node_id for node_id in ids if incoming[node_id] == 0]
    while ready:
        node_id = ready.pop(0)
        for target in out[node_id]:
            rank[target] = max(rank[target], rank[node_id] + 1)
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return rank


def _order(ids: list[str], ranks: dict[str, int], links: list[tuple[str, str]]
           ) -> list[list[str]]:
    """Rows of node ids; a few sweeps place each node near the mean of its neighbours."""
    count = max(ranks.values(), default=-1) + 1
    rows: list[list[str]] = [[] for _ in range(count)]
    for node_id in ids:
        rows[ranks[node_id]].append(node_id)
    above: dict[str, list[str]] = {node_id: [] for node_id in ids}
    below: dict[str, list[str]] = {node_id: [] for node_id in ids}
    for source, target in links:
        below[source].append(target)
        above[target].append(source)
    for _ in range(3):
        for index in range(1, count):
            _sort_by_neighbours(rows[index], rows[index - 1], above)
        for index in range(count - 2, -1, -1):
            _sort_by_neighbours(rows[index], rows[index + 1], below)
    return rows


def _sort_by_neighbours(row: list[str], other: list[str], neighbours: dict[str, list[str]]
                        ) -> None:
    position = {node_id: index for index, node_id in enumerate(other)}

    def weight(item: tuple[int, str]) -> float:
        index, node_id = item
        near = [position[n] for n in neighbours[node_id] if n in position]
        return sum(near) / len(near) if near else float(index)

    row[:] = [node_id for _, node_id in sorted(enumerate(row), key=weight)]


__all__ = ["Box", "Edge", "Frame", "Graph", "Layout", "Node", "Path", "layout"]
