"""Every keyword, function and operator of X-Ray filter expressions, as a table of
expressions and the traces each selects; then invalid expressions and their errors."""

from __future__ import annotations

import pytest
from xray_traces import named_traces

from emulator.xray.filters import FilterError, compile_filter

ALL = {"ok", "fault", "error", "throttle", "partial"}
GROUPS = {"errors": "error OR fault", "empty": "", "loop": 'group.name = "loop"'}

# (expression, the traces it selects)
CASES: list[tuple[str, set[str]]] = [
    # boolean keywords, bare, negated and compared
    ("ok", {"ok", "partial"}),
    ("error", {"error", "throttle"}),
    ("fault", {"fault"}),
    ("throttle", {"throttle"}),
    ("partial", {"partial"}),
    ("inferred", {"ok"}),
    ("!fault", ALL - {"fault"}),
    ("fault = true", {"fault"}),
    ("fault = false", ALL - {"fault"}),
    ("error != true", ALL - {"error", "throttle"}),
    ("FAULT", {"fault"}),
    # number keywords and every comparison operator
    ("responsetime > 1", {"fault"}),
    ("responsetime >= 0.5", {"fault", "error"}),
    ("responsetime < 0.15", {"ok", "partial"}),
    ("responsetime <= 0.2", {"ok", "throttle", "partial"}),
    ("responsetime = 0.5", {"error"}),
    ("responsetime != 0.5", ALL - {"error"}),
    ("duration > 2.4", {"fault"}),
    ("duration < 0.15", {"ok", "partial"}),
    ("http.status = 500", {"fault"}),
    ("http.status >= 400", {"fault", "error", "throttle"}),
    ("http.status = 429", {"throttle"}),
    ("http.status != 200", {"fault", "error", "throttle"}),
    ("http.status = 5e2", {"fault"}),
    # string keywords with =, !=, CONTAINS, BEGINSWITH, ENDSWITH
    ('http.url = "https://shop.example.com/ok"', {"ok"}),
    ('http.url CONTAINS "/items/"', {"error"}),
    ('http.url BEGINSWITH "https://shop"', {"ok", "fault", "error", "throttle"}),
    ('http.url ENDSWITH "/cart"', {"throttle"}),
    ('http.url contains "orders"', {"fault"}),
    ('http.method = "POST"', {"fault"}),
    ('http.method != "GET"', {"fault", "throttle"}),
    ('http.useragent BEGINSWITH "curl/"', {"ok"}),
    ('http.clientip = "10.0.0.1"', {"ok"}),
    ('client.ip = "10.0.0.1"', {"ok"}),
    ('user = "alice"', {"ok"}),
    ('user BEGINSWITH "b"', {"error"}),
    ('user != "alice"', {"fault", "error"}),
    ('http.url = "https://shop.example.com/\\u006fk"', {"ok"}),
    # annotations of every type, both spellings
    ('annotation.customer = "acme"', {"ok"}),
    ('annotation[customer] = "globex"', {"fault"}),
    ('annotation.customer CONTAINS "o"', {"fault"}),
    ('annotation.customer ENDSWITH "me"', {"ok"}),
    ("annotation.tier > 2", {"ok"}),
    ("annotation.tier = 1", {"fault"}),
    ("annotation.tier <= 3", {"ok", "fault"}),
    ("annotation.ratio = 0.5", {"error"}),
    ("annotation.vip", {"ok"}),
    ("annotation.vip = true", {"ok"}),
    ("annotation.vip = false", {"error"}),
    ("!annotation.vip", ALL - {"ok"}),
    ('annotation.tier = "3"', set()),
    ('annotation.missing = "x"', set()),
    # AND, OR, ! and parentheses with their precedence
    ('fault OR error AND http.status = 404', {"fault", "error"}),
    ('(fault OR error) AND http.status = 404', {"error"}),
    ('fault or error and user = "bob"', {"fault", "error"}),
    ('!fault AND !error', {"ok", "partial"}),
    ('!(fault OR error)', {"ok", "partial"}),
    ('!!fault', {"fault"}),
    ('ok AND annotation.case = "ok" OR throttle', {"ok", "throttle"}),
    # service(), id() and edge()
    ('service("api")', {"ok", "fault", "error"}),
    ('service("worker")', {"fault"}),
    ('service("api") { fault }', {"fault"}),
    ('service("api") { responsetime < 0.2 }', {"ok"}),
    ('service("api") { http.status = 404 }', {"error"}),
    ('service("api") {}', {"ok", "fault", "error"}),
    ("service() { throttle }", {"throttle"}),
    ('service("DynamoDB")', {"ok"}),
    ('service(id(name: "worker", type: "AWS::EC2::Instance"))', {"fault"}),
    ('service(id(name: "worker", type: "AWS::Lambda::Function"))', set()),
    ('service(id(type: "AWS::DynamoDB::Table"))', {"ok"}),
    ('id(name: "gateway")', {"throttle"}),
    ('edge("api", "worker")', {"fault"}),
    ('edge("api", "worker") { fault }', {"fault"}),
    ('edge("api", "worker") { responsetime > 2 }', {"fault"}),
    ('edge("api", "DynamoDB") { fault }', set()),
    ('edge("api", id(name: "DynamoDB", type: "AWS::DynamoDB::Table")) { ok }', {"ok"}),
    ('edge("worker", "api")', set()),
    # root causes
    ('rootcause.fault.service { name = "worker" }', {"fault"}),
    ('rootcause.fault.service { type = "AWS::EC2::Instance" }', {"fault"}),
    ('rootcause.fault.entity { name = "compute" }', {"fault"}),
    ('rootcause.fault.entity { last AND name = "compute" }', {"fault"}),
    ('rootcause.fault.entity { first AND name = "worker" }', {"fault"}),
    ("rootcause.fault.entity { index = 1 }", {"fault"}),
    ('rootcause.fault.exception { name = "KeyError" }', {"fault"}),
    ('rootcause.fault.exception { message CONTAINS "missing" }', {"fault"}),
    ('rootcause.error.service { name = "api" }', {"error"}),
    ('rootcause.error.service { name = "gateway" }', {"throttle"}),
    ("rootcause.error.entity { remote }", set()),
    ('rootcause.responsetime.service { name = "worker" }', {"fault"}),
    ("rootcause.responsetime.entity { coverage > 0.9 }", {"fault", "error", "throttle"}),
    ('rootcause.responsetime.entity { name = "DynamoDB" AND coverage < 0.5 }', {"ok"}),
    ('rootcause.responsetime.entity { name = "compute" }', {"fault"}),
    ("rootcause.fault.service {}", {"fault"}),
    # groups
    ('group.name = "errors"', {"fault", "error", "throttle"}),
    ('group.name = "empty"', ALL),
    ('group.arn = "arn:aws:xray:us-east-1:000000000000:group/errors/ABC"',
     {"fault", "error", "throttle"}),
    ('group.name = "errors" AND !throttle', {"fault", "error"}),
    # nothing: everything
    ("", ALL),
    ("   ", ALL),
]

INVALID: list[tuple[str, str]] = [
    ("fault AND", "unexpected end of expression"),
    ("(fault", "unexpected end of expression"),
    ("fault)", "unexpected ')'"),
    ("fault fault", "unexpected 'fault'"),
    ("AND fault", "unexpected 'fault'"),
    ("fault # x", "unexpected character '#'"),
    ("'single'", "unexpected character"),
    ('"just a string"', "unexpected"),
    ("responsetime", "responsetime must be followed by a comparison"),
    ('responsetime > "slow"', "responsetime must be compared with a number"),
    ("responsetime CONTAINS 5", "CONTAINS cannot be used with responsetime"),
    ("http.url > 3", "http.url must be compared with a string"),
    ('http.method < "GET"', "< cannot be used with http.method"),
    ("fault = 1", "fault can only be compared with = or != to true or false"),
    ("fault > true", "fault can only be compared"),
    ('unknownkeyword = "x"', "unknown keyword 'unknownkeyword'"),
    ('http.nothing = "x"', "unknown keyword 'http.nothing'"),
    ('name = "api"', "unknown keyword 'name'"),
    ('annotation. = "x"', "unexpected"),
    ('annotation[] = "x"', "an annotation needs a key"),
    ('annotation.tier CONTAINS 3', "CONTAINS needs a string"),
    ('annotation.customer > "a"', "> needs a number"),
    ("annotation.vip > true", "booleans compare only with = or !="),
    ('service("api") { service("x") }', "service() cannot be used inside a block"),
    ('service("api") { coverage > 1 }', "unknown keyword 'coverage' here"),
    ('service(id(colour: "red"))', "id() has no argument 'colour'"),
    ("service(1)", "unexpected '1'"),
    ('edge("a")', "unexpected ')'"),
    ('rootcause.fault.nothing { name = "x" }', "unknown keyword 'rootcause.fault.nothing'"),
    ('rootcause.responsetime.exception { name = "x" }', "unknown keyword"),
    ('rootcause.fault.service { message = "x" }', "unknown keyword 'message' here"),
    ('rootcause.fault.entity { coverage > 1 }', "unknown keyword 'coverage' here"),
    ('rootcause.fault.service { annotation.x = 1 }', "cannot be used here"),
    ('service("a") { rootcause.fault.service { name = "x" } }', "cannot be used in a block"),
    ('group.name = "missing"', "group missing does not exist"),
    ('group.name != "errors"', 'use group.name = "..." at the top level'),
    ('group.name = "loop"', "group loop refers to itself"),
    ("fault {", "unexpected"),
]


@pytest.fixture(scope="module")
def traces() -> dict[str, object]:
    return dict(named_traces())


def _groups(name: str) -> str | None:
    return GROUPS.get(name)


@pytest.mark.parametrize(("expression", "expected"), CASES, ids=[c[0] or "<empty>"
                                                               for c in CASES])
def test_expression_selects(traces: dict[str, object], expression: str,
                            expected: set[str]) -> None:
    compiled = compile_filter(expression, _groups)
    selected = {name for name, trace in traces.items()
                if compiled.matches(trace.facts)}  # type: ignore[attr-defined]
    assert selected == expected


@pytest.mark.parametrize(("expression", "message"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_expression_is_explained(expression: str, message: str) -> None:
    with pytest.raises(FilterError) as caught:
        compile_filter(expression, _groups)
    assert str(caught.value).startswith("Invalid filter expression")
    assert message in str(caught.value)


def test_every_keyword_and_function_appears_in_the_table() -> None:
    text = " ".join(expression.lower() for expression, _ in CASES)
    for word in ("responsetime", "duration", "http.status", "http.url", "http.method",
                 "http.useragent", "http.clientip", "client.ip", "user", "error", "fault",
                 "throttle", "ok", "partial", "inferred", "annotation.", "annotation[",
                 "service(", "edge(", "id(", "rootcause.fault.service",
                 "rootcause.fault.entity", "rootcause.fault.exception",
                 "rootcause.error.service", "rootcause.error.entity",
                 "rootcause.responsetime.service", "rootcause.responsetime.entity",
                 "group.name", "group.arn", " and ", " or ", "!", "contains", "beginswith",
                 "endswith", " = ", "!=", " < ", "<=", " > ", ">="):
        assert word in text, word
