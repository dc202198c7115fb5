"""Composite alarm rules: ``ALARM("a") AND NOT OK(b) OR (TRUE)``, parsed once per text.

The functions ALARM, OK and INSUFFICIENT_DATA take an alarm name or ARN, quoted or not;
AND, OR and NOT combine them; TRUE and FALSE are constants. See
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

_GRAMMAR = r"""
?start: or_
?or_: and_ ("OR" and_)*          -> any_of
?and_: not_ ("AND" not_)*        -> all_of
?not_: "NOT" not_                -> negate
     | atom
?atom: STATE "(" NAME ")"        -> state
     | "TRUE"                    -> true
     | "FALSE"                   -> false
     | "(" or_ ")"
STATE: "ALARM" | "OK" | "INSUFFICIENT_DATA"
NAME: /"[^"]+"/ | /[^\s()"]+/
%ignore /\s+/
"""

_PARSER = Lark(_GRAMMAR, parser="lalr", maybe_placeholders=False)


class RuleError(Exception):
    pass


@dataclass(frozen=True)
class RuleNode:
    kind: str  # state, true, false, not, and, or
    state: str = ""
    alarm: str = ""  # name or ARN as written
    args: tuple[RuleNode, ...] = ()


class _Build(Transformer[Token, RuleNode]):
    def state(self, items: list[Token]) -> RuleNode:
        return RuleNode("state", str(items[0]), str(items[1]).strip('"'))

    def true(self, _items: list[Any]) -> RuleNode:
        return RuleNode("true")

    def false(self, _items: list[Any]) -> RuleNode:
        return RuleNode("false")

    def negate(self, items: list[RuleNode]) -> RuleNode:
        return RuleNode("not", args=(items[0],))

    def all_of(self, items: list[RuleNode]) -> RuleNode:
        return items[0] if len(items) == 1 else RuleNode("and", args=tuple(items))

    def any_of(self, items: list[RuleNode]) -> RuleNode:
        return items[0] if len(items) == 1 else RuleNode("or", args=tuple(items))


@lru_cache(maxsize=256)
def parse(text: str) -> RuleNode:
    try:
        return _Build().transform(_PARSER.parse(text))
    except LarkError as error:
        raise RuleError(f"Invalid AlarmRule: {text}") from error


def alarms(node: RuleNode) -> set[str]:
    """The alarm names or ARNs a rule reads."""
    found = {node.alarm} if node.kind == "state" else set()
    for child in node.args:
        found |= alarms(child)
    return found


def holds(node: RuleNode, state_of: Callable[[str], str | None]) -> bool:
    """Whether the rule is true when each alarm is in ``state_of(name)``."""
    if node.kind == "state":
        return state_of(node.alarm) == node.state
    if node.kind == "true":
        return True
    if node.kind == "false":
        return False
    if node.kind == "not":
        return not holds(node.args[0], state_of)
    if node.kind == "and":
        return all(holds(child, state_of) for child in node.args)
    return any(holds(child, state_of) for child in node.args)


__all__ = ["RuleError", "RuleNode", "alarms", "holds", "parse"]
