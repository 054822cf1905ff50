"""Engine set-up: SQLite pragmas and write transactions that take the lock up front."""
from flask import has_request_context, request
from sqlalchemy import event
from werkzeug.routing import IntegerConverter

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def configure_engine(engine, busy_timeout_ms: int):
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A request that may write takes the write lock at BEGIN (waiting up to busy_timeout), so it
        # can never fail half-way with "database is locked"; reads stay concurrent under WAL.
        writes = not has_request_context() or request.method in WRITE_METHODS
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


# The largest id an INTEGER key holds on PostgreSQL; a larger number would reach the driver as an error.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in URLs, bounded to what an id can be: a larger number is a 404, not a driver error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
