"""The login throttle: failed sign-ins counted per account and per address in the database, which every
worker and machine shares; over LOGIN_MAX_FAILURES within LOGIN_FAILURE_WINDOW_MINUTES, sign-in waits."""
import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from procure import clock
from procure.accounts.models import LoginFailure
from procure.extensions import db
from procure.formfields import storable


@dataclass
class Lockout:
    username: str
    address: str
    by: str  # "account" or "address"
    failures: int


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _name(username) -> str:
    name = (username if isinstance(username, str) else "").strip()[:64]
    # a NUL or half a surrogate pair names no account and no database stores it: counted under U+FFFD instead
    return "".join(c if storable(c) else "\ufffd" for c in name)


def retry_after(username, address: str) -> int | None:
    """Seconds until this account and this address may try again, or None when they may now."""
    since = clock.now() - _window()
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    waits = []
    for column, value in ((LoginFailure.username, _name(username)), (LoginFailure.address, address or "")):
        count, oldest = db.session.execute(
            select(func.count(), func.min(LoginFailure.at)).where(column == value, LoginFailure.at > since)).one()
        if count >= limit:
            # the oldest failures in the window age out first; with more than the limit, wait for enough of them
            times = db.session.scalars(select(LoginFailure.at).where(column == value, LoginFailure.at > since)
                                       .order_by(LoginFailure.at).limit(count - limit + 1)).all()
            waits.append((times[-1] - since).total_seconds())
    return max(1, math.ceil(max(waits))) if waits else None


def fail(username, address: str) -> Lockout | None:
    """Note a failed sign-in (the caller commits); the lockout it brings about, if this one reaches the limit
    (the caller audits it)."""
    name, address = _name(username), address or ""
    db.session.add(LoginFailure(username=name, address=address, at=clock.now()))
    db.session.flush()
    since, limit = clock.now() - _window(), current_app.config["LOGIN_MAX_FAILURES"]
    for by, column, value in (("account", LoginFailure.username, name), ("address", LoginFailure.address, address)):
        count = db.session.scalar(select(func.count()).where(column == value, LoginFailure.at > since))
        if count == limit:
            return Lockout(name, address, by, count)
    return None


def succeed(username) -> None:
    """A correct password: that account's failures are forgotten (the caller commits)."""
    unlock(username)


def recent_failures(username) -> int:
    """The account's failed sign-ins within the window (LOGIN_MAX_FAILURES of them lock it)."""
    return db.session.scalar(select(func.count()).where(LoginFailure.username == _name(username),
                                                         LoginFailure.at > clock.now() - _window()))


def unlock(username) -> int:
    """Forget an account's failed sign-ins, so that it may sign in at once; the failures removed (the caller
    commits and audits)."""
    return db.session.execute(delete(LoginFailure).where(LoginFailure.username == _name(username))).rowcount


# What an unlocked address's failures are counted under: no client has it, so they lock no address, and they
# still count against the accounts they were tried on.
UNLOCKED_ADDRESS = "(unlocked)"


def unlock_address(address: str) -> int:
    """Lift the lock on one address (a shared office connection locked by someone's guessing); the failures it
    covered (the caller commits and audits). The accounts tried from it stay locked until unlocked themselves."""
    return db.session.execute(update(LoginFailure).where(LoginFailure.address == address)
                              .values(address=UNLOCKED_ADDRESS)).rowcount
