"""ListDocuments: tools list Systems Manager documents at start-up. The emulator holds no
documents (neither the AWS-owned ones nor the account's own), so the list is empty whatever
the filters; a NextToken the emulator never gave is InvalidNextToken.

https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListDocuments.html
https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DocumentKeyValuesFilter.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services import paging
from emulator.services.ssm.common import SsmBase, invalid_token


class DocumentsApi(SsmBase):
    def list_documents(self, ctx: RequestContext, *, max_results: int | None = None,
                       next_token: str | None = None, **_: Any) -> dict[str, Any]:
        held: list[dict[str, Any]] = []
        chunk, token = paging.page(held, next_token, max_results or 50, tokens=paging.BASE64,
                                   invalid=lambda _: invalid_token())
        result: dict[str, Any] = {"DocumentIdentifiers": chunk}
        if token:
            result["NextToken"] = token
        return result


__all__ = ["DocumentsApi"]
