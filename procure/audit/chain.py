"""The audit trail as a hash chain: every entry carries the SHA-256 of its content and of the entry before it
(in id order), so an entry changed, removed or slipped in afterwards breaks the chain where it happened.

Entries are sealed when they are flushed, whoever wrote them (log.record, the CLI, the demo): the session
takes the chain's lock (PostgreSQL: an advisory lock held to the end of the transaction; SQLite lets one
writer in at a time anyway), reads the last entry, and gives each new entry its id, prev_hash and hash.
Two transactions appending at once therefore append one after the other and never fork the chain."""
import hashlib
import json
from dataclasses import dataclass
from datetime import timezone

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from procure import clock
from procure.audit.models import AuditEntry

GENESIS = "0" * 64  # the prev_hash of the first entry
# pg_advisory_xact_lock key of the chain's head ("audit" in ASCII): unique to this lock in procure.
LOCK_KEY = 0x6175646974
VERIFY_ACTION = "verify_audit_chain"


def canonical(fields: dict) -> bytes:
    """The entry's content as stable JSON: sorted keys, no spaces, UTC time to the microsecond."""
    at = fields["at"]
    content = dict(fields, at=at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if at else None)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# What the hash covers: every column but the hash itself.
FIELDS = ("id", "prev_hash", "project_id", "at", "user_id", "organisation_id", "action", "from_state", "to_state",
          "comment", "data")


def fields_of(entry) -> dict:
    """An AuditEntry's or a result row's FIELDS."""
    return {name: getattr(entry, name) for name in FIELDS}


def digest(entry) -> str:
    return hashlib.sha256(canonical(fields_of(entry))).hexdigest()


def _lock_and_read_head(session) -> tuple[int, str]:
    """Take the chain's lock (PostgreSQL) and return the last entry's id and hash (0 and GENESIS if none)."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    head = session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return (head.id, head.hash) if head else (0, GENESIS)


def _next_id(session, last_id: int) -> int:
    if session.get_bind().dialect.name == "postgresql":
        # Past the last entry even if rows were put in with ids of their own (the sequence catches up).
        return session.scalar(text("SELECT setval(pg_get_serial_sequence('audit_entries', 'id'), "
                                   "greatest(nextval(pg_get_serial_sequence('audit_entries', 'id')), :after))"),
                              {"after": last_id + 1})
    return last_id + 1


@event.listens_for(Session, "before_flush")
def seal_new_entries(session, _flush_context, _instances):
    new = sorted((obj for obj in session.new if isinstance(obj, AuditEntry)),
                 key=lambda obj: obj._sa_instance_state.insert_order)
    if not new:
        return
    last_id, last_hash = _lock_and_read_head(session)
    for entry in new:
        # The column defaults, set now: the hash must cover what the row will hold.
        entry.comment = entry.comment or ""
        entry.data = {} if entry.data is None else json.loads(json.dumps(entry.data))
        entry.id = _next_id(session, last_id)
        entry.prev_hash = last_hash
        entry.hash = digest(entry)
        last_id, last_hash = entry.id, entry.hash


@dataclass
class Verification:
    entries: int
    broken_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None

    def __str__(self) -> str:
        if self.intact:
            return f"{self.entries} entries, chain intact"
        return f"entry {self.broken_id}: {self.problem} ({self.entries} entries read)"


def verify(session, batch=1000) -> Verification:
    """Walk the chain in id order; stop at the first entry whose link or content does not match."""
    columns = [getattr(AuditEntry, name) for name in ("hash", *FIELDS)]
    count, previous_id, previous_hash, after = 0, None, GENESIS, 0
    while True:
        rows = session.execute(select(*columns).where(AuditEntry.id > after).order_by(AuditEntry.id)
                               .limit(batch)).all()
        if not rows:
            return Verification(count)
        for row in rows:
            count += 1
            if row.prev_hash != previous_hash:
                where = f"entry {previous_id}" if previous_id else "the start of the chain"
                return Verification(count, row.id, f"prev_hash does not match {where}: an entry before it was "
                                                   "removed, inserted or rehashed")
            if row.hash != digest(row):
                return Verification(count, row.id, "its content does not match its hash: it was changed")
            previous_id, previous_hash = row.id, row.hash
        after = rows[-1].id


def record_verification(session, result: Verification, user=None) -> AuditEntry:
    """The result as an entry of the chain itself (the admin page shows the latest)."""
    entry = AuditEntry(at=clock.now(), user_id=user.id if user else None,
                       organisation_id=user.organisation_id if user else None, action=VERIFY_ACTION, comment="",
                       data={"entries": result.entries, "intact": result.intact, "broken_id": result.broken_id,
                             "problem": result.problem})
    session.add(entry)
    return entry


def last_verification(session) -> AuditEntry | None:
    return session.scalar(select(AuditEntry).where(AuditEntry.action == VERIFY_ACTION, AuditEntry.project_id.is_(None))
                          .order_by(AuditEntry.id.desc()).limit(1))


def entry_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry))
