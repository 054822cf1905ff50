"""The projects of the scaled city: each a copy of one of the demo's projects with every row that hangs from it.

Which rows hang from a project is read from the schema, not listed by hand (procure.demo.scale.rewrites): a table
belongs to the copy when one of its foreign keys names a table that does, so a table added later is copied too.
Each copy gets new ids (foreign keys inside the copy follow them), a new project code and what is made of it (OCDS ocid and
release ids), new unique tokens, its times moved back by whole weeks (the same weekday; every date moves
together, so the story stays in order: an OCDS release's own date moves too, the dates inside it stay), and its
community or a sister of it (procure.demo.scale.communities), whose name and worker take the place of the demo
community's. The audit entries are sealed into the hash chain as the app seals them
(procure.demo.scale.audit); copies also get issued-document records and notifications (procure.demo.scale.documents,
.notices). A unique column a copy cannot simply keep stops the generator before it writes a row."""
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from procure.audit import chain
from procure.demo.scale.audit import Seal, kept_parts
from procure.demo.scale.bulk import parse_time, time_text
from procure.demo.scale.documents import DOCUMENT_COLUMNS, document_rows
from procure.demo.scale.notices import notices_of, notification_rows
from procure.demo.scale.rewrites import Copy, check_unique_columns, column_ops

CODE = re.compile(r"WXM(\d{4})-(\d+)")
SHANGHAI = timedelta(hours=8)  # the year of a project code is the year in Shanghai


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
        template.audit = [kept_parts(dict(zip(columns["audit_entries"], row)))
                          for row in rows.get("audit_entries", [])]
        template.notices = notices_of(project, rows, columns, staff)
        templates.append(template)
    return templates


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


class Copier:
    """Writes the planned copies in chunks, table by table, parents first."""

    CHUNK = 250

    def __init__(self, bulk, metadata, tables, city, catalogues, seed, progress):
        self.bulk, self.tables, self.city, self.seed, self.progress = bulk, tables, city, seed, progress
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
        if bulk.postgresql:  # the chain's lock, as procure.audit.chain takes it, for the whole transaction
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
                documents.extend(document_rows(item.template, copy, self.counters, self.seed))
                out["notifications"].extend(notification_rows(item.template, copy, self.counters,
                                                              self.notification_columns, self.read_before))
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

