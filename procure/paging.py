"""Pages of a long list whose cost does not grow with the list: keyset pagination, a bounded jump by page number,
and totals that never count more than a cap.

A page is the rows just after (or just before) a cursor in the list's order, found by walking an index from the
cursor: page 2,000 costs what page 1 does, where OFFSET would step over the 39,980 rows before it. The cursor is
the order's values of the last (or first) row shown, in the URL (`after=` / `before=`), so no count is needed to
go on. A page number (`page=`) is still understood, as a jump of at most MAX_JUMP pages from the first or the
last page (an OFFSET over at most that many rows); a deeper number, from an old link, shows the nearest page a
jump reaches and says so. With a cursor, `page` only labels the page ("第 p / P 页").

A list's SELECT is built once per process for each shape (which filters, which scope, which direction), its
values bound on each request (Fetch.shape, Fetch.params): building a statement and its cache key cost several
times what the database takes to run it."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Date, DateTime, Integer, bindparam, func, select, tuple_, union, union_all

from procure.database import MAX_ID

MAX_JUMP = 10  # pages reachable by number from either end of a list
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def bounded_int(raw, low: int, high: int) -> int | None:
    """`raw` (a query-string value) as an int when it is plain ASCII digits within [low, high], else None
    ("²".isdigit() is True)."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 20:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def _is_time(column) -> bool:
    return isinstance(column.type, DateTime) or isinstance(getattr(column.type, "impl", None), DateTime)


def _is_day(column) -> bool:
    return isinstance(column.type, Date) and not _is_time(column)


@dataclass(frozen=True)
class Order:
    """A list's order: every column descending, the last one unique (the id) so that no two rows tie."""

    columns: tuple

    def values(self, row) -> tuple:
        return tuple(getattr(row, column.key) for column in self.columns)

    def encode(self, row) -> str:
        """The row's place in the order as URL text: integers, a time as microseconds since 1970, a day as its
        ordinal (days since 1 January of year 1)."""
        parts = []
        for value in self.values(row):
            if isinstance(value, datetime):
                value = (value - EPOCH) // timedelta(microseconds=1)
            elif isinstance(value, date):
                value = value.toordinal()
            parts.append(str(value))
        return ".".join(parts)

    def decode(self, text):
        """The values `encode` wrote, or None for anything else (a cursor is never an error)."""
        parts = (text or "").split(".")
        if len(parts) != len(self.columns):
            return None
        values = []
        for part, column in zip(parts, self.columns):
            number = bounded_int(part, 0, 2**62)
            if number is None:
                return None
            if _is_time(column):
                values.append(EPOCH + timedelta(microseconds=number))
            elif _is_day(column):
                if not 0 < number <= date.max.toordinal():
                    return None
                values.append(date.fromordinal(number))
            elif number > MAX_ID:
                return None
            else:
                values.append(number)
        return tuple(values)

    def seek(self, newer: bool):
        """The condition "after the cursor" in the list's order (older rows), or before it if `newer`; the
        cursor's values are bound as seek0, seek1 … (`seek_params`)."""
        row = tuple_(*self.columns)
        bound = tuple_(*(bindparam(f"seek{i}", type_=column.type) for i, column in enumerate(self.columns)))
        return row > bound if newer else row < bound

    def seek_params(self, values) -> dict:
        return {f"seek{i}": value for i, value in enumerate(values)}

    def by(self, newer: bool, columns=None):
        columns = columns or self.columns
        return [c.asc() if newer else c.desc() for c in columns]


@dataclass
class Position:
    """Where in the list a request asks to be: a cursor (`after`/`before`), or a page number."""

    cursor: tuple | None = None
    newer: bool = False  # True: the page just before the cursor (going back towards the first page)
    page: int | None = None  # the number asked for, or the label carried with a cursor


def position(args, order: Order, prefix: str = "") -> Position:
    """The position the query string asks for; `prefix` names the keys of one of several lists on a page
    (payments_after, payments_before, payments_page)."""
    page = bounded_int(args.get(f"{prefix}page"), 1, MAX_ID)
    for key, newer in (("after", False), ("before", True)):
        values = order.decode(args.get(f"{prefix}{key}"))
        if values is not None:
            return Position(values, newer, page)
    return Position(page=page or 1)


@dataclass
class Page:
    rows: list
    page: int | None  # the page's number, when known
    pages: int | None  # how many pages, when the total is known
    older: str | None = None  # the cursor of the next page (None: this is the last)
    newer: str | None = None  # the cursor of the previous page (None: this is the first)
    asked: int | None = None  # a page number no jump reaches (the page shown is the nearest one that does)
    numbers: list = field(default_factory=list)  # [page number or None for a gap] reachable from here


@dataclass
class Fetch:
    """What a page is read from. `queries()` builds the SELECTs whose rows, merged in the list's order, are the
    list (one per state, say: see `ordered_ids`; none for a list known to be empty); `load(ids)` the SELECT of the rows to show whose ids
    the SELECT `ids` gives (in any order; each row has the order's columns). Both are called only when no
    statement of this `shape` was built yet (None: build on every request); `params` are the values they bind."""

    queries: object
    load: object
    shape: object = None
    params: dict = field(default_factory=dict)
    overlapping: bool = False  # a row may match several queries (merged without repeating it)


_BUILT: dict = {}  # (shape, seek, newer) → the statement
NOTHING = object()  # the statement of a list that is known to be empty: none is run


def page_of(fetch: Fetch, order: Order, where: Position, per_page: int, total: int | None) -> Page:
    """The page `where` asks for. `total` is the number of rows when known (None past a count's cap)."""
    pages = max(1, -(-total // per_page)) if total is not None else None
    if where.cursor is not None:
        page = _at_cursor(fetch, order, where, per_page, pages)
        if page.rows:
            return page
        where = Position(page=1)  # nothing there any more: the first page instead
    number, asked = min(where.page or 1, pages or MAX_ID), None
    from_end = pages is not None and number > MAX_JUMP and number > pages - MAX_JUMP
    if number > MAX_JUMP and not from_end:
        asked, number = number, MAX_JUMP
    if from_end:  # read backwards from the last row: page n is what remains after skipping the pages after it
        offset = total - min(number * per_page, total)
        limit = min(number * per_page, total) - (number - 1) * per_page
        rows, more = _read(fetch, order, None, True, limit, offset)
        at_start, at_end = not more, offset == 0
    else:
        rows, more = _read(fetch, order, None, False, per_page, (number - 1) * per_page)
        at_start, at_end = number == 1, not more
    return _page(order, rows, number, pages, at_start, at_end, asked)


def _at_cursor(fetch, order, where, per_page, pages) -> "Page":
    rows, more = _read(fetch, order, where.cursor, where.newer, per_page, 0)
    if where.newer:
        at_start, at_end = not more, False
        number = 1 if at_start else where.page
    else:
        at_start, at_end = False, not more
        number = pages if at_end and pages else where.page
    if number is not None and pages is not None:
        number = min(number, pages)
    return _page(order, rows, number, pages, at_start, at_end)


def _read(fetch, order, cursor, newer, limit, offset) -> tuple[list, bool]:
    """Up to `limit` rows in the list's order (descending), and whether more lie beyond them."""
    from procure.extensions import db

    if limit <= 0:
        return [], False
    key = (fetch.shape, cursor is not None, newer)
    statement = _BUILT.get(key) if fetch.shape is not None else None
    if statement is None:
        queries = fetch.queries()
        if cursor is not None:
            queries = [q.where(order.seek(newer)) for q in queries]
        statement = fetch.load(ordered_ids(queries, order, newer, fetch.overlapping)) if queries else NOTHING
        if fetch.shape is not None:
            _BUILT[key] = statement
    if statement is NOTHING:
        return [], False
    params = dict(fetch.params, page_limit=limit + 1, page_offset=offset, branch_limit=offset + limit + 1)
    if cursor is not None:
        params.update(order.seek_params(cursor))
    rows = db.session.execute(statement, params).all()
    rows.sort(key=order.values, reverse=not newer)  # the nearest first
    more = len(rows) > limit
    rows = rows[:limit]
    if newer:
        rows.reverse()
    return rows, more


def _page(order, rows, number, pages, at_start, at_end, asked=None) -> "Page":
    page = Page(rows, number, pages, asked=asked)
    if rows and not at_end:
        page.older = order.encode(rows[-1])
    if rows and not at_start:
        page.newer = order.encode(rows[0])
    if number is not None and pages is not None:
        page.numbers = reachable_numbers(number, pages)
    return page


def reachable_numbers(page: int, pages: int, width: int = 2) -> list:
    """1 2 3 … 8 [9] 10 … 5000: the numbers around `page` and at both ends that a jump reaches (None: a gap)."""
    shown = {n for n in range(max(1, page - width), min(pages, page + width) + 1)}
    shown |= {1, pages, page}
    shown = sorted(n for n in shown if n == page or n <= MAX_JUMP or n > pages - MAX_JUMP)
    numbers, last = [], 0
    for n in shown:
        if n - last > 1:
            numbers.append(None)
        numbers.append(n)
        last = n
    return numbers


def ordered_ids(queries, order: Order, newer: bool, overlapping: bool = False):
    """SELECT of the ids of rows page_offset … page_offset + page_limit of `queries` merged in the list's order
    (ascending if `newer`). Each query is read apart, in order, stopping after branch_limit (page_offset +
    page_limit) rows: one index range each. This is how a list over several states walks one (state, …) range
    per state, where a single `state IN (…)` would collect every matching row and sort them all; the merge sorts
    at most len(queries) × branch_limit ids."""
    limit, offset = bindparam("page_limit", type_=Integer), bindparam("page_offset", type_=Integer)
    if len(queries) == 1:
        return queries[0].with_only_columns(order.columns[-1]).order_by(*order.by(newer)).limit(limit).offset(offset)
    branch = bindparam("branch_limit", type_=Integer)
    parts = [select(*q.with_only_columns(*order.columns).order_by(*order.by(newer)).limit(branch).subquery().c)
             for q in queries]
    merged = (union if overlapping else union_all)(*parts).subquery()
    columns = [merged.c[column.key] for column in order.columns]
    return select(columns[-1]).order_by(*order.by(newer, columns)).limit(limit).offset(offset)


def capped_count(query, cap: int):
    """SELECT count(*) of `query`'s rows, counting at most cap + 1 (enough to tell "more than cap")."""
    return select(func.count()).select_from(query.limit(cap + 1).subquery())


def capped_union_count(queries, cap: int):
    """SELECT count(*) of the distinct ids the `queries` (each a SELECT of one id column) find together, each read
    for at most cap + 1 rows through its own index: exact while no query reaches cap + 1, and more than cap as soon
    as one does. Where one `a OR b OR c` would walk the whole table to find the rows any of them admits."""
    if len(queries) == 1:
        return capped_count(queries[0], cap)
    parts = [select(*query.limit(cap + 1).subquery().c) for query in queries]
    return select(func.count()).select_from(union(*parts).subquery())
