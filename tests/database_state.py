"""Putting the test database back between tests: empty data tables, or the demo city, quickly.

Emptying: only the tables a test wrote to are cleared (one query finds them), and on PostgreSQL their
id sequences start again at 1, as a fresh database would; TRUNCATE of every table cost four times as much.
The demo city is loaded once per run and kept aside (an attached SQLite file, or a PostgreSQL schema);
each class that reads it gets a copy of those rows back, which takes a fraction of a load.
"""
from sqlalchemy import text

from procure.extensions import db

# Reference data that migrations and the calendar sync put in; kept between tests.
KEEP = {"categories", "negative_list_items", "calendar_days", "calendar_years", "alembic_version"}
IMAGE = "demo_image"


def data_tables() -> list:
    """The tables tests write to, parents first."""
    return [table for table in db.metadata.sorted_tables if table.name not in KEEP]


def _with_id(table) -> bool:
    return [column.name for column in table.primary_key.columns] == ["id"]


def non_empty(tables) -> set[str]:
    query = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {t.name})" for t in tables)
    return set(db.session.execute(text(query)).scalars())


def _restart_ids(tables, session=None):
    """On PostgreSQL, each table's id sequence continues after its largest id (1 when empty)."""
    if db.engine.dialect.name != "postgresql":
        return
    calls = ", ".join(f"setval(pg_get_serial_sequence('{t.name}', 'id'), "
                      f"(SELECT coalesce(max(id), 0) + 1 FROM {t.name}), false)" for t in tables if _with_id(t))
    if calls:
        (session or db.session).execute(text(f"SELECT {calls}"))


def empty_data_tables(after_many=False):
    """Empty the data tables. On PostgreSQL, deleted rows leave their space behind until a vacuum (the
    test cluster runs none, so rows keep coming back in the order they were written, as on a fresh
    database); `after_many` (the demo city's thousands of rows) truncates instead, giving the space back."""
    tables = data_tables()
    if after_many and db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY CASCADE"))
        db.session.commit()
        return
    used = non_empty(tables)
    cleared = [table for table in reversed(tables) if table.name in used]
    for table in cleared:  # children first
        db.session.execute(text(f"DELETE FROM {table.name}"))
    _restart_ids(cleared)
    db.session.commit()


class DemoImage:
    """The demo city's rows, taken once and put back on demand."""

    def __init__(self, path):
        self.path = path  # SQLite: the file that holds the copy
        self.taken = False

    def take(self):
        tables = [t for t in data_tables() if t.name in non_empty(data_tables())]
        self.names = [t.name for t in tables]
        if db.engine.dialect.name == "postgresql":
            statements = [f"DROP SCHEMA IF EXISTS {IMAGE} CASCADE", f"CREATE SCHEMA {IMAGE}"]
            statements += [f"CREATE TABLE {IMAGE}.{name} AS TABLE public.{name}" for name in self.names]
            for statement in statements:
                db.session.execute(text(statement))
            db.session.commit()
        else:
            db.session.commit()
            self._sqlite([f"CREATE TABLE {IMAGE}.{name} AS SELECT * FROM main.{name}" for name in self.names])
        self.taken = True

    def restore(self):
        """Empty data tables, then the demo's rows back in, parents first."""
        empty_data_tables()
        by_name = {t.name: t for t in data_tables()}
        ordered = [by_name[name] for name in self.names]
        if db.engine.dialect.name == "postgresql":
            for table in ordered:
                db.session.execute(text(f"INSERT INTO public.{table.name} SELECT * FROM {IMAGE}.{table.name}"))
            _restart_ids(ordered)
            db.session.commit()
        else:
            self._sqlite([f"INSERT INTO main.{t.name} SELECT * FROM {IMAGE}.{t.name}" for t in ordered])

    def _sqlite(self, statements):
        """The statements in one transaction, with the image's file attached (outside a transaction, as
        SQLite requires: so on the driver's connection, which the engine leaves in autocommit mode)."""
        connection = db.engine.raw_connection()
        try:
            sqlite = connection.driver_connection
            sqlite.execute(f"ATTACH DATABASE '{self.path}' AS {IMAGE}")
            try:
                sqlite.execute("BEGIN IMMEDIATE")
                for statement in statements:
                    sqlite.execute(statement)
                sqlite.execute("COMMIT")
            finally:
                sqlite.execute(f"DETACH DATABASE {IMAGE}")
        finally:
            connection.close()
