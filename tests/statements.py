"""The SQL a request runs: how many statements, and how the database plans each of them (for the tests that a
page's cost does not grow with the data)."""
import re

from sqlalchemy import event, text

from procure.extensions import db


def captured(call) -> list[tuple[str, object]]:
    """(statement, parameters) of each statement `call()` runs, transaction control aside."""
    db.session.commit()  # measured from the same start: no transaction open, nothing loaded
    seen = []

    def listener(_conn, _cursor, statement, parameters, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")):
            seen.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return seen


def count(call) -> int:
    return len(captured(call))


def plan(statement, parameters) -> list[str]:
    """The database's plan of one statement as text lines: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN
    with sequential scans switched off (a plan that still scans a table sequentially has no index to use)."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            return [row[-1] for row in rows]
        conn.execute(text("SET enable_seqscan = off"))
        return [row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()]


def full_scans(lines, tables=("projects", "project_counts")) -> list[str]:
    """The plan lines that read a whole table with no index (SQLite: "SCAN projects"; PostgreSQL: "Seq Scan on
    projects"); an index walked in order and stopped by a LIMIT ("SCAN projects USING INDEX …") is not one."""
    names = "|".join(tables)
    sqlite = re.compile(rf"^SCAN ({names})( AS \w+)?$")
    postgresql = re.compile(rf"Seq Scan on ({names})\b")
    return [line for line in lines if sqlite.match(line.strip()) or postgresql.search(line)]
