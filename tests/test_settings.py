"""The production settings (portal/settings.py)."""

from __future__ import annotations


def test_passwords_are_hashed_with_argon2_in_production():
    from portal import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
