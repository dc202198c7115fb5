"""What a client sees of a refused call: the error code and message botocore parsed."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def code_and_message(call: Any, **params: Any) -> tuple[str, str]:
    """Call ``call(**params)``, which must raise ClientError, and answer its Code and
    Message."""
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]
