"""What a copy of a demo project changes in each row it copies: new ids (and the foreign keys inside the copy that
name them), times moved back, the community and its worker, the project code and what is made of it, new unique
tokens. Read from the schema: a table belongs to the copy when one of its foreign keys names a table that does."""
import hashlib
import json
from base64 import urlsafe_b64encode

from sqlalchemy import String

from procure.demo.scale.bulk import DATE, DATETIME, kind_of, parse_time, time_text

# Tables with a foreign key into a project that are not copied, and why.
NOT_COPIED = {
    "attachments": "their bytes are in the file store; a copy would name bytes it does not have",
    "activities": "the volunteers' world is generated on its own (procure.demo.scale.volunteers)",
    "catalogue_amendments": "a catalogue's numbered versions, not a project's",
    "issued_documents": "made afresh for each copy, with its own numbers and verification codes",
    "project_figures": "kept figures, counted again once the copies are in (procure.recounting)",
}


def copied_tables(metadata) -> list:
    """The tables a project's copy takes rows from, parents first."""
    names, ordered = {"projects"}, []
    for table in metadata.sorted_tables:
        if table.name == "projects" or (table.name not in NOT_COPIED
                                        and any(fk.column.table.name in names for fk in table.foreign_keys)):
            names.add(table.name)
            ordered.append(table)
    return ordered


class Copy:
    """One project's copy in the making: its shift, community, code and the new id of every row copied so far."""

    __slots__ = ("delta", "times", "days", "ids", "counters", "orgs", "users", "old_name", "new_name",
                 "old_code", "code", "years_back", "catalogues", "seed", "old_party", "new_party", "title")

    def __init__(self, counters, seed):
        self.counters, self.seed = counters, seed
        self.ids = {}


def _new_id(table_name):
    def op(value, c):
        new = c.counters[table_name]
        c.counters[table_name] = new + 1
        c.ids.setdefault(table_name, {})[value] = new
        return new
    return op


def _copied_row(table_name):
    def op(value, c):
        return value if value is None else c.ids.get(table_name, {}).get(value, value)
    return op


def _organisation(value, c):
    return c.orgs.get(value, value)


def _user(value, c):
    return c.users.get(value, value)


def moved_time(value, c):
    """A time of the template, moved back as the copy is (cached per shift: a template's times recur)."""
    if value is None:
        return None
    shifted = c.times.get(value)
    if shifted is None:
        shifted = c.times[value] = time_text(parse_time(value) - c.delta)
    return shifted


def moved_day(value, c):
    """A day of the template, moved back as the copy is."""
    if value is None:
        return None
    shifted = c.days.get(value)
    if shifted is None:
        shifted = c.days[value] = (parse_time(value) - c.delta).date().isoformat()
    return shifted


def _renamed(value, c):
    """Project texts name their community (幸福里社区老年人…): the copy names its own."""
    if value and c.new_name and isinstance(value, str) and c.old_name in value:
        return value.replace(c.old_name, c.new_name)
    return value


def _code(_value, c):
    return c.code


def _catalogue_year(value, c):
    return None if value is None else value - c.years_back


def _catalogue(value, c):
    return c.catalogues[(value, c.years_back)]


def _with_code(value, c):
    return value.replace(c.old_code, c.code)


def _release(value, c):
    value = value.replace(c.old_code, c.code)
    if c.new_name:
        value = value.replace(c.old_party, c.new_party)
        for old, new in ((c.old_name, c.new_name), (_escaped(c.old_name), _escaped(c.new_name))):
            value = value.replace(old, new)
    return value


def _escaped(text: str) -> str:
    return json.dumps(text)[1:-1]


def _token(label):
    def op(_value, c):
        return hashlib.sha256(f"scale:{c.seed}:{label}:{c.counters[label] - 1}".encode()).hexdigest()
    return op


def _slug(_value, c):
    digest = hashlib.blake2b(f"scale:{c.seed}:survey:{c.counters['surveys'] - 1}".encode(), digest_size=9).digest()
    return urlsafe_b64encode(digest).decode()


def _notification_key(value, c):
    return f"{value}:{c.counters['notifications'] - 1}"


# Columns whose value a copy cannot keep (unique, or naming the project), by table. The token ops read the row's
# new id, so they come after the id column (every table here has its id first).
REWRITES = {
    "projects": {"code": _code, "catalogue_year": _catalogue_year},
    "ocds_releases": {"ocid": _with_code, "release_id": _with_code, "release": _release},
    "surveys": {"slug": _slug},
    "survey_tokens": {"token_hash": _token("survey_tokens")},
    "notifications": {"key": _notification_key},
    "catalogue_items": {"catalogue_id": _catalogue},
}


def column_ops(table, copied: set) -> list:
    """(position, op) for each column of `table` that a copy changes; the others are kept as they are."""
    ops = []
    rewrites = REWRITES.get(table.name, {})
    for position, column in enumerate(table.columns):
        targets = {fk.column.table.name for fk in column.foreign_keys}
        kind = kind_of(column)
        if column.name in rewrites:
            op = rewrites[column.name]
        elif column.primary_key:
            op = _new_id(table.name)
        elif targets & copied:
            op = _copied_row(next(iter(targets & copied)))
        elif "organisations" in targets:
            op = _organisation
        elif "users" in targets:
            op = _user
        elif kind == DATETIME:
            op = moved_time
        elif kind == DATE:
            op = moved_day
        elif table.name == "projects" and issubclass(column.type._type_affinity or type(None), String):
            op = _renamed
        else:
            continue
        ops.append((position, op))
    return ops


def check_unique_columns(tables, copied: set):
    """Refuse to start when a copied table has a unique set of columns that a copy would repeat."""
    for table in tables:
        rewrites = REWRITES.get(table.name, {})
        sets = [[c.name for c in constraint.columns] for constraint in table.constraints
                if constraint.__class__.__name__ in ("UniqueConstraint", "PrimaryKeyConstraint")]
        sets += [[c.name for c in index.columns] for index in table.indexes if index.unique]
        sets += [[c.name] for c in table.columns if c.unique]
        for names in sets:
            if not any(table.c[name].primary_key or name in rewrites
                       or {fk.column.table.name for fk in table.c[name].foreign_keys} & copied for name in names):
                raise RuntimeError(f"scale: {table.name} has unique columns {names} a copy would repeat; "
                                   "give procure.demo.scale.projects.REWRITES a way to renew them")
