"""Rows in bulk for the scale generator: read and written as the database driver holds them, with executemany in
batches, so that millions of rows cost no ORM object and no per-value type conversion.

Every value travels in the form both engines take from a plain parameter: times as 'YYYY-MM-DD HH:MM:SS.ffffff'
(naive UTC, as procure.types.UTCDateTime stores them), days as 'YYYY-MM-DD', JSON as its text, money as integer
fen, booleans as the driver gave them. (PostgreSQL's driver sends a string untyped, and the server reads it as
the column's type.)"""
from collections import Counter
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime

BATCH = 5000

DATETIME, DATE, JSONTEXT, PLAIN = "datetime", "date", "json", "plain"


def kind_of(column) -> str:
    """How a column's values are held here: a time, a day, JSON text, or as the driver gives them."""
    affinity = column.type._type_affinity
    if affinity is not None and issubclass(affinity, DateTime):
        return DATETIME
    if affinity is not None and issubclass(affinity, Date):
        return DATE
    if affinity is not None and issubclass(affinity, JSON):
        return JSONTEXT
    return PLAIN


def time_text(moment: datetime) -> str:
    """A naive UTC datetime as stored."""
    return moment.isoformat(" ", "microseconds")


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Bulk:
    """One connection's bulk reads and writes; counts the rows written per table."""

    def __init__(self, connection):
        self.connection = connection
        self.dialect = connection.dialect
        self.postgresql = self.dialect.name == "postgresql"
        self.quote = self.dialect.identifier_preparer.quote
        self.placeholder = "?" if self.dialect.paramstyle == "qmark" else "%s"
        self.written = Counter()
        self._statements = {}

    def read(self, table, where: str = "", params=None) -> list[tuple]:
        """Every row of `table` (optionally WHERE `where`), its columns in table order, values held as above."""
        kinds = [kind_of(column) for column in table.columns]
        selected = ", ".join(f"CAST({self.quote(c.name)} AS TEXT)" if kind == JSONTEXT and self.postgresql
                             else self.quote(c.name) for c, kind in zip(table.columns, kinds))
        sql = f"SELECT {selected} FROM {self.quote(table.name)}" + (f" WHERE {where}" if where else "")
        rows = self.connection.exec_driver_sql(sql, params or ()).fetchall()
        if not self.postgresql:
            return [tuple(row) for row in rows]
        converters = [_TO_TEXT.get(kind) for kind in kinds]
        return [tuple(convert(value) if convert and value is not None else value
                      for convert, value in zip(converters, row)) for row in rows]

    def write(self, table, rows: list[tuple], columns=None):
        """INSERT the rows (tuples in the order of `columns`, by default every column) in batches."""
        if not rows:
            return
        names = tuple(columns or (c.name for c in table.columns))
        key = (table.name, names)
        sql = self._statements.get(key)
        if sql is None:
            sql = (f"INSERT INTO {self.quote(table.name)} ({', '.join(self.quote(n) for n in names)}) "
                   f"VALUES ({', '.join([self.placeholder] * len(names))})")
            self._statements[key] = sql
        for start in range(0, len(rows), BATCH):
            self.connection.exec_driver_sql(sql, rows[start:start + BATCH])
        self.written[table.name] += len(rows)

    def scalar(self, sql: str, params=None):
        return self.connection.exec_driver_sql(sql, params or ()).scalar()

    def next_id(self, table) -> int:
        return (self.scalar(f"SELECT max(id) FROM {self.quote(table.name)}") or 0) + 1

    def restart_sequences(self, tables):
        """PostgreSQL: each table's id sequence continues after the largest id (rows came with ids of their own)."""
        if not self.postgresql:
            return
        for table in tables:
            if [c.name for c in table.primary_key.columns] == ["id"]:
                name = self.quote(table.name)
                self.connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)")


def _date_text(value) -> str:
    return value.isoformat() if isinstance(value, date) else value


def _time_text(value) -> str:
    return time_text(value) if isinstance(value, datetime) else value


_TO_TEXT = {DATETIME: _time_text, DATE: _date_text}
