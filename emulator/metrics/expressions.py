"""Metric math: the expression language of GetMetricData and alarms, parsed once per text
into a small tree and evaluated over the other queries' results. Functions follow
CloudWatch's metric math reference:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

from emulator.metrics.functions import FUNCTIONS
from emulator.metrics.values import MathError, Scope, TimeSeries, Value, combine

_GRAMMAR = r"""
?start: expr
?expr: or_
?or_: and_ (("OR" | "||") and_)*       -> or_chain
?and_: comparison (("AND" | "&&") comparison)*  -> and_chain
?comparison: sum (COMPARE sum)?        -> compare
?sum: product (ADD_OP product)*        -> arith
?product: power (MUL_OP power)*        -> arith
?power: unary ("^" unary)?             -> power
?unary: "-" unary                      -> negate
      | "NOT" unary                    -> logical_not
      | atom
?atom: NUMBER                          -> number
     | STRING                          -> string
     | FUNCTION "(" [expr ("," expr)*] ")" -> call
     | KEYWORD                         -> keyword
     | IDENT                           -> reference
     | "[" expr ("," expr)* "]"        -> array
     | "(" expr ")"
COMPARE: "==" | "!=" | "<=" | ">=" | "<" | ">"
ADD_OP: "+" | "-"
MUL_OP: "*" | "/"
FUNCTION.2: /[A-Z][A-Z0-9_]*(?=\s*\()/
KEYWORD: "REPEAT" | "LINEAR"
IDENT: /[a-z][a-zA-Z0-9_]*/
NUMBER: /\d+(\.\d+)?([eE][+-]?\d+)?/ | /\.\d+([eE][+-]?\d+)?/
STRING: /"[^"]*"/ | /'[^']*'/
%ignore /\s+/
"""

_PARSER = Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False)


# -- the tree --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    kind: str  # number, string, keyword, ref, call, array, binary, negate, not
    value: Any = None
    args: tuple[Node, ...] = ()


class _Build(Transformer[Token, Node]):
    def number(self, items: list[Token]) -> Node:
        return Node("number", float(items[0]))

    def string(self, items: list[Token]) -> Node:
        return Node("string", str(items[0])[1:-1])

    def keyword(self, items: list[Token]) -> Node:
        return Node("keyword", str(items[0]))

    def reference(self, items: list[Token]) -> Node:
        return Node("ref", str(items[0]))

    def call(self, items: list[Any]) -> Node:
        name = str(items[0])
        return Node("call", name, tuple(item for item in items[1:] if item is not None))

    def array(self, items: list[Node]) -> Node:
        return Node("array", None, tuple(items))

    def negate(self, items: list[Node]) -> Node:
        return Node("negate", None, (items[0],))

    def logical_not(self, items: list[Node]) -> Node:
        return Node("not", None, (items[0],))

    def power(self, items: list[Node]) -> Node:
        return Node("binary", "^", (items[0], items[1])) if len(items) == 2 else items[0]

    def compare(self, items: list[Any]) -> Node:
        if len(items) == 1:
            return items[0]  # type: ignore[no-any-return]
        return Node("binary", str(items[1]), (items[0], items[2]))

    def arith(self, items: list[Any]) -> Node:
        node: Node = items[0]
        for index in range(1, len(items), 2):
            node = Node("binary", str(items[index]), (node, items[index + 1]))
        return node

    def _chain(self, items: list[Node], name: str) -> Node:
        node = items[0]
        for item in items[1:]:
            node = Node("binary", name, (node, item))
        return node

    def or_chain(self, items: list[Node]) -> Node:
        return self._chain(items, "OR")

    def and_chain(self, items: list[Node]) -> Node:
        return self._chain(items, "AND")


@lru_cache(maxsize=512)
def parse(text: str) -> Node:
    """The expression's tree; raises MathError for text that is not metric math."""
    if not text.strip():
        raise MathError("The expression is empty.")
    try:
        tree = _PARSER.parse(text)
    except LarkError as error:
        raise MathError(f"Syntax error in the expression '{text}'.") from error
    node = _Build().transform(tree)
    _check(node)
    return node


def references(node: Node) -> set[str]:
    """The query ids an expression reads."""
    if node.kind == "ref":
        return {str(node.value)}
    found: set[str] = set()
    for child in node.args:
        found |= references(child)
    return found


def uses_metrics(node: Node) -> bool:
    return (node.kind == "call" and node.value == "METRICS") or any(
        uses_metrics(child) for child in node.args)


# -- evaluation ------------------------------------------------------------------------------

def evaluate(node: Node, scope: Scope) -> Value:
    kind = node.kind
    if kind == "number":
        return float(node.value)
    if kind == "string":
        return str(node.value)
    if kind == "keyword":
        return str(node.value)
    if kind == "ref":
        found = scope.results.get(node.value)
        if found is None:
            raise MathError(f"The expression references an unknown id: {node.value}.")
        return found
    if kind == "array":
        items: list[TimeSeries] = []
        for child in node.args:
            value = evaluate(child, scope)
            if isinstance(value, list):
                items.extend(value)
            elif isinstance(value, TimeSeries):
                items.append(value)
            else:
                raise MathError("An array holds only time series.")
        return items
    if kind == "negate":
        return combine("*", evaluate(node.args[0], scope), -1.0)
    if kind == "not":
        return combine("==", evaluate(node.args[0], scope), 0.0)
    if kind == "binary":
        return combine(str(node.value), evaluate(node.args[0], scope),
                        evaluate(node.args[1], scope))
    name = str(node.value)
    return FUNCTIONS[name]([evaluate(child, scope) for child in node.args], scope)


def _check(node: Node) -> None:
    """Reject unknown functions at parse time, as AWS does before fetching any data."""
    if node.kind == "call" and node.value not in FUNCTIONS:
        raise MathError(f"Unrecognized function {node.value}.")
    for child in node.args:
        _check(child)


__all__ = ["MathError", "Node", "Scope", "TimeSeries", "Value", "evaluate", "parse",
           "references", "uses_metrics"]
