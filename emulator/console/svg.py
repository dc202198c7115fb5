"""A laid-out graph as SVG markup, styled by the console's style sheet.

Each node is a ``<g>`` carrying ``data-node`` (its status key) and classes for its kind and
status (``status-running``, ``status-succeeded``, ``status-failed``...), so pages colour an
execution's states and the script can tell which node was clicked.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from markupsafe import Markup

from emulator.console.layout import Box, Layout, Path

MARGIN = 12.0
CHARS = 22  # what fits on a node


def _label(text: str, limit: int = CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _classes(*names: str) -> str:
    return " ".join(name for name in names if name)


def _box(box: Box, status: str, tooltip: str) -> str:
    node = box.node
    key = escape(node.name or node.id)
    classes = _classes("node", f"kind-{node.kind}" if node.kind else "",
                       "group" if node.groups else "", f"status-{status}" if status else "")
    x, y, w, h = box.x + MARGIN, box.y + MARGIN, box.width, box.height
    title = f"<title>{escape(tooltip or node.label)}</title>"
    if node.kind in ("start", "end"):
        return (f'<g class="{classes}" data-node="{key}">{title}'
                f'<rect x="{x + w / 2 - 36:.1f}" y="{y + 4:.1f}" width="72" height="{h - 8:.1f}" '
                f'rx="{(h - 8) / 2:.1f}"/><text x="{x + w / 2:.1f}" y="{y + h / 2 + 4:.1f}" '
                f'text-anchor="middle">{escape(node.label)}</text></g>')
    if node.groups:
        return (f'<g class="{classes}" data-node="{key}">{title}'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="8"/>'
                f'<text x="{x + 10:.1f}" y="{y + 16:.1f}">{escape(_label(node.label, 40))}'
                f'<tspan class="kind"> {escape(node.kind)}</tspan></text></g>')
    return (f'<g class="{classes}" data-node="{key}" tabindex="0">{title}'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6"/>'
            f'<text x="{x + w / 2:.1f}" y="{y + h / 2 + 4:.1f}" text-anchor="middle">'
            f'{escape(_label(node.label))}</text></g>')


def _path(path: Path) -> str:
    points = " ".join(f"{x + MARGIN:.1f},{y + MARGIN:.1f}" for x, y in path.points)
    classes = _classes("edge", f"edge-{path.edge.kind}", "back" if path.back else "")
    return f'<polyline class="{classes}" points="{points}" marker-end="url(#arrow)"/>'


def _edge_label(path: Path, share: float = 0.5) -> str:
    """The label ``share`` of the way along the edge's first segment (back edges: beside
    their vertical run)."""
    lx, ly = path.label_at
    if not path.back:
        (x1, y1), (x2, y2) = path.points[0], path.points[1]
        lx, ly = x1 + (x2 - x1) * share, y1 + (y2 - y1) * share
    return (f'<text class="edge-label edge-{path.edge.kind}" x="{lx + MARGIN + 4:.1f}" '
            f'y="{ly + MARGIN + 3:.1f}">{escape(path.edge.label)}</text>')


def render(layout: Layout, statuses: Mapping[str, str] | None = None,
           tooltips: Mapping[str, str] | None = None, css_class: str = "graph") -> Markup:
    """``statuses`` and ``tooltips`` are keyed by node name (a state's name)."""
    statuses = statuses or {}
    tooltips = tooltips or {}
    width, height = layout.width + 2 * MARGIN, layout.height + 2 * MARGIN
    parts = [f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
             f'height="{height:.0f}" role="img">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/>'
             '</marker></defs>']
    groups = sorted((b for b in layout.boxes if b.node.groups), key=lambda b: b.depth)
    for box in groups:
        key = box.node.name or box.node.id
        parts.append(_box(box, statuses.get(key, ""), tooltips.get(key, "")))
    for frame in sorted(layout.frames, key=lambda f: f.depth):
        parts.append(f'<rect class="frame" x="{frame.x + MARGIN:.1f}" y="{frame.y + MARGIN:.1f}" '
                     f'width="{frame.width:.1f}" height="{frame.height:.1f}" rx="6"/>'
                     f'<text class="frame-label" x="{frame.x + MARGIN + 6:.1f}" '
                     f'y="{frame.y + MARGIN + 11:.1f}">{escape(frame.label)}</text>')
    parts.extend(_path(path) for path in layout.paths)
    for box in layout.boxes:
        if not box.node.groups:
            key = box.node.name or box.node.id
            parts.append(_box(box, statuses.get(key, ""), tooltips.get(key, "")))
    labelled = [path for path in layout.paths if path.edge.label]
    siblings: dict[str, list[Path]] = {}
    for path in labelled:
        siblings.setdefault(path.edge.source, []).append(path)
    for path in labelled:  # labels of edges leaving one state are staggered along them
        group = siblings[path.edge.source]
        index = group.index(path)
        share = 0.5 if len(group) == 1 else 0.25 + 0.5 * index / (len(group) - 1)
        parts.append(_edge_label(path, share))
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["render"]
