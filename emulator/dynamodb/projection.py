"""Projection expressions: the document paths a read returns."""

from __future__ import annotations

from emulator.dynamodb import parser
from emulator.dynamodb.binding import Binder, check_reserved
from emulator.dynamodb.paths import Resolved, check_overlaps
from emulator.dynamodb.placeholders import Placeholders

KIND = "ProjectionExpression"


def compile_projection(text: str, placeholders: Placeholders) -> list[Resolved]:
    tree = parser.projection(text)
    check_reserved(tree, KIND)
    binder = Binder(placeholders, KIND)
    paths = [binder.path(path) for path in tree.paths]
    check_overlaps(paths, KIND)
    return paths


__all__ = ["compile_projection"]
