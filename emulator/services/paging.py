"""Pages of a listing: the one way List and Describe operations cut their answers.

A token carries the index the next page starts at, written the way the service writes its
tokens (plain digits, or base64 for services whose tokens look opaque); a token the service
did not write is refused with the service's own error, or read as the first page where AWS
does that.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from emulator.errors import ServiceError

T = TypeVar("T")


def _digits(token: str) -> int:
    if not token.isdigit():
        raise ValueError(token)
    return int(token)


def _base64_encode(index: int) -> str:
    return base64.b64encode(str(index).encode()).decode()


def _base64_decode(token: str) -> int:
    try:
        return _digits(base64.b64decode(token, validate=True).decode())
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError(token) from None


@dataclass(frozen=True)
class Tokens:
    """How a service writes the index of the next page into its tokens."""

    encode: Callable[[int], str]
    decode: Callable[[str], int]  # raises ValueError for a token the service did not write


DIGITS = Tokens(str, _digits)
BASE64 = Tokens(_base64_encode, _base64_decode)


def page(items: Sequence[T], token: str | None, size: int, *, tokens: Tokens = DIGITS,
         invalid: Callable[[str], ServiceError] | None = None) -> tuple[list[T], str | None]:
    """The page of ``items`` starting where ``token`` says (the first without one), at most
    ``size`` long, and the token of the next page (None on the last). A token the service
    did not write raises ``invalid(token)``, or reads as the first page without ``invalid``.
    """
    start = 0
    if token:
        try:
            start = tokens.decode(token)
        except ValueError:
            if invalid is not None:
                raise invalid(token) from None
    end = start + max(size, 1)
    return list(items[start:end]), tokens.encode(end) if end < len(items) else None


def answer(member: str, items: Sequence[T], token: str | None, size: int, *,
           token_member: str = "NextToken", tokens: Tokens = DIGITS,
           invalid: Callable[[str], ServiceError] | None = None,
           shape: Callable[[T], Any] | None = None) -> dict[str, Any]:
    """A List operation's answer: the page under ``member`` (each item through ``shape``)
    and, unless it is the last, the next page's token under ``token_member`` (``NextToken``,
    ``nextToken``, ``NextMarker``, ``position``...)."""
    chunk, following = page(items, token, size, tokens=tokens, invalid=invalid)
    result: dict[str, Any] = {member: [shape(item) for item in chunk] if shape else chunk}
    if following is not None:
        result[token_member] = following
    return result


def after(items: Sequence[T], key: Callable[[T], str], start: str | None, size: int
          ) -> tuple[list[T], T | None]:
    """Paging by the last item seen, as DynamoDB Streams does (``ExclusiveStart...`` in,
    ``LastEvaluated...`` out): the items after the one whose ``key`` is ``start`` (from the
    first when there is none such), at most ``size``, and the page's last item when more
    follow (None on the last page)."""
    rest = list(items)
    if start:
        keys = [key(item) for item in rest]
        if start in keys:
            rest = rest[keys.index(start) + 1:]
    chunk = rest[:size]
    return chunk, chunk[-1] if len(rest) > size else None


__all__ = ["BASE64", "DIGITS", "Tokens", "after", "answer", "page"]
