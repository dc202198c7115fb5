"""X-Ray filter expressions: parsed with lark into a tree, compiled once into a predicate.

``compile_filter("annotation.customer = \"x\" AND !fault")`` gives a :class:`Filter` whose
``matches(trace_facts)`` answers for one trace. Invalid expressions raise :class:`FilterError`
with a message that says what is wrong and where.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from emulator import inbound
from emulator.xray.facts import Facts, Sample, ServiceKey, TraceFacts
from emulator.xray.filter_grammar import GRAMMAR

Predicate = Callable[[Facts, TraceFacts], bool]
GroupResolver = Callable[[str], str | None]

NUMBER_KEYWORDS = frozenset({"responsetime", "duration", "http.status", "index", "coverage"})
STRING_KEYWORDS = frozenset({"http.url", "http.method", "http.useragent", "http.clientip",
                             "user", "name", "type", "message"})
BOOLEAN_KEYWORDS = frozenset({"ok", "error", "fault", "throttle", "partial", "inferred",
                              "first", "last", "remote", "root"})
ALIASES = {"client.ip": "http.clientip"}

_REQUEST = frozenset({"responsetime", "duration", "http.status", "http.url", "http.method",
                      "http.useragent", "http.clientip", "user", "ok", "error", "fault",
                      "throttle", "partial", "inferred"})
# Which keywords mean something where: the whole trace, inside service(){} or edge(){},
# and inside each kind of root cause block.
CONTEXTS: dict[str, frozenset[str]] = {
    "trace": _REQUEST,
    "service": _REQUEST | {"name", "type", "root", "remote"},
    "edge": _REQUEST,
    "rootcause.service": frozenset({"name", "type", "remote", "inferred"}),
    "rootcause.entity": frozenset({"name", "remote", "first", "last", "index"}),
    "rootcause.responsetime.entity": frozenset({"name", "remote", "first", "last", "index",
                                                "coverage"}),
    "rootcause.exception": frozenset({"name", "message", "remote", "first", "last", "index"}),
}
ROOT_CAUSES = ("fault", "error", "responsetime")
_ANNOTATION_CONTEXTS = frozenset({"trace", "service", "edge"})

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
    "contains": lambda value, text: text in value,
    "beginswith": lambda value, text: value.startswith(text),
    "endswith": lambda value, text: value.endswith(text),
}
_NUMERIC_OPERATORS = frozenset({"=", "!=", "<", "<=", ">", ">="})
_STRING_OPERATORS = frozenset({"=", "!=", "contains", "beginswith", "endswith"})


class FilterError(ValueError):
    """An invalid filter expression; the message says why."""


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", maybe_placeholders=True)


def _syntax_error(expression: str, error: LarkError) -> FilterError:
    if isinstance(error, UnexpectedCharacters):
        return FilterError(
            f"Invalid filter expression: unexpected character "
            f"{expression[error.pos_in_stream or 0]!r} at position {error.column}"
        )
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        return FilterError("Invalid filter expression: unexpected end of expression")
    if isinstance(error, UnexpectedToken):
        return FilterError(
            f"Invalid filter expression: unexpected {str(error.token)!r} "
            f"at position {error.column}"
        )
    return FilterError(f"Invalid filter expression: {error}")


class Filter:
    """A compiled filter expression.

    ``required`` lists (key, string) annotation pairs every match must carry, read from the
    expression's top-level ``AND``: the collector's annotation index narrows the scan with it.
    """

    def __init__(self, expression: str, predicate: Predicate,
                 required: list[tuple[str, str]] | None = None) -> None:
        self.expression = expression
        self._predicate = predicate
        self.required = required or []

    def matches(self, trace: TraceFacts) -> bool:
        return self._predicate(trace.facts, trace)


def compile_filter(expression: str, groups: GroupResolver | None = None) -> Filter:
    """Parse and compile ``expression``; raises FilterError."""
    compiler = _Compiler(groups or (lambda name: None))
    return Filter(expression, compiler.compile(expression), compiler.required)


def check(expression: str, groups: GroupResolver | None = None) -> None:
    compile_filter(expression, groups)


Selection = Callable[[TraceFacts], list[Sample]]


def compile_selector(expression: str | None) -> tuple[str, Selection]:
    """An entity selector (GetTimeSeriesServiceStatistics): ``service(...)`` or ``id(...)``
    picks services, ``edge(...)`` picks edges; none picks every edge. Returns the kind
    ("service" or "edge") and what the selection takes from each trace."""
    if not expression or not expression.strip():
        return "edge", lambda trace: [s for e in trace.edges.values() for s in e.samples]
    try:
        tree = _parser().parse(expression)
    except LarkError as error:
        raise _syntax_error(expression, error) from None
    compiler = _Compiler(lambda name: None)
    if tree.data in ("service", "id_only"):
        node: Tree[Token] | None = (
            _opt_tree(tree.children[1]) if tree.data == "service"
            else Tree("target", [_tree(tree.children[0])]))
        match = compiler._target(node)
        return "service", lambda trace: [
            s for key, service in trace.services.items() if match(key, trace)
            for s in service.samples]
    if tree.data == "edge":
        source = compiler._target(_tree(tree.children[1]))
        dest = compiler._target(_tree(tree.children[2]))
        return "edge", lambda trace: [
            s for (a, b), edge in trace.edges.items()
            if source(a, trace) and dest(b, trace) for s in edge.samples]
    raise FilterError(
        "Invalid entity selector expression: use service(), edge() or id()"
    )


class _Compiler:
    def __init__(self, groups: GroupResolver, seen: tuple[str, ...] = ()) -> None:
        self._groups = groups
        self._seen = seen

    def compile(self, expression: str) -> Predicate:
        self.required: list[tuple[str, str]] = []
        if not expression.strip():
            return lambda facts, trace: True
        try:
            tree = _parser().parse(expression)
        except LarkError as error:
            raise _syntax_error(expression, error) from None
        predicate = self._node(tree, "trace")
        self.required = _required_annotations(tree)
        return predicate

    # -- the tree ------------------------------------------------------------------------

    def _node(self, node: Tree[Token] | Token, context: str) -> Predicate:
        if isinstance(node, Token):  # a lone FIELD never reaches here; keep mypy content
            raise FilterError(f"Invalid filter expression: unexpected {str(node)!r}")
        kind = node.data
        if kind == "or_expr":
            parts = [self._node(c, context) for c in node.children if not _is(c, "OR")]
            return lambda facts, trace: any(p(facts, trace) for p in parts)
        if kind == "and_expr":
            parts = [self._node(c, context) for c in node.children if not _is(c, "AND")]
            return lambda facts, trace: all(p(facts, trace) for p in parts)
        if kind == "negate":
            inner = self._node(node.children[1], context)
            return lambda facts, trace: not inner(facts, trace)
        if kind == "comparison":
            field, op, literal = node.children
            return self._comparison(str(field), str(op).lower(), _literal(literal), context)
        if kind == "bare":
            return self._bare(str(node.children[0]), context)
        if kind == "complex":
            return self._complex(str(node.children[0]), _tree(node.children[1]), context)
        if kind in ("service", "edge", "id_only"):
            if context != "trace":
                raise FilterError(
                    f"Invalid filter expression: {kind.replace('_only', '')}() cannot be "
                    "used inside a block"
                )
            args = [_opt_tree(child) for child in node.children]
            if kind == "service":
                return self._service(args[1], args[2])
            if kind == "edge":
                return self._edge(_tree(args[1]), _tree(args[2]), args[3])
            return self._service(Tree("target", [_tree(node.children[0])]), None)
        raise FilterError(f"Invalid filter expression near {kind!r}")

    # -- keywords ------------------------------------------------------------------------

    def _keyword(self, name: str, context: str) -> str:
        keyword = ALIASES.get(name.lower(), name.lower())
        allowed = CONTEXTS[context]
        if keyword in allowed:
            return keyword
        where = "here" if context != "trace" else "in a filter expression"
        raise FilterError(f"Invalid filter expression: unknown keyword {name!r} {where}")

    def _annotation_key(self, name: str, context: str) -> str | None:
        lowered = name.lower()
        if lowered.startswith("annotation["):
            key = name[len("annotation["):-1].strip()
        elif lowered.startswith("annotation."):
            key = name[len("annotation."):]
        else:
            return None
        if not key:
            raise FilterError("Invalid filter expression: an annotation needs a key")
        if context not in _ANNOTATION_CONTEXTS:
            raise FilterError(f"Invalid filter expression: {name!r} cannot be used here")
        return key

    def _comparison(self, field: str, op: str, value: Any, context: str) -> Predicate:
        key = self._annotation_key(field, context)
        if key is not None:
            return _annotation_comparison(key, op, value)
        if field.lower() in ("group.name", "group.arn"):
            return self._group(field.lower(), op, value, context)
        keyword = self._keyword(field, context)
        if keyword in BOOLEAN_KEYWORDS:
            if op not in ("=", "!=") or not isinstance(value, bool):
                raise FilterError(
                    f"Invalid filter expression: {keyword} can only be compared with "
                    "= or != to true or false"
                )
            want = value if op == "=" else not value
            return lambda facts, trace: _truthy(facts.get(keyword)) is want
        if keyword in NUMBER_KEYWORDS:
            if not _is_number(value):
                raise FilterError(
                    f"Invalid filter expression: {keyword} must be compared with a number"
                )
            if op not in _NUMERIC_OPERATORS:
                raise FilterError(
                    f"Invalid filter expression: {op.upper()} cannot be used with {keyword}"
                )
            return _values_compare(keyword, _COMPARE[op], float(value))
        if not isinstance(value, str):
            raise FilterError(
                f"Invalid filter expression: {keyword} must be compared with a string"
            )
        if op not in _STRING_OPERATORS:
            raise FilterError(f"Invalid filter expression: {op} cannot be used with {keyword}")
        return _values_compare(keyword, _COMPARE[op], value)

    def _bare(self, field: str, context: str) -> Predicate:
        key = self._annotation_key(field, context)
        if key is not None:
            return _annotation_comparison(key, "=", True)
        keyword = self._keyword(field, context)
        if keyword not in BOOLEAN_KEYWORDS:
            raise FilterError(
                f"Invalid filter expression: {keyword} must be followed by a comparison"
            )
        return lambda facts, trace: _truthy(facts.get(keyword))

    def _group(self, field: str, op: str, value: Any, context: str) -> Predicate:
        if context != "trace" or op != "=" or not isinstance(value, str):
            raise FilterError(
                f'Invalid filter expression: use {field} = "..." at the top level'
            )
        # A group ARN is ...:group/NAME/ID.
        name = value.split(":group/", 1)[-1].split("/")[0] if field == "group.arn" else value
        if name in self._seen:
            raise FilterError(f"Invalid filter expression: group {name} refers to itself")
        expression = self._groups(name)
        if expression is None:
            raise FilterError(f"Invalid filter expression: group {value} does not exist")
        return _Compiler(self._groups, (*self._seen, name)).compile(expression)

    # -- functions and complex keywords --------------------------------------------------

    def _target(self, node: Tree[Token] | None) -> Callable[[ServiceKey, TraceFacts], bool]:
        if node is None:
            return lambda key, trace: True
        child = node.children[0]
        if isinstance(child, Token):
            name = _literal_string(child)
            return lambda key, trace: key[0] == name
        wanted: dict[str, str] = {}
        for arg in child.children[1:]:
            assert isinstance(arg, Tree)
            label, text = (_token(child) for child in arg.children)
            label_name = str(label).lower()
            if label_name not in ("name", "type", "account.id"):
                raise FilterError(
                    f"Invalid filter expression: id() has no argument {str(label)!r}"
                )
            wanted[label_name] = _literal_string(text)

        def match(key: ServiceKey, trace: TraceFacts) -> bool:
            if "name" in wanted and key[0] != wanted["name"]:
                return False
            if "type" in wanted and key[1] != wanted["type"]:
                return False
            if "account.id" in wanted:
                service = trace.services.get(key)
                return service is not None and service.account == wanted["account.id"]
            return True

        return match

    def _block(self, node: Tree[Token] | None, context: str) -> Predicate | None:
        if node is None or not node.children or node.children[0] is None:
            return None
        return self._node(node.children[0], context)

    def _service(self, target: Tree[Token] | None, block: Tree[Token] | None) -> Predicate:
        match = self._target(target)
        inner = self._block(block, "service")

        def predicate(facts: Facts, trace: TraceFacts) -> bool:
            for key, service in trace.services.items():
                if match(key, trace) and (inner is None or inner(service.facts, trace)):
                    return True
            return False

        return predicate

    def _edge(self, source: Tree[Token], dest: Tree[Token],
              block: Tree[Token] | None) -> Predicate:
        match_source, match_dest = self._target(source), self._target(dest)
        inner = self._block(block, "edge")

        def predicate(facts: Facts, trace: TraceFacts) -> bool:
            for (a, b), edge in trace.edges.items():
                if match_source(a, trace) and match_dest(b, trace) and (
                    inner is None or inner(edge.facts, trace)
                ):
                    return True
            return False

        return predicate

    def _complex(self, field: str, block: Tree[Token], context: str) -> Predicate:
        parts = field.lower().split(".")
        if (len(parts) != 3 or parts[0] != "rootcause" or parts[1] not in ROOT_CAUSES
                or parts[2] not in ("service", "entity", "exception")
                or (parts[1] == "responsetime" and parts[2] == "exception")):
            raise FilterError(f"Invalid filter expression: unknown keyword {field!r}")
        if context != "trace":
            raise FilterError(f"Invalid filter expression: {field} cannot be used in a block")
        cause, level = parts[1], parts[2]
        inner_context = f"rootcause.{level}"
        if cause == "responsetime" and level == "entity":
            inner_context = "rootcause.responsetime.entity"
        inner = self._block(block, inner_context)
        elements = {"service": _rc_services, "entity": _rc_entities,
                    "exception": _rc_exceptions}[level]

        def predicate(facts: Facts, trace: TraceFacts) -> bool:
            for element in elements(trace.rootcauses.get(cause, [])):
                if inner is None or inner(element, trace):
                    return True
            return False

        return predicate


# -- helpers -------------------------------------------------------------------------------


def _required_annotations(tree: Tree[Token]) -> list[tuple[str, str]]:
    """String annotation equalities that every match needs (top-level AND only)."""
    if tree.data == "and_expr":
        return [pair for child in tree.children if isinstance(child, Tree)
                for pair in _required_annotations(child)]
    if tree.data != "comparison":
        return []
    field, op, literal = tree.children
    value = _literal(literal)
    name = str(field)
    if str(op) != "=" or not isinstance(value, str):
        return []
    lowered = name.lower()
    if lowered.startswith("annotation["):
        return [(name[len("annotation["):-1].strip(), value)]
    if lowered.startswith("annotation."):
        return [(name[len("annotation."):], value)]
    return []


def _tree(node: Any) -> Tree[Token]:
    if not isinstance(node, Tree):
        raise FilterError("Invalid filter expression")
    return node


def _opt_tree(node: Any) -> Tree[Token] | None:
    return node if isinstance(node, Tree) else None


def _token(node: Any) -> Token:
    if not isinstance(node, Token):
        raise FilterError("Invalid filter expression")
    return node


def _is(node: Any, token_type: str) -> bool:
    return isinstance(node, Token) and node.type == token_type


def _literal_string(token: Token) -> str:
    text = str(token)
    try:
        value = inbound.loads(text)
    except ValueError:
        value = text[1:-1]
    return str(value)


def _literal(node: Tree[Token] | Token) -> Any:
    token = node.children[0] if isinstance(node, Tree) else node
    assert isinstance(token, Token)
    if token.type == "STRING":
        return _literal_string(token)
    if token.type == "NUMBER":
        return float(token)
    return token.type == "TRUE"


def _is_number(value: Any) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool)


def _truthy(value: Any) -> bool:
    if isinstance(value, list):
        return any(value)
    return bool(value)


def _values_compare(keyword: str, compare: Callable[[Any, Any], bool], wanted: Any) -> Predicate:
    number = _is_number(wanted)

    def predicate(facts: Facts, trace: TraceFacts) -> bool:
        value = facts.get(keyword)
        if value is None:
            return False
        values = value if isinstance(value, list) else (value,)
        for item in values:
            if number:
                if _is_number(item) and compare(float(item), wanted):
                    return True
            elif isinstance(item, str) and compare(item, wanted):
                return True
        return False

    return predicate


def _annotation_comparison(key: str, op: str, wanted: Any) -> Predicate:
    if isinstance(wanted, bool):
        if op not in ("=", "!="):
            raise FilterError("Invalid filter expression: booleans compare only with = or !=")
    elif _is_number(wanted):
        if op not in _NUMERIC_OPERATORS:
            raise FilterError(f"Invalid filter expression: {op.upper()} needs a string")
    elif op not in _STRING_OPERATORS:
        raise FilterError(f"Invalid filter expression: {op} needs a number")
    compare = _COMPARE[op]
    kind: type = bool if isinstance(wanted, bool) else (float if _is_number(wanted) else str)

    def same_kind(value: Any) -> bool:
        if kind is bool:
            return isinstance(value, bool)
        if kind is float:
            return _is_number(value)
        return isinstance(value, str)

    if kind is str and op == "=":
        # The common case, kept cheap: a string never equals a number or a boolean.
        def equals(facts: Facts, trace: TraceFacts) -> bool:
            values = facts["annotations"].get(key)
            return values is not None and wanted in values

        return equals

    def predicate(facts: Facts, trace: TraceFacts) -> bool:
        values = facts["annotations"].get(key)
        if not values:
            return False
        return any(same_kind(value) and compare(value, wanted) for value in values)

    return predicate


def _rc_services(causes: list[dict[str, Any]]) -> list[Facts]:
    found = []
    for cause in causes:
        for service in cause.get("Services", ()):
            found.append({"name": service.get("Name"), "type": service.get("Type"),
                          "remote": service.get("Type") == "remote",
                          "inferred": bool(service.get("Inferred"))})
    return found


def _rc_entities(causes: list[dict[str, Any]]) -> list[Facts]:
    found = []
    for cause in causes:
        for service in cause.get("Services", ()):
            path = service.get("EntityPath", [])
            for index, entity in enumerate(path):
                found.append({"name": entity.get("Name"), "remote": bool(entity.get("Remote")),
                              "first": index == 0, "last": index == len(path) - 1,
                              "index": index, "coverage": entity.get("Coverage")})
    return found


def _rc_exceptions(causes: list[dict[str, Any]]) -> list[Facts]:
    found = []
    for entity_cause in causes:
        for service in entity_cause.get("Services", ()):
            for entity in service.get("EntityPath", []):
                exceptions = entity.get("Exceptions") or []
                for index, exception in enumerate(exceptions):
                    found.append({"name": exception.get("Name"),
                                  "message": exception.get("Message"),
                                  "remote": bool(entity.get("Remote")),
                                  "first": index == 0, "last": index == len(exceptions) - 1,
                                  "index": index})
    return found


__all__ = ["CONTEXTS", "Filter", "FilterError", "GroupResolver", "Selection", "check",
           "compile_filter", "compile_selector"]
