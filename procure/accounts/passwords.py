"""Password hashing with Argon2id; the same answer and similar time for unknown users."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from procure.extensions import db
from procure.formfields import storable


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def authenticate(username: str, password: str):
    """The active user with these credentials, or None (unknown user and wrong password alike)."""
    from procure.accounts.models import User

    name = (username or "").strip()
    if not (storable(name) and storable(password or "")):
        # No account holds a NUL or half a surrogate pair, and the database and the hasher refuse them:
        # answer as for any unknown user.
        name, password = "", ""
    user = db.session.scalar(db.select(User).filter_by(username=name)) if name else None
    hasher = _hasher()
    stored = user.password_hash if user else _dummy_hash(hasher)
    try:
        hasher.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user


_DUMMY = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("not-a-password")
    return _DUMMY[key]
