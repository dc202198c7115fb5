"""SQL injection and cross-site scripting detection, by patterns.

AWS does not publish its detectors. These are the emulator's own: a value (after the
statement's text transformations) is lower-cased, URL- and HTML-decoded once more and its
runs of white space and SQL comments squeezed, then searched for the constructs attacks are
made of. LOW sensitivity (AWS's default) looks for whole attack shapes (a quote closing a
string then a tautology, UNION SELECT, a stacked statement, time delays); HIGH also takes
fragments (a bare tautology, a trailing comment after a quote, SQL keywords with a quote).
XSS looks for script tags, event handler attributes, javascript: and similar URLs, and
dangerous tags carrying sources.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote_plus

_COMMENTS = re.compile(r"/\*.*?\*/", re.DOTALL)
_SPACES = re.compile(r"\s+")

_SQLI_LOW = re.compile("|".join((
    # ' or '1'='1 / " or 1=1 / ') or ('a'='a
    r"['\"`)]\s*(?:or|and|\|\||&&)\s*\(?\s*['\"`]?[\w.]*['\"`]?\s*(?:=|<>|!=|<=|>=|<|>|like\b|is\b)",
    r"\bunion\b(?:\s+(?:all|distinct))?\s*\(?\s*select\b",
    r";\s*(?:drop|delete|insert|update|alter|create|truncate|exec(?:ute)?|shutdown|declare)\b",
    r"\b(?:sleep|benchmark|pg_sleep|dbms_pipe\.receive_message)\s*\(",
    r"\bwaitfor\s+delay\b",
    r"['\"`]\s*(?:--|#|/\*)",
    r"\bselect\b[\s\S]{0,200}?\bfrom\b[\s\S]{0,200}?\b(?:where|information_schema|limit)\b",
    r"\b(?:load_file|into\s+(?:out|dump)file|xp_cmdshell)\b",
    r"\bor\b\s+(\d+)\s*=\s*\1\b",
)))
_SQLI_HIGH = re.compile("|".join((
    r"\b(?:or|and)\b\s+['\"]?(\w+)['\"]?\s*=\s*['\"]?\1\b",
    r"['\"`]\s*;",
    r"['\"`]\s*\b(?:or|and|union|select|having|order\s+by|group\s+by)\b",
    r"\bselect\b[\s\S]{0,200}?\bfrom\b",
    r"\b(?:insert\s+into|delete\s+from|drop\s+table|update\s+\w+\s+set)\b",
    r"--\s*$",
)))
_XSS = re.compile("|".join((
    r"<\s*/?\s*script\b",
    r"<[^>]*\s(?:on[a-z]{3,})\s*=",
    r"\b(?:javascript|vbscript|livescript)\s*:",
    r"<\s*(?:iframe|frame|object|embed|applet|meta|base|link|svg|math|form|style)\b",
    r"<\s*img\b[^>]*\b(?:src|dynsrc|lowsrc)\s*=",
    r"\bdata\s*:\s*text/html\b",
    r"\bexpression\s*\(",
    r"\bdocument\s*\.\s*(?:cookie|write|location)\b",
    r"\bsrcdoc\s*=",
)))


def _normal(value: str) -> str:
    text = value.lower()
    if "%" in text or "+" in text:
        text = unquote_plus(text)
    if "&" in text:
        text = html.unescape(text)
    text = _COMMENTS.sub(" ", text)
    return _SPACES.sub(" ", text)


def sql_injection(value: str, sensitivity: str = "LOW") -> bool:
    """Whether ``value`` holds SQL injection (SensitivityLevel LOW or HIGH)."""
    text = _normal(value)
    if _SQLI_LOW.search(text):
        return True
    return sensitivity == "HIGH" and bool(_SQLI_HIGH.search(text))


def cross_site_scripting(value: str) -> bool:
    """Whether ``value`` holds a cross-site scripting attack."""
    return bool(_XSS.search(_normal(value)))


__all__ = ["cross_site_scripting", "sql_injection"]
