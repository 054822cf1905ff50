"""The audit trail is a hash chain: an entry changed, removed or slipped in afterwards is found and named by
`flask audit verify` and the admin page; a project and its entries cannot be deleted; appends at once queue."""
import time

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from procure.audit import chain
from procure.audit.log import record
from procure.audit.models import AuditEntry
from procure.extensions import db
from procure.projects.models import Project
from concurrently import at_once


@pytest.fixture
def entries(world, clock):
    """Five entries of the admin (no project), a minute apart."""
    admin = world["admin"]
    rows = []
    for n in range(5):
        rows.append(record(None, admin, "calendar_edit", comment=f"第 {n} 条", data={"n": n, "day": "2026-05-01"}))
        db.session.flush()
        clock.advance(hours=1 / 60)
    db.session.commit()
    return [row.id for row in rows]


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def tamper(statement, **params):
    db.session.execute(text(statement), params)
    db.session.commit()
    db.session.expire_all()


def test_new_entries_are_chained_in_id_order(entries):
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [r.prev_hash for r in rows] == [chain.GENESIS] + [r.hash for r in rows[:-1]]
    assert all(r.hash == chain.digest(r) for r in rows)
    result = chain.verify(db.session)
    assert result.intact and result.entries == len(rows) and str(result) == f"{len(rows)} entries, chain intact"


def test_cli_reports_an_intact_chain_and_records_the_check(app, entries):
    outcome = cli(app)
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output.strip() == "5 entries, chain intact"
    last = chain.last_verification(db.session)
    assert last.data == {"entries": 5, "intact": True, "broken_id": None, "problem": ""}
    assert chain.verify(db.session).intact  # the check's own entry is chained too


@pytest.mark.parametrize("change", [
    "UPDATE audit_entries SET comment = '改过的说明' WHERE id = :id",
    "UPDATE audit_entries SET data = '{\"n\": 99, \"day\": \"2026-05-01\"}' WHERE id = :id",
    "UPDATE audit_entries SET at = (SELECT at FROM audit_entries WHERE id = :first) WHERE id = :id",
    "UPDATE audit_entries SET action = 'calendar_sync' WHERE id = :id",
    "UPDATE audit_entries SET user_id = NULL WHERE id = :id",
])
def test_an_edited_entry_is_found_and_named(app, entries, change):
    target = entries[2]
    tamper(change, id=target, first=entries[0])
    result = chain.verify(db.session)
    assert (result.broken_id, result.problem) == (target, "its content does not match its hash: it was changed")
    outcome = cli(app)
    assert outcome.exit_code != 0
    assert outcome.output.startswith(f"entry {target}: its content does not match its hash")


def test_a_removed_entry_is_found_at_the_next_one(app, entries):
    tamper("DELETE FROM audit_entries WHERE id = :id", id=entries[2])
    result = chain.verify(db.session)
    assert result.broken_id == entries[3]
    assert result.problem.startswith(f"prev_hash does not match entry {entries[1]}")
    outcome = cli(app)
    assert outcome.exit_code == 1 and f"entry {entries[3]}: prev_hash does not match" in outcome.output


def test_an_inserted_entry_is_found(app, entries):
    """A row slipped in with a made-up hash, or with a copied link and a hash of its own making."""
    first = db.session.get(AuditEntry, entries[0])
    tamper("INSERT INTO audit_entries (id, at, action, comment, data, prev_hash, hash) "
           "VALUES (:id, :at, 'calendar_edit', '补记', '{}', :prev, :hash)",
           id=entries[-1] + 1, at=first.at.replace(tzinfo=None), prev=db.session.get(AuditEntry, entries[-1]).hash,
           hash="f" * 64)
    assert chain.verify(db.session).broken_id == entries[-1] + 1
    # Removed and put back in the middle, now with a link to the entry before it but a content hash that fits
    # neither: the entry after it no longer links to it.
    tamper("DELETE FROM audit_entries WHERE id = :id", id=entries[-1] + 1)
    tamper("DELETE FROM audit_entries WHERE id = :id", id=entries[2])
    forged = AuditEntry(id=entries[2], at=first.at, action="calendar_edit", comment="伪造", data={},
                        prev_hash=db.session.get(AuditEntry, entries[1]).hash)
    forged.hash = chain.digest(forged)
    tamper("INSERT INTO audit_entries (id, at, action, comment, data, prev_hash, hash) "
           "VALUES (:id, :at, 'calendar_edit', '伪造', '{}', :prev, :hash)",
           id=forged.id, at=first.at.replace(tzinfo=None), prev=forged.prev_hash, hash=forged.hash)
    result = chain.verify(db.session)
    assert result.broken_id == entries[3] and result.problem.startswith(f"prev_hash does not match entry {entries[2]}")


def test_a_project_with_its_trail_cannot_be_deleted(journey):
    project = journey.create()
    db.session.commit()
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.project_id == project.id)) is not None
    with pytest.raises(IntegrityError):
        db.session.execute(text("DELETE FROM projects WHERE id = :id"), {"id": project.id})
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Project, project.id) is not None
    assert chain.verify(db.session).intact


def test_appends_at_once_do_not_fork_the_chain(app, world):
    """Each thread flushes its entries, waits a little with the transaction open, then commits: without the
    chain's lock the others would read the same head and append beside it."""
    admin_id = world["admin"].id
    from procure import clock

    def append(n):
        def call(barrier):
            with app.app_context():
                barrier.wait(timeout=30)
                for k in range(2):
                    db.session.add(AuditEntry(at=clock.now(), user_id=admin_id, action="calendar_edit",
                                              comment=f"{n}-{k}", data={"thread": n}))
                    db.session.flush()
                time.sleep(0.2)
                db.session.commit()
                db.session.remove()
        return call

    at_once([append(n) for n in range(4)])
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert len(rows) == 8
    result = chain.verify(db.session)
    assert result.intact, str(result)
    assert len({r.prev_hash for r in rows}) == 8  # no two entries follow the same one


def test_the_admin_page_shows_and_checks_the_chain(as_user, entries):
    client = as_user("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert 'data-state="unknown"' in page
    response = client.post("/admin/audit/verify", data={})
    assert response.status_code == 302
    page = client.get("/admin/audit").get_data(as_text=True)
    assert 'data-state="intact"' in page
    tamper("UPDATE audit_entries SET comment = 'x' WHERE id = :id", id=entries[1])
    client.post("/admin/audit/verify", data={})
    page = client.get("/admin/audit").get_data(as_text=True)
    assert 'data-state="broken"' in page and f"第 {entries[1]} 条记录起哈希链断开" in page
    assert chain.last_verification(db.session).data["broken_id"] == entries[1]


@pytest.mark.parametrize("username", ["bureau", "community", "provider"])
def test_only_admins_see_the_audit_page(as_user, username):
    client = as_user(username)
    assert client.get("/admin/audit").status_code == 404
    assert client.post("/admin/audit/verify", data={}).status_code == 404
