"""Secure Remote Password sign-in (USER_SRP_AUTH) as Cognito runs it: SRP-6a over the 3072-bit
group of RFC 3526 with SHA-256, the password never sent.

The client sends ``SRP_A``; Cognito answers a PASSWORD_VERIFIER challenge with ``SALT``,
``SRP_B`` and an opaque ``SECRET_BLOCK``; the client proves the password with
``PASSWORD_CLAIM_SIGNATURE``, an HMAC-SHA256 of pool name, user id, secret block and timestamp
under a key derived from the shared secret (HKDF with the info "Caldera Derived Key"). The
verifier ``g^x`` is kept per user when the password is set, ``x`` being
``H(salt | H(poolName | username | ":" | password))``, so the password itself is not stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N = int(N_HEX, 16)
G = 2
INFO = b"Caldera Derived Key"


def _pad(value: int | str) -> str:
    """Hex without sign ambiguity: an even number of digits, a leading 00 when the first
    digit would set the high bit."""
    text = value if isinstance(value, str) else f"{value:x}"
    if len(text) % 2:
        return "0" + text
    return "00" + text if text[0] in "89abcdefABCDEF" else text


def _hash_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest().rjust(64, "0")


def _hex_hash(hex_text: str) -> str:
    return _hash_hex(bytes.fromhex(hex_text))


K = int(_hex_hash("00" + N_HEX + "0" + f"{G:x}"), 16)


def pool_name(pool_id: str) -> str:
    """The part of a pool id after the region, which Cognito mixes into ``x``."""
    return pool_id.split("_", 1)[-1]


def _x(pool_id: str, username: str, password: str, salt: str) -> int:
    inner = _hash_hex(f"{pool_name(pool_id)}{username}:{password}".encode())
    return int(_hex_hash(_pad(salt) + inner), 16)


def verifier(pool_id: str, username: str, password: str) -> tuple[str, str]:
    """A new salt and the verifier ``g^x mod N`` for this password, both as hex."""
    salt = secrets.token_hex(16)
    return salt, f"{pow(G, _x(pool_id, username, password, salt), N):x}"


def server_values(verifier_hex: str) -> tuple[str, str]:
    """The server's secret ``b`` and public ``B = k*v + g^b mod N``, as hex."""
    v = int(verifier_hex, 16)
    while True:
        b = secrets.randbits(1024)
        big_b = (K * v + pow(G, b, N)) % N
        if big_b:
            return f"{b:x}", f"{big_b:x}"


def valid_a(a_hex: str) -> bool:
    try:
        return int(a_hex, 16) % N != 0
    except ValueError:
        return False


def _key(a_hex: str, b_hex: str, big_b_hex: str, verifier_hex: str) -> bytes:
    big_a, b, v = int(a_hex, 16), int(b_hex, 16), int(verifier_hex, 16)
    u = int(_hex_hash(_pad(big_a) + _pad(int(big_b_hex, 16))), 16)
    shared = pow(big_a * pow(v, u, N), b, N)
    prk = hmac.new(bytes.fromhex(_pad(f"{u:x}")), bytes.fromhex(_pad(shared)),
                   hashlib.sha256).digest()
    return hmac.new(prk, INFO + b"\x01", hashlib.sha256).digest()[:16]


def signature_matches(*, pool_id: str, user_id: str, secret_block: str, timestamp: str,
                      signature: str, a_hex: str, b_hex: str, big_b_hex: str,
                      verifier_hex: str) -> bool:
    """Whether ``signature`` is the client's proof of the password for this exchange."""
    try:
        block = base64.b64decode(secret_block, validate=True)
        given = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    message = pool_name(pool_id).encode() + user_id.encode() + block + timestamp.encode()
    expected = hmac.new(_key(a_hex, b_hex, big_b_hex, verifier_hex), message,
                        hashlib.sha256).digest()
    return hmac.compare_digest(expected, given)


__all__ = ["pool_name", "server_values", "signature_matches", "valid_a", "verifier"]
