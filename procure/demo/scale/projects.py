"""The projects of the scaled city: each a copy of one of the demo's projects with every row that hangs from it.

Which rows hang from a project is read from the schema, not listed by hand: a table belongs to the copy when one
of its foreign keys names a table that does (projects first), so a table added later is copied too. Each copy
gets new ids (foreign keys inside the copy follow them), a new project code and what is made of it (OCDS ocid and
release ids), new unique tokens, its times moved back by whole weeks (the same weekday; every date moves
together, so the story stays in order: an OCDS release's own date moves too, the dates inside it stay), and its
community or a sister of it (procure.demo.scale.communities), whose name and worker take the place of the demo
community's. The audit entries are sealed into the hash chain as the app seals them
(procure.audit.chain). A unique column a copy cannot simply keep stops the generator before it writes a row."""
import hashlib
import json
import re
from base64 import urlsafe_b64encode
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import String

from procure.audit import chain
from procure.demo.scale.bulk import DATE, DATETIME, parse_time, time_text, kind_of

# Tables with a foreign key into a project that are not copied, and why.
NOT_COPIED = {
    "attachments": "their bytes are in the file store; a copy would name bytes it does not have",
    "activities": "the volunteers' world is generated on its own (procure.demo.scale.volunteers)",
    "catalogue_amendments": "a catalogue's numbered versions, not a project's",
    "issued_documents": "made afresh for each copy, with its own numbers and verification codes",
}
CODE = re.compile(r"WXM(\d{4})-(\d+)")
SHANGHAI = timedelta(hours=8)  # the year of a project code is the year in Shanghai


def copied_tables(metadata) -> list:
    """The tables a project's copy takes rows from, parents first."""
    names, ordered = {"projects"}, []
    for table in metadata.sorted_tables:
        if table.name == "projects" or (table.name not in NOT_COPIED
                                        and any(fk.column.table.name in names for fk in table.foreign_keys)):
            names.add(table.name)
            ordered.append(table)
    return ordered


# ---- what changes in a copy --------------------------------------------------------------------------------

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


def _time(value, c):
    if value is None:
        return None
    shifted = c.times.get(value)
    if shifted is None:
        shifted = c.times[value] = time_text(parse_time(value) - c.delta)
    return shifted


def _day(value, c):
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
            op = _time
        elif kind == DATE:
            op = _day
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


# ---- the demo's projects as templates -----------------------------------------------------------------------

@dataclass
class Template:
    project_id: int
    code: str
    community_id: int
    family: tuple  # its community's (procure.demo.scale.communities)
    created: datetime  # naive UTC
    rows: dict = field(default_factory=dict)  # table name → rows (tuples), in id order
    audit: list = field(default_factory=list)  # per audit row: the parts of its hash that a copy keeps
    documents: list = field(default_factory=list)  # (kind, issued_at) of the public documents it has
    notices: list = field(default_factory=list)  # Notice: what the daily reminders would have told whom


def read_templates(bulk, tables, project_ids: list[int], families: dict, staff: dict) -> list[Template]:
    """The demo projects' rows, each row under the project it hangs from. `staff`: organisation id → its active
    users' ids (who is notified)."""
    owner = {}  # table name → {row id → project id}
    by_project = {}
    names = {t.name for t in tables}
    for table in tables:
        if table.name == "projects":
            rows = bulk.read(table, f"id IN ({', '.join(map(str, project_ids))}) ORDER BY id")
            owner["projects"] = {row[0]: row[0] for row in rows}
            links = [(0, "projects")]
        else:
            links = [(position, next(iter(targets)))
                     for position, column in enumerate(table.columns)
                     for targets in [{fk.column.table.name for fk in column.foreign_keys} & names] if targets]
            clauses = [f"{bulk.quote(table.columns[p].name)} IN ({', '.join(map(str, owner[t])) or 'NULL'})"
                       for p, t in links]
            rows = bulk.read(table, " OR ".join(clauses) + " ORDER BY id")
        owned = owner.setdefault(table.name, {})
        for row in rows:
            project = next(owner[target][row[p]] for p, target in links
                           if row[p] is not None and row[p] in owner.get(target, {}))
            owned[row[0]] = project
            by_project.setdefault(project, {}).setdefault(table.name, []).append(row)
    templates = []
    columns = {t.name: [c.name for c in t.columns] for t in tables}
    for project_id in project_ids:
        rows = by_project[project_id]
        project = dict(zip(columns["projects"], rows["projects"][0]))
        template = Template(project_id, project["code"], project["community_id"], families[project["community_id"]],
                            parse_time(project["created_at"]), rows)
        template.audit = [_audit_parts(dict(zip(columns["audit_entries"], row)))
                          for row in rows.get("audit_entries", [])]
        template.notices = _notices(project, rows, columns, staff)
        templates.append(template)
    return templates


@dataclass
class Notice:
    """A notification of a template project, made again for each copy (procure.notifications.reminders' kinds)."""
    kind: str
    table: str  # the row it is about, whose new id its key carries
    row_id: int
    user_ids: list
    at: str  # when it was written
    params: dict  # besides the project's code and title
    shifted_day: str | None = None  # a param holding a day that moves with the copy


DELIVERY_STATES = ("contracted", "in_delivery")  # procure.notifications.reminders'


def _notices(project: dict, rows: dict, columns: dict, staff: dict) -> list[Notice]:
    """The community is told of each objection as it is filed; while a project is delivered, the implementer
    and the community are reminded of each milestone whose report is overdue."""
    def named(table):
        return [dict(zip(columns[table], row)) for row in rows.get(table, [])]
    community = staff.get(project["community_id"], [])
    notices = [Notice("objection_filed", "objections", o["id"], community, o["raised_at"], {})
               for o in named("objections")]
    contracts = [c for c in named("contracts") if c["terminated_at"] is None]
    if project["state"] in DELIVERY_STATES and contracts:
        reported = {r["milestone_id"] for r in named("milestone_reports")}
        told = staff.get(contracts[0]["implementer_id"], []) + community
        for milestone in named("milestones"):
            if milestone["id"] not in reported:
                notices.append(Notice("milestone_overdue", "milestones", milestone["id"], told,
                                      time_text(parse_time(milestone["due"]) + timedelta(days=1, hours=1)),
                                      {"milestone": milestone["name"]}, milestone["due"]))
    return notices


def _audit_parts(entry: dict) -> tuple:
    """The JSON of the fields a copy keeps, in canonical order (chain.canonical sorts keys)."""
    def dumped(value):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data = json.loads(entry["data"]) if isinstance(entry["data"], str) else entry["data"]
    head = f'{{"action":{dumped(entry["action"])},"at":"'
    middle = (f'","comment":{dumped(entry["comment"] or "")},"data":{dumped({} if data is None else data)},'
              f'"from_state":{dumped(entry["from_state"])},"id":')
    tail = f',"to_state":{dumped(entry["to_state"])},"user_id":'
    return head, middle, tail


# ---- the audit chain ------------------------------------------------------------------------------------------

class Seal:
    """Continues the audit chain from its head: each new entry links to the one before (chain.digest's hash)."""

    def __init__(self, last_hash: str, columns: list[str]):
        self.last_hash = last_hash
        self.at = {name: columns.index(name) for name in ("id", "at", "organisation_id", "prev_hash", "project_id",
                                                          "user_id", "hash")}
        self.checked = False

    def seal(self, rows: list[tuple], parts: list[tuple]) -> list[tuple]:
        at = self.at
        sealed = []
        for row, (head, middle, tail) in zip(rows, parts):
            row = list(row)
            canonical = (f'{head}{row[at["at"]].replace(" ", "T")}Z{middle}{row[at["id"]]},"organisation_id":'
                         f'{_json_int(row[at["organisation_id"]])},"prev_hash":"{self.last_hash}","project_id":'
                         f'{_json_int(row[at["project_id"]])}{tail}{_json_int(row[at["user_id"]])}}}')
            row[at["prev_hash"]] = self.last_hash
            row[at["hash"]] = self.last_hash = hashlib.sha256(canonical.encode()).hexdigest()
            sealed.append(tuple(row))
        return sealed

    def check(self, row: tuple, columns: list[str]):
        """The first sealed row, hashed again by procure.audit.chain itself: the two must agree."""
        fields = dict(zip(columns, row))
        fields["at"] = parse_time(fields["at"]).replace(tzinfo=timezone.utc)
        fields["data"] = json.loads(fields["data"]) if isinstance(fields["data"], str) else fields["data"]
        fields["comment"] = fields["comment"] or ""
        if hashlib.sha256(chain.canonical({name: fields[name] for name in chain.FIELDS})).hexdigest() != \
                fields["hash"]:
            raise RuntimeError("scale: the audit hash made here differs from procure.audit.chain's")
        self.checked = True


def _json_int(value) -> str:
    return "null" if value is None else str(int(value))


# ---- the copies -----------------------------------------------------------------------------------------------

def local_year(moment: datetime) -> int:
    return (moment + SHANGHAI).year


@dataclass
class Planned:
    template: Template
    weeks: int  # how far back its times move
    community: object  # procure.demo.scale.communities.Community

    @property
    def years_back(self) -> int:
        """How many years earlier its catalogue is (the year of its creation, in Shanghai, moved back)."""
        created = self.template.created
        return local_year(created) - local_year(created - timedelta(weeks=self.weeks))


def plan(templates: list[Template], count: int, years: int, city, rng) -> list[Planned]:
    """`count` copies, the demo's projects in turn (every state and funding form in the demo's proportions), each
    moved back up to `years` years into its community or a sister of it; oldest first, so ids grow with time."""
    planned = [Planned(template, rng.randrange(years * 52), rng.choice(city.by_family[template.family]))
               for template in (templates[i % len(templates)] for i in range(count))]
    planned.sort(key=lambda p: (-p.weeks, p.template.project_id))
    return planned


def add_catalogues(bulk, table, planned: list[Planned]) -> dict:
    """(catalogue id of a demo project, years back) → the catalogue of that earlier year, added as a copy of the
    demo catalogue in force (published and in force as many years earlier) where the year has none."""
    columns = [c.name for c in table.columns]
    rows = [dict(zip(columns, row)) for row in bulk.read(table, "1 = 1 ORDER BY id")]
    by_year = {row["year"]: row for row in rows}
    by_id = {row["id"]: row for row in rows}
    in_force = next((row for row in rows if row["state"] == "in_force"), rows[0] if rows else None)
    position = [c.name for c in table.metadata.tables["catalogue_items"].columns].index("catalogue_id")
    wanted = {(row[position], p.years_back) for p in planned for row in p.template.rows.get("catalogue_items", [])}
    mapping, added, next_id = {}, [], bulk.next_id(table)
    for catalogue_id, back in sorted(wanted):
        year = by_id[catalogue_id]["year"] - back
        if year not in by_year:
            row = dict(in_force, id=next_id, year=year)
            delta = timedelta(weeks=52 * (in_force["year"] - year))
            for name in ("created_at", "published_at", "in_force_at"):
                row[name] = row[name] and time_text(parse_time(row[name]) - delta)
            row["notice_ends_on"] = row["notice_ends_on"] and (parse_time(row["notice_ends_on"]) - delta).date() \
                .isoformat()
            by_year[year] = row
            added.append(tuple(row[c] for c in columns))
            next_id += 1
        mapping[(catalogue_id, back)] = by_year[year]["id"]
    bulk.write(table, added)
    return mapping


DOCUMENT_PAGES = {"proposal": 3, "award_notice": 1, "contract": 4, "acceptance_certificate": 2,
                  "evaluation_report": 3}
DOCUMENT_COLUMNS = ("id", "kind", "project_id", "number", "verification_code", "sha256", "source_digest",
                    "page_count", "issued_at")
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # procure.documents.issuance's


def verification_code(record_id: int, seed: int) -> str:
    """12 characters of the documents' alphabet: the record's id in 6 (so no two are alike) and 6 more drawn
    from a hash (so neighbours do not look alike)."""
    digits = []
    for _ in range(6):
        record_id, digit = divmod(record_id, 32)
        digits.append(ALPHABET[digit])
    noise = hashlib.sha256(f"scale:{seed}:code:{''.join(digits)}".encode()).digest()
    return "".join(digits) + "".join(ALPHABET[b % 32] for b in noise[:6])


class Copier:
    """Writes the planned copies in chunks, table by table, parents first."""

    CHUNK = 250

    def __init__(self, bulk, metadata, tables, city, catalogues, seed, progress):
        from procure.documents.models import KIND_CODES

        self.bulk, self.tables, self.city, self.seed, self.progress = bulk, tables, city, seed, progress
        self.kind_codes = KIND_CODES
        copied = {t.name for t in tables}
        check_unique_columns(tables, copied)
        self.ops = {t.name: column_ops(t, copied) for t in tables}
        self.counters = {t.name: bulk.next_id(t) for t in tables}
        self.documents = metadata.tables["issued_documents"]
        self.counters["issued_documents"] = bulk.next_id(self.documents)
        self.catalogues = catalogues
        self.title_at = [c.name for c in metadata.tables["projects"].columns].index("title")
        releases = [c.name for c in metadata.tables["ocds_releases"].columns]
        self.release_at = releases.index("date"), releases.index("release")
        self.notification_columns = [c.name for c in metadata.tables["notifications"].columns]
        self.read_before = time_text(datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=30))
        self.audit_columns = [c.name for c in metadata.tables["audit_entries"].columns]
        postgresql = bulk.postgresql
        if postgresql:  # the chain's lock, as procure.audit.chain takes it, for the whole transaction
            bulk.connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({chain.LOCK_KEY})")
        head = bulk.connection.exec_driver_sql("SELECT hash FROM audit_entries ORDER BY id DESC LIMIT 1").scalar()
        self.seal = Seal(head or chain.GENESIS, self.audit_columns)
        self.sequences = {}
        for (code,) in bulk.connection.exec_driver_sql("SELECT code FROM projects").fetchall():
            match = CODE.fullmatch(code)
            if match:
                year, number = int(match.group(1)), int(match.group(2))
                self.sequences[year] = max(self.sequences.get(year, 0), number)

    def run(self, planned: list[Planned]):
        weeks, times, days = None, {}, {}
        for start in range(0, len(planned), self.CHUNK):
            out = {t.name: [] for t in self.tables}
            documents = []
            for item in planned[start:start + self.CHUNK]:
                if item.weeks != weeks:
                    weeks, times, days = item.weeks, {}, {}
                copy = self._copy(item, times, days)
                for table in self.tables:
                    rows = item.template.rows.get(table.name)
                    if rows:
                        out[table.name].extend(self._rows(table.name, rows, copy, item.template))
                documents.extend(self._documents(item.template, copy))
                out["notifications"].extend(self._notifications(item.template, copy))
            for table in self.tables:
                self.bulk.write(table, out[table.name])
            self.bulk.write(self.documents, documents, DOCUMENT_COLUMNS)
            self.progress(f"projects {min(start + self.CHUNK, len(planned))}/{len(planned)}")

    def _copy(self, item: Planned, times: dict, days: dict) -> Copy:
        template, community = item.template, item.community
        copy = Copy(self.counters, self.seed)
        copy.delta, copy.times, copy.days = timedelta(weeks=item.weeks), times, days
        copy.years_back, copy.catalogues = item.years_back, self.catalogues
        copy.old_code = template.code
        created = template.created - copy.delta
        year = local_year(created)
        self.sequences[year] = self.sequences.get(year, 0) + 1
        copy.code = f"WXM{year}-{self.sequences[year]:04d}"
        if community.org_id == template.community_id:
            copy.orgs, copy.users, copy.new_name = {}, {}, None
        else:
            own = self.city.by_org[template.community_id]
            copy.orgs = {template.community_id: community.org_id}
            copy.users = {own.staff_user_id: community.staff_user_id}
            copy.old_name, copy.new_name = own.name, community.name
            copy.old_party, copy.new_party = (f'"procure-org-{template.community_id}"',
                                              f'"procure-org-{community.org_id}"')
        return copy

    def _rows(self, name, rows, copy, template) -> list:
        ops = self.ops[name]
        made = []
        for row in rows:
            row = list(row)
            for position, op in ops:
                row[position] = op(row[position], copy)
            made.append(tuple(row))
        if name == "projects":
            copy.title = made[0][self.title_at]
        elif name == "ocds_releases":
            made = [self._dated(row, template_row) for row, template_row in zip(made, rows)]
        elif name == "audit_entries":
            made = self.seal.seal(made, template.audit)
            if not self.seal.checked:
                self.seal.check(made[0], self.audit_columns)
        return made

    def _dated(self, row: tuple, template_row: tuple) -> tuple:
        """The release's own date, in its JSON, moved as its `date` column was."""
        date_at, release_at = self.release_at
        old, new = (f'"date": "{parse_time(value):%Y-%m-%dT%H:%M:%SZ}"' for value in (template_row[date_at],
                                                                                        row[date_at]))
        row = list(row)
        row[release_at] = row[release_at].replace(old, new, 1)
        return tuple(row)

    def _documents(self, template, copy) -> list:
        project_id = copy.ids["projects"][template.project_id]
        made = []
        for kind, issued_at in template.documents:
            record_id = self.counters["issued_documents"]
            self.counters["issued_documents"] += 1
            number = f"{copy.code}-{self.kind_codes[kind]}-01"
            fingerprint = hashlib.sha256(f"scale:{self.seed}:{number}".encode()).hexdigest()
            made.append((record_id, kind, project_id, number, verification_code(record_id, self.seed), fingerprint,
                         fingerprint, DOCUMENT_PAGES.get(kind, 2), _time(issued_at, copy)))
        return made

    def _notifications(self, template, copy) -> list:
        project_id = copy.ids["projects"][template.project_id]
        made = []
        for notice in template.notices:
            at = _time(notice.at, copy)
            params = {"code": copy.code, "title": copy.title, **notice.params}
            if notice.shifted_day:
                params["due"] = _day(notice.shifted_day, copy)
            key = f"{notice.kind}:{copy.ids[notice.table][notice.row_id]}"
            read = time_text(parse_time(at) + timedelta(days=1)) if at < self.read_before else None
            for user_id in dict.fromkeys(copy.users.get(u, u) for u in notice.user_ids):
                record_id = self.counters["notifications"]
                self.counters["notifications"] += 1
                row = {"id": record_id, "user_id": user_id, "project_id": project_id, "kind": notice.kind,
                       "params": json.dumps(params), "key": key, "created_at": at, "read_at": read}
                made.append(tuple(row[c] for c in self.notification_columns))
        return made
