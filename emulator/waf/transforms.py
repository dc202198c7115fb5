"""AWS WAF's text transformations, applied in priority order to a value before it is
inspected. Values are text: bytes are read as UTF-8 (invalid bytes replaced) first.

https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-transformation.html
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import html
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote, unquote_plus

_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_C_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.DOTALL)
_LINE_COMMENT = re.compile(r"(--|#).*$", re.MULTILINE)
_UNI = re.compile(r"%u([0-9a-fA-F]{4})")
_SQL_HEX = re.compile(r"0x([0-9a-fA-F]+)")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")
_JS_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\([0-7]{1,3})|\\(.)")
_CMD_NOISE = re.compile(r"[\\\"'^]")
_CMD_SPACE = re.compile(r"[ ,;]+")


def utf8(text: str) -> bytes:
    """The text's bytes; a lone surrogate (a decoded ``\\ud800``) is kept, never an error."""
    return text.encode("utf-8", "surrogatepass")


def _base64(text: str, lenient: bool) -> str:
    raw = re.sub(r"[^A-Za-z0-9+/=]", "", text) if lenient else text
    try:
        return base64.b64decode(raw + "=" * (-len(raw) % 4)).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return text


def _hex(text: str) -> str:
    try:
        return bytes.fromhex(text).decode("utf-8", "replace")
    except ValueError:
        return text


def _sql_hex(text: str) -> str:
    def decoded(found: re.Match[str]) -> str:
        digits = found.group(1)
        return _hex(digits if len(digits) % 2 == 0 else "0" + digits)
    return _SQL_HEX.sub(decoded, text)


def _css(text: str) -> str:
    def decoded(found: re.Match[str]) -> str:
        if found.group(1):
            try:
                return chr(int(found.group(1), 16))
            except ValueError:
                return ""
        return found.group(2)
    return _CSS_ESCAPE.sub(decoded, text)


def _js(text: str) -> str:
    def decoded(found: re.Match[str]) -> str:
        for index, base in ((1, 16), (2, 16), (3, 8)):
            if found.group(index):
                return chr(int(found.group(index), base))
        return {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}.get(
            found.group(4), found.group(4))
    return _JS_ESCAPE.sub(decoded, text)


def _escape_sequences(text: str) -> str:
    try:
        return codecs.decode(text.encode("latin-1", "backslashreplace"), "unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return text


def _normalize_path(text: str, windows: bool) -> str:
    if windows:
        text = text.replace("\\", "/")
    text = re.sub(r"/{2,}", "/", text)
    parts: list[str] = []
    for part in text.split("/"):
        if part == ".":
            continue
        if part == ".." and parts and parts[-1] not in ("", ".."):
            parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def _cmd_line(text: str) -> str:
    text = _CMD_NOISE.sub("", text)
    text = re.sub(r"\s*/", "/", text)
    text = re.sub(r"\s*\(", "(", text)
    return _CMD_SPACE.sub(" ", text).lower()


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "NONE": lambda text: text,
    "COMPRESS_WHITE_SPACE": lambda text: _SPACES.sub(" ", text),
    "REMOVE_WHITESPACE": lambda text: _SPACES.sub("", text),
    "HTML_ENTITY_DECODE": html.unescape,
    "LOWERCASE": str.lower,
    "UPPERCASE": str.upper,
    "CMD_LINE": _cmd_line,
    "CMD_LINE_WIN": _cmd_line,
    "CMD_LINE_UNIX": lambda text: _SPACES.sub(" ", re.sub(r"[\\\"']", "", text)).lower(),
    "URL_DECODE": unquote_plus,
    "URL_DECODE_UNI": lambda text: unquote_plus(_UNI.sub(
        lambda found: chr(int(found.group(1), 16)), text)),
    "BASE64_DECODE": lambda text: _base64(text, lenient=False),
    "BASE64_DECODE_EXT": lambda text: _base64(text, lenient=True),
    "HEX_DECODE": _hex,
    "SQL_HEX_DECODE": _sql_hex,
    "MD5": lambda text: hashlib.md5(utf8(text), usedforsecurity=False).hexdigest(),
    "SHA256": lambda text: hashlib.sha256(utf8(text)).hexdigest(),
    "REPLACE_COMMENTS": lambda text: _C_COMMENT.sub(" ", text),
    "REMOVE_COMMENTS_CHAR": lambda text: text.replace("/*", "").replace("*/", "").replace(
        "--", "").replace("#", ""),
    "ESCAPE_SEQ_DECODE": _escape_sequences,
    "CSS_DECODE": _css,
    "JS_DECODE": _js,
    "JS_DECODE_EXT": _js,
    "NORMALIZE_PATH": lambda text: _normalize_path(text, windows=False),
    "NORMALIZE_PATH_WIN": lambda text: _normalize_path(text, windows=True),
    "REMOVE_NULLS": lambda text: text.replace("\x00", ""),
    "REPLACE_NULLS": lambda text: text.replace("\x00", " "),
    "UTF8_TO_UNICODE": lambda text: unquote(text),
    "TRIM": str.strip,
    "TRIM_LEFT": str.lstrip,
    "TRIM_RIGHT": str.rstrip,
}


def chain(transformations: Sequence[dict[str, Any]] | None) -> Callable[[str], str]:
    """One function applying ``transformations`` (TextTransformation shapes) by priority."""
    steps = [TRANSFORMS.get(str(item.get("Type")), TRANSFORMS["NONE"])
             for item in sorted(transformations or (), key=lambda item: int(
                 item.get("Priority") or 0))
             if item.get("Type") not in (None, "NONE")]
    if not steps:
        return TRANSFORMS["NONE"]
    if len(steps) == 1:
        return steps[0]

    def apply(text: str) -> str:
        for step in steps:
            text = step(text)
        return text
    return apply


__all__ = ["TRANSFORMS", "chain", "utf8"]
