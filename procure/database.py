"""Engine set-up: SQLite pragmas, write transactions that take the lock up front, connections that recover
once a database file is writable again, and the mark a view that writes on a GET carries."""
import os
import re

from flask import current_app, has_request_context, request
from sqlalchemy import event, exc
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from werkzeug.routing import IntegerConverter

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def writes(view):
    """Marks a view that writes although its method only reads (a GET that issues a document or records an
    export in the audit trail): its transaction takes SQLite's write lock at BEGIN, as a POST's does.

    Without the mark such a request begins a read transaction and fails with "database is locked" when it
    then writes while another request holds the lock (SQLite cannot turn a read into a write once someone
    else has written). The testing configuration refuses a write from an unmarked GET (check_write_marks)."""
    view.writes = True
    return view


def request_writes() -> bool:
    """Whether the current request may write: by its method, or because its view is marked @writes.
    Outside a request (commands, daily jobs) everything may write."""
    if not has_request_context():
        return True
    if request.method in WRITE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, "writes", False))


class ProcureSQLiteCompiler(SQLiteCompiler):
    """SQLite's compiler with two changes:

    - LIMIT and OFFSET are written into the statement as numbers (at execution: the compiled form stays cached)
      instead of bound parameters. Not knowing how many rows a LIMIT ? keeps, SQLite's planner prepares for all of
      them, and for a join may first build a Bloom filter over the whole joined table: reading a window of 200
      audit entries cost 25 ms at 100,000 projects, and grew with them.
    - A table hint (`select.with_hint(Model, "INDEXED BY ix_…", "sqlite")`) is written after the table's name,
      for the rare statement whose index SQLite's statistics cannot tell it."""

    def limit_clause(self, select, **kw):
        return super().limit_clause(select, **dict(kw, literal_execute=True))

    def get_from_hint_text(self, table, text):
        return text


def configure_engine(engine, busy_timeout_ms: int):
    if engine.dialect.name != "sqlite":
        return
    engine.dialect.statement_compiler = ProcureSQLiteCompiler
    path = engine.url.database
    on_file = path not in (None, "", ":memory:") and not path.startswith("file:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite opens a file it may not write read-only, and the connection stays so for good.
        record.info["read_only"] = on_file and not os.access(path, os.W_OK)

    @event.listens_for(engine, "checkout")
    def _on_checkout(_dbapi_connection, record, _proxy):
        if record.info.get("read_only") and os.access(path, os.W_OK):
            raise exc.DisconnectionError("the database file is writable again")  # the pool opens a new one

    @event.listens_for(engine, "handle_error")
    def _on_error(context):
        # A connection that cannot write the file (opened while it was read-only, or it became unreachable)
        # is no good any more: count the error as a lost connection, so that the pool discards its
        # connections and opens new ones (without this, writes failed until a restart).
        name = getattr(context.original_exception, "sqlite_errorname", "")
        if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR")):
            context.is_disconnect = True

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A request that may write takes the write lock at BEGIN (waiting up to busy_timeout), so it
        # can never fail half-way with "database is locked"; reads stay concurrent under WAL. A connection
        # opened with execution_options(reads_only=True) only reads, whatever the request.
        reads_only = connection.get_execution_options().get("reads_only", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if request_writes() and not reads_only else "BEGIN")


class UnmarkedWrite(AssertionError):
    """A request whose method only reads wrote to the database, and its view is not marked @writes."""


_WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def check_write_marks(app, engine):
    """Testing: a write from a GET (or HEAD, OPTIONS) whose view is not marked @writes fails the test that
    made it, on every database, so a new view that writes on a GET cannot go unmarked."""

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_unmarked_write(_conn, _cursor, statement, _parameters, _context, _executemany):
        if _WRITE_STATEMENT.match(statement) and not request_writes():
            raise UnmarkedWrite(f"{request.method} {request.path} ({request.endpoint}) wrote to the database "
                                f"without @writes on its view: {statement.split(chr(10))[0][:120]}")

    @app.errorhandler(UnmarkedWrite)
    def _propagate(error):
        raise error  # past the 500 page: the test itself fails


# The largest id an INTEGER key holds on PostgreSQL; a larger number would reach the driver as an error.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in URLs, bounded to what an id can be: a larger number is a 404, not a driver error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
