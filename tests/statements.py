"""The SQL a request runs: how many statements, and how the database plans each of them (for the tests that a
page's cost does not grow with the data)."""
import re

from sqlalchemy import event

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


def of_page(client, path) -> int:
    """The statements one GET of `path` runs (it must answer 200)."""
    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return count(get)


def plan(statement, parameters) -> list[str]:
    """The database's plan of one statement as text lines: SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN
    with sequential scans switched off (a plan that still scans a table sequentially has no index to use). On the
    driver's own cursor: no transaction begun (SQLite's BEGIN IMMEDIATE would wait for the test's session)."""
    with db.engine.connect() as conn:
        cursor = conn.connection.cursor()
        if conn.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + statement, parameters)
            return [row[0] for row in cursor.fetchall()]
        finally:
            cursor.execute("SET enable_seqscan = on")


def full_scans(lines, tables=("projects", "project_counts")) -> list[str]:
    """The plan lines that read a whole table with no index (SQLite: "SCAN projects"; PostgreSQL: "Seq Scan on
    projects"); an index walked in order and stopped by a LIMIT ("SCAN projects USING INDEX …") is not one."""
    names = "|".join(tables)
    sqlite = re.compile(rf"^SCAN ({names})( AS \w+)?$")
    postgresql = re.compile(rf"Seq Scan on ({names})\b")
    return [line for line in lines if sqlite.match(line.strip()) or postgresql.search(line)]


def whole_reads(statement, parameters, tables) -> list[str]:
    """The plan lines of `statement` that read one of `tables` whole. On SQLite a table walked in its own order
    (its rowid) and stopped by a LIMIT reads only the rows it returns, as an index walked in order does: the
    statement orders that table by id with a LIMIT (`FROM t ORDER BY t.id DESC LIMIT`), or has a LIMIT and no
    sort of its own."""
    lines = plan(statement, parameters)
    found = full_scans(lines, tables)
    if not found or db.engine.dialect.name != "sqlite":
        return found
    if " LIMIT " in statement and not any("FOR ORDER BY" in line for line in lines):
        return []
    walked = {t for t in tables if re.search(rf"FROM {t} ORDER BY {t}\.id( DESC| ASC)?\s+LIMIT", statement)}
    return [line for line in found if line.split()[1] not in walked]
