"""A greeting function: the handler Lambda runs, with its helper module beside it."""

from __future__ import annotations

import logging
import os
from typing import Any

from greetings import greet

logger = logging.getLogger()
logger.setLevel(logging.INFO)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    name = event.get("name") or os.environ.get("DEFAULT_NAME", "world")
    logger.info("greeting %s", name)
    if not isinstance(name, str):
        raise TypeError("name must be a string")
    return {"message": greet(name), "requestId": context.aws_request_id}
