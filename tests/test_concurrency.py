"""Concurrent requests, each thread with its own client (and so its own app context and session).

SQLite: a write request takes the write lock at BEGIN (BEGIN IMMEDIATE, waiting up to the busy
timeout), so concurrent writers queue instead of failing with "database is locked". PostgreSQL: the
project row is locked (SELECT … FOR UPDATE) before its payment schedule is read, so racing payments cannot
together exceed what a line leaves payable. On both, two users firing on the same version: one wins, one is refused.
"""
from decimal import Decimal

import pytest

from procure.audit.models import AuditEntry
from procure.demo.journey import proposal
from procure.extensions import db
from procure.payments.models import Payment
from procure.procurement.models import Contract
from procure.projects.models import Objection, Project

from concurrently import post, run_together
from support import Tokens, login

THREADS = 8


def test_concurrent_project_creation_all_succeeds(app, client, world):
    tokens = Tokens(client, world)
    headers = [tokens.headers(u) for u in ("community", "community_b", "community_far")]
    per_thread = 3

    def create_several(i):
        def call(client):
            return [client.post("/api/v1/projects", headers=headers[i % 3],
                                json=proposal(title=f"并发 {i}-{n}")).status_code for n in range(per_thread)]
        return call

    results = run_together(app, [create_several(i) for i in range(THREADS)])
    assert all(status == 201 for statuses in results for status in statuses), results
    projects = db.session.scalars(db.select(Project)).all()
    assert len(projects) == THREADS * per_thread
    codes = [p.code for p in projects]
    assert len(set(codes)) == len(codes), sorted(codes)
    assert sorted(int(c.rsplit("-", 1)[1]) for c in codes) == list(range(1, len(codes) + 1))
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == len(codes)


def test_concurrent_objections_on_one_project_all_recorded(app, client, world, journey):
    project = journey.drive(journey.create(), "notice")
    project_id = project.id
    headers = Tokens(client, world).headers("community")
    results = run_together(app, [post(headers, f"/projects/{project_id}/objections", {"content": f"异议 {i}"})
                                 for i in range(THREADS)])
    assert [status for status, _ in results] == [201] * THREADS, results
    contents = db.session.scalars(db.select(Objection.content).filter_by(project_id=project_id)).all()
    assert sorted(contents) == sorted(f"异议 {i}" for i in range(THREADS))


def test_readers_and_writers_together(app, client, world, journey):
    project = journey.drive(journey.create(), "notice")
    project_id = project.id
    tokens = Tokens(client, world)
    writer, reader = tokens.headers("community"), tokens.headers("reviewer")

    def write(i):
        def call(client):
            return [client.post(f"/api/v1/projects/{project_id}/objections", headers=writer,
                                json={"content": f"{i}-{n}"}).status_code for n in range(3)]
        return call

    def read(client):
        return [client.get(f"/api/v1/projects/{project_id}/objections", headers=reader).status_code
                for _ in range(6)]

    results = run_together(app, [write(i) if i % 2 else read for i in range(THREADS)])
    assert all(status in (200, 201) for statuses in results for status in statuses), results
    assert db.session.scalar(db.select(db.func.count()).select_from(Objection)) == THREADS // 2 * 3


def test_gets_that_write_queue_with_the_writers(app, client, world):
    """A GET that writes (the volunteer register's export records an audit row) takes SQLite's write lock at
    BEGIN, as a POST does: among API creates none fails with "database is locked" (15 of 347 did, issue 16)."""
    headers = Tokens(client, world).headers("community")

    def export(client):
        assert login(client, "community").status_code == 302
        return [client.get("/volunteers/export.csv").status_code for _ in range(6)]

    def create(i):
        def call(client):
            return [client.post("/api/v1/projects", headers=headers, json=proposal(title=f"并发 {i}-{n}")).status_code
                    for n in range(3)]
        return call

    results = run_together(app, [export if i % 2 else create(i) for i in range(THREADS)])
    assert all(status in (200, 201) for statuses in results for status in statuses), results
    exports = db.session.scalars(db.select(AuditEntry).filter_by(action="export_volunteers")).all()
    assert len(exports) == THREADS // 2 * 6


def subsidy_in_delivery(journey):
    """A subsidy of 100.00 in delivery: its advance (SUBSIDY_ADVANCE_PERCENT, 50 %) is payable, the rest held."""
    return journey.drive(journey.create(funding_form="subsidy", amount="100.00",
                                        budget_lines=[{"item": "全部", "amount": "100.00"}]), "in_delivery")


@pytest.mark.parametrize("round_", range(3))
def test_racing_payments_never_exceed_what_is_payable(app, client, world, journey, round_):
    project_id = subsidy_in_delivery(journey).id
    headers = Tokens(client, world).headers("bureau")
    results = run_together(app, [post(headers, f"/projects/{project_id}/payments",
                                      {"kind": "advance", "amount": "20.00", "paid_on": "2026-06-01"})
                                 for _ in range(THREADS)])
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * 2 + [422] * (THREADS - 2), results
    assert all([r["code"] for r in body["reasons"]] == ["over_payable"] for status, body in results if status == 422)
    paid = db.session.scalars(db.select(Payment.amount).filter_by(project_id=project_id)).all()
    assert sum(paid) == Decimal("40.00")


def test_two_payments_racing_for_the_last_yuan(app, client, world, journey):
    project_id = subsidy_in_delivery(journey).id
    headers = Tokens(client, world).headers("bureau")
    for _ in range(5):
        results = run_together(app, [post(headers, f"/projects/{project_id}/payments",
                                          {"kind": "advance", "amount": "10.00", "paid_on": "2026-06-01"})
                                     for _ in range(2)])
        assert sorted(status for status, _ in results) in ([201, 201], [201, 422], [422, 422]), results
    paid = db.session.scalars(db.select(Payment.amount).filter_by(project_id=project_id)).all()
    assert sum(paid) == Decimal("50.00") and len(paid) == 5


@pytest.mark.parametrize("round_", range(3))
def test_two_payments_for_the_same_milestone_at_once_pay_it_once(app, client, world, journey, round_):
    """The bureau pays a confirmed milestone twice at the same moment (a double click, two clerks): the project
    row is locked before the schedule is read, so the second finds nothing left."""
    project = journey.drive(journey.create(), "in_delivery")
    contract = db.session.scalar(db.select(Contract).filter_by(project_id=project.id))
    first = contract.milestones[0]
    share = (contract.amount * first.percent / 100).quantize(Decimal("0.01"))
    journey.confirm(project, first.id)
    project_id = project.id
    headers = Tokens(client, world).headers("bureau")
    payment = {"kind": "milestone", "milestone_id": first.id, "amount": str(share), "paid_on": "2026-06-01"}
    results = run_together(app, [post(headers, f"/projects/{project_id}/payments", payment) for _ in range(2)])
    assert sorted(status for status, _ in results) == [201, 422], results
    loser = next(body for status, body in results if status == 422)
    assert [r["code"] for r in loser["reasons"]] == ["over_payable"]
    paid = db.session.scalars(db.select(Payment.amount).filter_by(project_id=project_id)).all()
    assert paid == [share]
    moves = db.session.scalars(db.select(AuditEntry).filter_by(project_id=project_id, action="record_payment")).all()
    assert len(moves) == 1


def test_the_same_version_fired_twice_at_once_wins_once(app, client, world, journey):
    for _ in range(3):
        project = journey.create()
        project_id, version = project.id, project.version
        headers = Tokens(client, world).headers("community")
        results = run_together(app, [
            post(headers, f"/projects/{project_id}/transitions/publish_notice", {"version": version}),
            post(headers, f"/projects/{project_id}/transitions/withdraw", {"version": version, "reason": "撤回"}),
        ])
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 409], results
        loser = next(body for status, body in results if status == 409)
        assert loser["error"] in ("stale_version", "invalid_transition")
        project = db.session.get(Project, project_id)
        assert project.version == version + 1 and project.state in ("notice", "withdrawn")
        moves = db.session.scalars(db.select(AuditEntry).filter_by(project_id=project_id)
                                   .where(AuditEntry.to_state.is_not(None))).all()
        assert [(m.from_state, m.to_state) for m in moves] == [("draft", project.state)]
