"""The stored records of STS: one per temporary session, under the account of its role."""

from __future__ import annotations

from emulator.store import Record

SESSIONS = "sessions"  # key: the session's access key id


class SessionRecord(Record):
    access_key_id: str
    arn: str  # arn:aws:sts::<account>:assumed-role/<role name>/<session name>
    user_id: str  # <role id>:<session name>
    expiration: float  # epoch seconds


__all__ = ["SESSIONS", "SessionRecord"]
