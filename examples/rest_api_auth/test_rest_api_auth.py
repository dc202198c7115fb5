"""The notes API behind its caching Lambda authorizer, called over HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "function"))

from deploy_auth_api import CACHE_SECONDS, SECRET, deploy
from notes_authorizer import sign

from emulator.testing import EmulatorHandle


@pytest.fixture
def notes(fresh_emulator: EmulatorHandle) -> str:
    """The base URL of the deployed ``prod`` stage."""
    api_id = deploy(fresh_emulator.client("apigateway"), fresh_emulator.client("lambda"),
                    fresh_emulator.region)
    return f"{fresh_emulator.endpoint_url}/_aws/execute-api/{api_id}/prod"


def _bearer(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {user}.{sign(user, SECRET)}"}


def test_signed_in_users_read_and_only_admins_delete(notes: str) -> None:
    listed = httpx.get(f"{notes}/notes", headers=_bearer("bob"))
    assert listed.status_code == 200 and listed.json() == {"notes": ["1", "2"]}
    assert listed.headers["X-Caller"] == "bob" and listed.headers["X-Role"] == "reader"
    assert httpx.get(f"{notes}/notes/1", headers=_bearer("bob")).json()["text"] == "buy milk"
    refused = httpx.delete(f"{notes}/notes/1", headers=_bearer("bob"))
    assert refused.status_code == 403
    assert refused.json() == {"Message": "User is not authorized to access this resource "
                                         "with an explicit deny"}
    deleted = httpx.delete(f"{notes}/notes/1", headers=_bearer("ada"))
    assert deleted.status_code == 200 and deleted.json() == {"deleted": "1", "by": "ada"}


def test_bad_or_missing_tokens_get_401(notes: str) -> None:
    for headers in ({}, {"Authorization": "Bearer bob.0000000000000000"},
                    {"Authorization": "Basic Ym9iOnNlY3JldA=="}):
        reply = httpx.get(f"{notes}/notes", headers=headers)
        assert reply.status_code == 401 and reply.json() == {"message": "Unauthorized"}


def test_the_authorizer_answer_is_cached_for_five_minutes(
        notes: str, fresh_emulator: EmulatorHandle) -> None:
    first = httpx.get(f"{notes}/notes", headers=_bearer("bob")).headers["X-Authorized-At"]
    # Another method, same token: the cached policy answers without the authorizer.
    again = httpx.get(f"{notes}/notes/2", headers=_bearer("bob"))
    assert again.headers["X-Authorized-At"] == first
    fresh_emulator.clock.advance(CACHE_SECONDS + 1)
    try:
        later = httpx.get(f"{notes}/notes", headers=_bearer("bob"))
        assert later.headers["X-Authorized-At"] != first
    finally:
        fresh_emulator.clock.reset()
