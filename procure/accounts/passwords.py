"""Password hashing with Argon2id (the same answer and similar time for unknown users), the password policy, and
changing and resetting passwords."""
import secrets
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from procure.extensions import db
from procure.formfields import storable

MIN_LENGTH = 10
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")

# Why a password is refused: (English, Chinese msgid); the web shows the msgid translated, commands show both.
POLICY = {
    "too_short": ("at least 10 characters", _l("密码至少需要 10 个字符")),
    "contains_username": ("must not contain the username", _l("密码不能包含用户名")),
    "too_common": ("too common, choose another", _l("该密码过于常见，请换一个")),
}


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@lru_cache(maxsize=1)
def _common() -> frozenset:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def policy_problems(password: str, username: str) -> list[str]:
    """The POLICY codes this password breaks for this user (empty when it may be used)."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append("too_short")
    name = (username or "").strip().lower()
    if name and len(name) >= 3 and name in password.lower():
        found.append("contains_username")
    if password.lower() in _common():
        found.append("too_common")
    return found


def bilingual(code: str) -> str:
    from flask_babel import force_locale

    english, chinese = POLICY[code]
    with force_locale("zh_Hans_CN"):
        return f"{english} / {chinese}"


def set_password(user, password: str, *, temporary: bool = False):
    """Give `user` this password, ending every session and API token they hold; a temporary password
    (a reset) must be changed at the next login. Flushes, never commits."""
    user.password_hash = hash_password(password)
    user.must_change_password = temporary
    user.end_sessions()
    db.session.flush()


def temporary_password() -> str:
    """A random password of 16 characters, easy to read out (no 0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def verify(user, password: str) -> bool:
    """Whether `password` is this user's."""
    try:
        return _hasher().verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def authenticate(username: str, password: str, *, disabled_too: bool = False):
    """The active user with these credentials, or None (unknown user and wrong password alike; a disabled
    user too unless `disabled_too`, for a caller that says why it refuses). A hash made with other Argon2
    parameters than the settings' is made again (the caller commits)."""
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
    if user is None or not (user.active or disabled_too):
        return None
    if hasher.check_needs_rehash(stored):
        user.password_hash = hasher.hash(password)
    return user


_DUMMY = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost)
    if key not in _DUMMY:
        _DUMMY[key] = hasher.hash("not-a-password")
    return _DUMMY[key]
