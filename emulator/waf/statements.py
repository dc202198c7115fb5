"""Rule statements compiled once into matchers: functions of one request's :class:`Scene`.

References (IP sets, regex pattern sets) are resolved when a web ACL is compiled; the
service compiles again whenever anything a web ACL can reference changes.

https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-list.html
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from emulator.waf import detect, fields
from emulator.waf.rates import DEFAULT_WINDOW, RateCounters
from emulator.waf.request import WebRequest
from emulator.waf.transforms import chain, utf8

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass
class Scene:
    """One request under inspection, and what its evaluation has found so far."""

    request: WebRequest
    now: float
    labels: list[str] = field(default_factory=list)
    body_limit: int = fields.DEFAULT_BODY_LIMIT


Matcher = Callable[[Scene], bool]


class References(Protocol):
    """What statements refer to, looked up when a web ACL is compiled."""

    def ip_set(self, arn: str) -> list[Network] | None: ...

    def regex_set(self, arn: str) -> list[str] | None: ...

    def country(self, address: str) -> str: ...


class Unresolved(Exception):
    """A statement refers to a set that does not exist (any more)."""


def forwarded_ip(request: WebRequest, config: dict[str, Any], position: str = "FIRST"
                 ) -> list[str] | None:
    """The addresses ``config`` (ForwardedIPConfig) reads from its header: the first, the last
    or all of them; None when the header is missing or holds no valid address."""
    header = request.header(str(config.get("HeaderName") or "X-Forwarded-For"))
    if not header:
        return None
    items = [item.strip() for item in header.split(",")]
    if position != "ANY":
        items = [items[0] if position == "FIRST" else items[-1]]
    found = [item for item in items if _address(item) is not None]
    return found or None


def _inspecting(spec: dict[str, Any], test: Callable[[str], bool]) -> Matcher:
    extract = fields.extractor(spec.get("FieldToMatch") or {})
    transform = chain(spec.get("TextTransformations"))

    def match(scene: Scene) -> bool:
        found = extract(scene.request, scene.body_limit)
        if isinstance(found, bool):
            return found
        return any(test(transform(value)) for value in found)
    return match


def _byte_test(spec: dict[str, Any]) -> Callable[[str], bool]:
    raw = spec.get("SearchString", b"")
    target = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    where = spec.get("PositionalConstraint", "CONTAINS")
    if where == "EXACTLY":
        return lambda value: value == target
    if where == "STARTS_WITH":
        return lambda value: value.startswith(target)
    if where == "ENDS_WITH":
        return lambda value: value.endswith(target)
    if where == "CONTAINS_WORD":
        word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(target)}(?![A-Za-z0-9_])")
        return lambda value: word.search(value) is not None
    return lambda value: target in value


_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "EQ": lambda a, b: a == b, "NE": lambda a, b: a != b, "LE": lambda a, b: a <= b,
    "LT": lambda a, b: a < b, "GE": lambda a, b: a >= b, "GT": lambda a, b: a > b,
}


def _size(spec: dict[str, Any]) -> Matcher:
    compare = _COMPARE[str(spec.get("ComparisonOperator", "EQ"))]
    size = int(spec.get("Size", 0))
    return _inspecting(spec, lambda value: compare(len(utf8(value)), size))


def _addresses(scene: Scene, config: dict[str, Any] | None, position: str = "FIRST"
               ) -> list[str] | bool:
    if not config:
        return [scene.request.source_ip]
    found = forwarded_ip(scene.request, config, position)
    if found is None:
        return config.get("FallbackBehavior") == "MATCH"
    return found


@lru_cache(maxsize=4096)
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address parsed once: clients repeat, and parsing costs more than the lookup."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _ip_set(spec: dict[str, Any], refs: References) -> Matcher:
    networks = refs.ip_set(str(spec.get("ARN", "")))
    if networks is None:
        raise Unresolved(str(spec.get("ARN", "")))
    config = spec.get("IPSetForwardedIPConfig")
    position = str((config or {}).get("Position") or "FIRST")

    def match(scene: Scene) -> bool:
        found = _addresses(scene, config, position)
        if isinstance(found, bool):
            return found
        for address in found:
            ip = _address(address)
            if ip is not None and any(ip.version == net.version and ip in net
                                      for net in networks):
                return True
        return False
    return match


def _geo(spec: dict[str, Any], refs: References) -> Matcher:
    wanted = set(spec.get("CountryCodes") or ())
    config = spec.get("ForwardedIPConfig")

    def match(scene: Scene) -> bool:
        found = _addresses(scene, config)
        if isinstance(found, bool):
            return found
        country = refs.country(found[0])
        label = f"awswaf:clientip:geo:country:{country}"
        if label not in scene.labels:
            scene.labels.append(label)
        return country in wanted
    return match


def _regex_set(spec: dict[str, Any], refs: References) -> Matcher:
    patterns = refs.regex_set(str(spec.get("ARN", "")))
    if patterns is None:
        raise Unresolved(str(spec.get("ARN", "")))
    compiled = [re.compile(pattern) for pattern in patterns]
    return _inspecting(spec, lambda value: any(p.search(value) for p in compiled))


def label_matches(labels: Sequence[str], scope: str, key: str) -> bool:
    """LabelMatchStatement: a label named ``key`` (with any of its namespaces), or one in the
    namespace ``key`` (any trailing part of the namespaces, whole components)."""
    if scope == "NAMESPACE":
        wanted = key if key.endswith(":") else key + ":"
        for label in labels:
            namespace = label.rsplit(":", 1)[0] + ":"
            if namespace == wanted or namespace.endswith(":" + wanted):
                return True
        return False
    return any(label == key or label.endswith(":" + key) for label in labels)


def _label(spec: dict[str, Any]) -> Matcher:
    scope, key = str(spec.get("Scope", "LABEL")), str(spec.get("Key", ""))
    return lambda scene: label_matches(scene.labels, scope, key)


def _custom_key(spec: dict[str, Any]) -> Callable[[Scene], str | None]:
    kind, options = next(iter(spec.items()))
    options = options or {}
    name = str(options.get("Name", ""))
    transform = chain(options.get("TextTransformations"))
    if kind == "IP":
        return lambda scene: scene.request.source_ip
    if kind == "ForwardedIP":
        return lambda scene: None  # read with the statement's ForwardedIPConfig below
    if kind == "HTTPMethod":
        return lambda scene: scene.request.method.upper()
    if kind == "Header":
        return lambda scene: _transformed(scene.request.header(name), transform)
    if kind == "QueryArgument":
        return lambda scene: _transformed(next((v for k, v in scene.request.query_arguments
                                                if k.lower() == name.lower()), None), transform)
    if kind == "QueryString":
        return lambda scene: _transformed(scene.request.query or None, transform)
    if kind == "UriPath":
        return lambda scene: _transformed(scene.request.path, transform)
    if kind == "Cookie":
        return lambda scene: _transformed(next((v for k, v in scene.request.cookies
                                                if k == name), None), transform)
    if kind == "LabelNamespace":
        namespace = str(options.get("Namespace", ""))
        return lambda scene: ",".join(sorted(
            label for label in scene.labels if label.startswith(namespace))) or None
    return lambda scene: None  # JA3/JA4/ASN: not available to the emulator


def _transformed(value: str | None, transform: Callable[[str], str]) -> str | None:
    return None if value is None else transform(value)


def rate_based(spec: dict[str, Any], refs: References, rates: RateCounters,
               scope: Hashable) -> Matcher:
    """A RateBasedStatement, counting in ``rates`` under ``scope`` (the rule)."""
    limit = int(spec.get("Limit", 0))
    window = int(spec.get("EvaluationWindowSec") or DEFAULT_WINDOW)
    kind = spec.get("AggregateKeyType", "IP")
    config = spec.get("ForwardedIPConfig") or {}
    scope_down = spec.get("ScopeDownStatement")
    narrowed = compile_statement(scope_down, refs, rates, scope) if scope_down else None
    parts = [_custom_key(key) for key in spec.get("CustomKeys") or ()]
    forwarded_part = any("ForwardedIP" in key for key in spec.get("CustomKeys") or ())

    def key_of(scene: Scene) -> tuple[str | None, ...] | bool:
        if kind == "CONSTANT":
            return ()
        if kind == "IP":
            return (scene.request.source_ip,)
        forwarded: str | None = None
        if kind == "FORWARDED_IP" or forwarded_part:
            found = forwarded_ip(scene.request, config)
            if found is None:
                return config.get("FallbackBehavior") == "MATCH"
            forwarded = found[0]
        if kind == "FORWARDED_IP":
            return (forwarded,)
        values = (*[part(scene) for part in parts], forwarded)
        return False if any(value is None for value in values[:-1]) else values

    def match(scene: Scene) -> bool:
        if narrowed is not None and not narrowed(scene):
            return False
        key = key_of(scene)
        if isinstance(key, bool):
            return key
        return rates.hit((scope, key), scene.now, window) > limit
    return match


def compile_statement(statement: dict[str, Any], refs: References, rates: RateCounters,
                      scope: Hashable) -> Matcher:
    """The matcher of a Statement shape (exactly one member set, as validated)."""
    kind, spec = next(iter(statement.items()))
    spec = spec or {}
    if kind == "ByteMatchStatement":
        return _inspecting(spec, _byte_test(spec))
    if kind == "RegexMatchStatement":
        pattern = re.compile(str(spec.get("RegexString", "")))
        return _inspecting(spec, lambda value: pattern.search(value) is not None)
    if kind == "RegexPatternSetReferenceStatement":
        return _regex_set(spec, refs)
    if kind == "SizeConstraintStatement":
        return _size(spec)
    if kind == "SqliMatchStatement":
        level = str(spec.get("SensitivityLevel") or "LOW")
        return _inspecting(spec, lambda value: detect.sql_injection(value, level))
    if kind == "XssMatchStatement":
        return _inspecting(spec, detect.cross_site_scripting)
    if kind == "GeoMatchStatement":
        return _geo(spec, refs)
    if kind == "IPSetReferenceStatement":
        return _ip_set(spec, refs)
    if kind == "LabelMatchStatement":
        return _label(spec)
    if kind == "RateBasedStatement":
        return rate_based(spec, refs, rates, scope)
    if kind in ("AndStatement", "OrStatement"):
        inner = [compile_statement(item, refs, rates, (scope, index))
                 for index, item in enumerate(spec.get("Statements") or ())]
        if kind == "AndStatement":
            return lambda scene: all(match(scene) for match in inner)
        return lambda scene: any(match(scene) for match in inner)
    if kind == "NotStatement":
        negated = compile_statement(spec.get("Statement") or {}, refs, rates, scope)
        return lambda scene: not negated(scene)
    # ManagedRuleGroupStatement and AsnMatchStatement are accepted and never match here.
    return lambda scene: False


__all__ = ["Matcher", "References", "Scene", "Unresolved", "compile_statement",
           "forwarded_ip", "label_matches", "rate_based"]
