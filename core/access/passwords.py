"""Passwords: argon2id hashes through argon2-cffi (never stored, logged or shown in clear),
the length rule, and generated passwords shown once."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # argon2id with the library's recommended parameters (RFC 9106)
# A hash to verify against when the username is unknown, so both take the same time.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The argon2id hash of a password."""
    return _HASHER.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches the stored hash (False for no hash or a malformed one)."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def password_problem(password: str, min_length: int) -> str | None:
    """Why a chosen password is refused (Vietnamese), or None."""
    if len(password) < min_length:
        return f"mật khẩu phải có ít nhất {min_length} ký tự"
    if password.strip() != password:
        return "mật khẩu không được bắt đầu hay kết thúc bằng dấu cách"
    if len(set(password)) < 4:
        return "mật khẩu quá đơn giản (quá ít ký tự khác nhau)"
    return None


def generate_password() -> str:
    """A random password of 16 characters, easy to type (no look-alike letters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))
