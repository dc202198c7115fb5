"""SecureString values, encrypted at rest with a local key.

AWS encrypts a SecureString with a KMS key and returns the ciphertext unless the caller asks
``WithDecryption``. Here one AES-256-GCM key stands for every KMS key: it is kept beside the
state (``{state_dir}/ssm/secure-string.key``, readable by its owner only) so stored values
decrypt after a restart, or made fresh for an emulator that keeps nothing. The parameter's
name, version and key id are bound to each ciphertext, so a stored value cannot be moved to
another parameter or version. What a caller sees without decryption is the ciphertext, base64.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE = "secure-string.key"
_NONCE = 12


def _key(folder: Path | None) -> bytes:
    if folder is None:
        return AESGCM.generate_key(bit_length=256)
    path = folder / KEY_FILE
    if path.is_file():
        return path.read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    key = AESGCM.generate_key(bit_length=256)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key


class SecureValues:
    def __init__(self, folder: Path | None) -> None:
        self._cipher = AESGCM(_key(folder))

    @staticmethod
    def _bound(name: str, version: int, key_id: str) -> bytes:
        return f"{name}\n{version}\n{key_id}".encode()

    def seal(self, value: str, *, name: str, version: int, key_id: str) -> str:
        """The stored (and undecrypted) form of ``value``: base64 of nonce and ciphertext."""
        nonce = secrets.token_bytes(_NONCE)
        sealed = self._cipher.encrypt(nonce, value.encode(), self._bound(name, version, key_id))
        return base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, stored: str, *, name: str, version: int, key_id: str) -> str:
        """The plain text of a sealed value; a value sealed under another key reads as it is
        stored (never an error: the caller asked to decrypt, not to check)."""
        try:
            raw = base64.b64decode(stored, validate=True)
            plain = self._cipher.decrypt(raw[:_NONCE], raw[_NONCE:],
                                         self._bound(name, version, key_id))
        except (ValueError, InvalidTag):
            return stored
        return plain.decode("utf-8", "replace")


__all__ = ["KEY_FILE", "SecureValues"]
