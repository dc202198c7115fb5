"""Malformed JSON worded as Step Functions' own JSON parser (Jackson) words it.

StartExecution quotes the parser's exception in ``InvalidExecutionInput``; a real answer reads
``Invalid State Machine Execution Input: 'com.fasterxml.jackson.core.JsonParseException:
Unexpected character ('"' (code 34)): was expecting comma to separate Object entries\\n at
[Source: (String)"<input>"; line: 1, column: 58]'``. Only the failures whose Jackson wording
is known are reworded; any other keeps the decoder's own message.
"""

from __future__ import annotations

import json

from emulator.inbound import DocumentRejected, quoted_flags

# Jackson quotes at most this many characters of the source, then says how many it left out.
_SOURCE_LIMIT = 500


def _container(text: str, end: int) -> str:
    """The innermost array or object open at ``end`` ("Object", "Array" or "")."""
    stack: list[str] = []
    for char, quoted in quoted_flags(text[:end]):
        if quoted:
            continue
        if char in "{[":
            stack.append("Object" if char == "{" else "Array")
        elif char in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def _source(text: str) -> str:
    if len(text) <= _SOURCE_LIMIT:
        return f'(String)"{text}"'
    return f'(String)"{text[:_SOURCE_LIMIT]}"[truncated {len(text) - _SOURCE_LIMIT} chars]'


def _describe(char: str) -> str:
    code = ord(char)
    if code < 32 or 127 <= code <= 159:
        return f"(CTRL-CHAR, code {code})"
    if code > 255:
        return f"'{char}' (code {code} / 0x{code:x})"
    return f"'{char}' (code {code})"


def jackson_message(text: str, error: json.JSONDecodeError) -> str:
    """The parser's message for ``error`` raised decoding ``text``."""
    if isinstance(error, DocumentRejected) or not error.msg.startswith("Expecting ','"):
        return str(error)
    container = _container(text, error.pos)
    if not container or error.pos >= len(text):
        return str(error)
    # Jackson counts columns from 1 and has already read the character it reports.
    return (f"com.fasterxml.jackson.core.JsonParseException: Unexpected character "
            f"({_describe(text[error.pos])}): was expecting comma to separate {container} "
            f"entries\n at [Source: {_source(text)}; line: {error.lineno}, "
            f"column: {error.colno + 1}]")


__all__ = ["jackson_message"]
