"""The store of the public rate limits ("procure-db://"): fixed-window counters in the application's
database, so that every worker and every machine counts the same hits (memory:// counts per process)."""
import time

from limits.storage import Storage
from flask import current_app, has_request_context
from sqlalchemy import Float, String, create_engine, event, exc, text
from sqlalchemy.orm import Mapped, mapped_column

from procure.database import request_writes
from procure.extensions import db


class RateLimitCounter(db.Model):
    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[float] = mapped_column(Float)  # seconds since the epoch


# One statement, atomic on SQLite and PostgreSQL alike: a new window starts when the old one has expired.
_INCR = text("""
INSERT INTO rate_limit_counters (key, count, expires_at) VALUES (:key, :amount, :expires_at)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN rate_limit_counters.expires_at <= :now THEN :amount
               ELSE rate_limit_counters.count + :amount END,
  expires_at = CASE WHEN rate_limit_counters.expires_at <= :now THEN :expires_at
                    ELSE rate_limit_counters.expires_at END
RETURNING count""")


def _holds_sqlite_write_lock() -> bool:
    return db.engine.dialect.name == "sqlite" and has_request_context() and request_writes()


class DatabaseStorage(Storage):
    """Counters in the table rate_limit_counters, on connections of their own, each statement its own
    transaction: a refused request still counts, and the request's session (which on SQLite holds the
    write lock from its start to its end for a POST, or a GET whose view is marked @writes) neither waits
    for the counters nor they for it."""

    STORAGE_SCHEME = ["procure-db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._engines = {}

    @property
    def base_exceptions(self):
        return exc.SQLAlchemyError

    def _engine(self):
        """An engine of its own on the current app's database (every hit comes within a request)."""
        url = db.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return db.engine  # an in-memory database (tests) lives in its engine only
        key = url.render_as_string(hide_password=False)
        if key not in self._engines:
            engine = create_engine(url, pool_pre_ping=True)
            if url.get_backend_name() == "sqlite":
                timeout = int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"])

                @event.listens_for(engine, "connect")
                def _on_connect(dbapi_connection, _record):
                    dbapi_connection.execute(f"PRAGMA busy_timeout={timeout}")
            self._engines[key] = engine
        return self._engines[key]

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        values = {"key": key, "amount": amount, "now": now, "expires_at": now + expiry}
        if _holds_sqlite_write_lock():
            # On SQLite a writing request's session took the write lock at BEGIN (procure.database): a
            # connection of our own would wait for it until the busy timeout. The hit joins the request's
            # transaction instead, and counts once the request commits (every accepted request does).
            return db.session.execute(_INCR, values).scalar_one()
        with self._engine().begin() as connection:
            return connection.execute(_INCR, values).scalar_one()

    def get(self, key: str) -> int:
        with self._engine().connect() as connection:
            count = connection.execute(text("SELECT count FROM rate_limit_counters WHERE key = :key AND "
                                            "expires_at > :now"), {"key": key, "now": time.time()}).scalar()
        return count or 0

    def get_expiry(self, key: str) -> float:
        with self._engine().connect() as connection:
            expires_at = connection.execute(text("SELECT expires_at FROM rate_limit_counters WHERE key = :key"),
                                            {"key": key}).scalar()
        return expires_at if expires_at and expires_at > time.time() else time.time()

    def check(self) -> bool:
        try:
            with self._engine().connect() as connection:
                connection.execute(text("SELECT 1 FROM rate_limit_counters WHERE 1 = 0"))
            return True
        except exc.SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self._engine().begin() as connection:
            return connection.execute(text("DELETE FROM rate_limit_counters")).rowcount

    def clear(self, key: str) -> None:
        with self._engine().begin() as connection:
            connection.execute(text("DELETE FROM rate_limit_counters WHERE key = :key"), {"key": key})
