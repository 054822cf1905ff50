"""Reminders: each kind of overdue deadline notifies the right users once (and only when overdue), the daily
command is idempotent, users read and mark their own notifications on a page and through the API, and the
bureau's "waiting for me" shows the dates after an award."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from conftest import PASSWORD
from procure import clock as app_clock
from procure.desk.waiting import waiting_for
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.notifications.models import Notification
from procure.notifications.reminders import Reminder, due_reminders, message, write_notifications
from procure.procurement import deadlines
from procure.procurement import operations as procurement
from procure.procurement.models import Challenge, Contract, MilestoneReport
from procure.procurement.tenders import Tender

from openapi_check import check


@pytest.fixture
def run(app):
    """Runs `flask reminders` as cron would; returns what it printed. With --again: these tests run it several
    times a day to show that each subject is notified once (that a day's work is done once: tests/test_jobs.py)."""
    runner = app.test_cli_runner()

    def invoke():
        result = runner.invoke(args=["reminders", "--again"])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        return result.output.strip()

    return invoke


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


def sent(world, kind=None) -> dict[str, set[str]]:
    """username → keys of their notifications (of `kind`)."""
    names = {u.id: name for name, u in world.users.items()}
    found: dict[str, set[str]] = {}
    query = select(Notification)
    if kind:
        query = query.where(Notification.kind == kind)
    for n in db.session.scalars(query):
        found.setdefault(names[n.user_id], set()).add(n.key)
    return found


def text(row) -> str:
    """A notification's message as a page in Chinese shows it."""
    from flask import current_app

    with current_app.test_request_context("/"):
        return message(row.kind, row.params)


def advance_past(clock, due):
    """Move the clock to the first day after `due` (a deadline is met on its day, late from the next)."""
    days = (due - app_clock.today()).days + 1
    if days > 0:
        clock.advance(days=days)
    assert deadlines.is_late(due)


def set_award_notice(project):
    tender = db.session.scalar(select(Tender).filter_by(project_id=project.id))
    if tender is None:
        tender = Tender(project_id=project.id)
        db.session.add(tender)
    tender.award_notice_at = app_clock.now()
    db.session.commit()


def clear_award_notice(project):
    """Undo the journey's award notice: the award as it stands before the bureau publishes it."""
    tender = db.session.scalar(select(Tender).filter_by(project_id=project.id))
    if tender is not None:
        tender.award_notice_at = tender.award_notice_by_id = None
        db.session.commit()


def contract_of(project) -> Contract:
    return db.session.scalar(select(Contract).filter_by(project_id=project.id))


def unpublished(project) -> Contract:
    """Undo the journey's publication of the contract: signed, not yet published."""
    contract = contract_of(project)
    contract.published_at = None
    db.session.commit()
    return contract


def implementer_of(world, project) -> str:
    return next(u for u in ("provider", "provider2", "provider3")
                if world[u].organisation_id == project.implementer_id)


# ---- each kind: only when overdue, only to the right users -------------------------------------------

def test_milestone_overdue_goes_to_the_implementer_and_the_community(world, journey, clock, run):
    project = journey.drive(journey.create(), "in_delivery")
    first, second = contract_of(project).milestones
    implementer = implementer_of(world, project)
    clock.advance(days=(first.due - app_clock.today()).days)  # due today: not yet late
    assert run() == "0 notifications written for 0 users"
    assert sent(world) == {}
    advance_past(clock, first.due)
    assert run() == "2 notifications written for 2 users"
    key = f"milestone_overdue:{first.id}"
    assert sent(world) == {implementer: {key}, "community": {key}}
    [row] = db.session.scalars(select(Notification).filter_by(user_id=world["community"].id)).all()
    assert row.project_id == project.id and row.params["milestone"] == first.name
    assert row.params["due"] == first.due.isoformat() and row.params["code"] == project.code
    assert first.name in text(row) and project.code in text(row)
    # A reported milestone is not overdue, however late the day.
    db.session.add(MilestoneReport(milestone_id=second.id, content="已完成", submitted_at=app_clock.now()))
    db.session.commit()
    advance_past(clock, second.due)
    assert run() == "0 notifications written for 0 users"
    assert sent(world) == {implementer: {key}, "community": {key}}


def test_a_second_run_adds_nothing_for_the_same_subject(world, journey, clock, run):
    project = journey.drive(journey.create(), "in_delivery")
    first = contract_of(project).milestones[0]
    advance_past(clock, first.due)
    assert run() == "2 notifications written for 2 users"
    before = db.session.scalars(select(Notification.id).order_by(Notification.id)).all()
    assert run() == "0 notifications written for 0 users"
    clock.advance(days=3)
    assert run() == "0 notifications written for 0 users"
    assert db.session.scalars(select(Notification.id).order_by(Notification.id)).all() == before
    # A notification already read is not sent again either.
    db.session.execute(db.update(Notification).values(read_at=app_clock.now()))
    db.session.commit()
    assert run() == "0 notifications written for 0 users"


def test_award_notice_late_and_contract_unsigned_go_to_the_areas_bureau_only(world, journey, clock, run):
    project = journey.drive(journey.create(), "awarded")
    clear_award_notice(project)
    notice_due = deadlines.award_notice_due(project)
    clock.advance(days=(notice_due - app_clock.today()).days)
    assert run() == "0 notifications written for 0 users"
    advance_past(clock, notice_due)
    run()
    assert sent(world) == {"bureau": {f"award_notice_late:{project.id}"}}
    sign_due = deadlines.contract_sign_due(project)
    clock.advance(days=(sign_due - app_clock.today()).days)
    assert run() == "0 notifications written for 0 users"
    advance_past(clock, sign_due)
    assert run() == "1 notifications written for 1 users"
    assert sent(world) == {"bureau": {f"award_notice_late:{project.id}", f"contract_unsigned:{project.id}"}}
    kinds = set(db.session.scalars(select(Notification.kind)))
    assert kinds == {"award_notice_late", "contract_unsigned"}


def test_a_published_award_notice_is_not_late(world, journey, clock, run):
    project = journey.drive(journey.create(), "awarded")
    set_award_notice(project)
    advance_past(clock, deadlines.award_notice_due(project))
    run()
    assert sent(world, "award_notice_late") == {}


def test_challenge_unanswered_past_its_due_date(world, journey, clock, run):
    project = journey.drive(journey.create(), "awarded")
    set_award_notice(project)
    loser = next(u for u in ("provider", "provider2") if world[u].organisation_id != project.implementer_id)
    challenge = journey.do(procurement.file_challenge, project, world[loser],
                           json_to_formdata({"content": "评分有误，请复核。"}))
    answered = journey.do(procurement.file_challenge, project, world[loser],
                          json_to_formdata({"content": "报价计算有误。"}))
    journey.do(procurement.answer_challenge, project, world["bureau"], answered.id,
               json_to_formdata({"answer": "经复核，评审无误。"}))
    due = deadlines.challenge_answer_due(challenge)
    clock.advance(days=(due - app_clock.today()).days)
    run()
    assert sent(world, "challenge_unanswered") == {}
    advance_past(clock, due)
    run()
    assert sent(world, "challenge_unanswered") == {"bureau": {f"challenge_unanswered:{challenge.id}"}}
    row = db.session.scalar(select(Notification).filter_by(kind="challenge_unanswered"))
    assert row.params["due"] == due.isoformat() and due.isoformat() in text(row)


def test_contract_unpublished_after_its_due_date(world, journey, clock, run):
    project = journey.drive(journey.create(), "contracted")
    contract = unpublished(project)
    due = deadlines.contract_publish_due(contract)
    clock.advance(days=(due - app_clock.today()).days)
    run()
    assert sent(world, "contract_unpublished") == {}
    advance_past(clock, due)
    run()
    assert sent(world, "contract_unpublished") == {"bureau": {f"contract_unpublished:{contract.id}"}}


def test_a_published_or_terminated_contract_is_not_reminded(world, journey, clock, run):
    published = journey.drive(journey.create(), "contracted")
    terminated = journey.drive(journey.create(title="社区儿童托管服务"), "contracted")
    if contract_of(published).published_at is None:
        contract_of(published).published_at = app_clock.now()
    ended = unpublished(terminated)
    ended.terminated_at, ended.termination_reason = app_clock.now(), "双方协商解除"
    db.session.commit()
    advance_past(clock, deadlines.contract_publish_due(contract_of(published)))
    advance_past(clock, deadlines.contract_publish_due(ended))
    assert [r for r in due_reminders() if r.kind == "contract_unpublished"] == []


def test_write_notifications_skips_existing_pairs_within_one_batch(world, journey):
    project = journey.create()
    users = [world["community"].id, world["bureau"].id]
    reminder = Reminder(users, "award_notice_late", project.id, {"code": project.code, "title": project.title,
                                                                "due": "2026-03-04"}, "award_notice_late:1")
    assert write_notifications([reminder, reminder]) == (2, 2)
    db.session.commit()
    assert write_notifications([reminder._replace(recipients=users + [world["admin"].id])]) == (1, 1)


# ---- the page and the API -----------------------------------------------------------------------

def notify(world, project, username, key, read=False, created=None):
    row = Notification(user_id=world[username].id, project_id=project.id, kind="award_notice_late",
                       params={"code": project.code, "title": project.title, "due": key[-10:]}, key=key,
                       created_at=created or app_clock.now(), read_at=app_clock.now() if read else None)
    db.session.add(row)
    db.session.commit()
    return row


def login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302


def test_notification_page_unread_first_mark_read_and_the_bell(app, world, journey, client, clock):
    project = journey.create()
    old = notify(world, project, "community", "k:2026-03-01", created=app_clock.now() - timedelta(days=2))
    done = notify(world, project, "community", "k:2026-03-02", read=True)
    new = notify(world, project, "community", "k:2026-03-03", created=app_clock.now() - timedelta(days=1))
    other = notify(world, project, "community_b", "k:2026-03-09")
    login(client, "community")
    home = client.get("/desk").get_data(as_text=True)
    assert '<span class="count" data-testid="bell-count">2</span>' in home
    page = client.get("/notifications").get_data(as_text=True)
    order = [page.index(f'data-testid="notification-{n.id}"') for n in (new, old, done)]
    assert order == sorted(order)  # unread first, newest first
    assert f'notification-{other.id}"' not in page
    assert f'href="/projects/{project.id}"' in page and project.code in page and "2026-03-03" in page
    assert [n.id for n in (new, old, done, other) if f'data-testid="read-{n.id}"' in page] == [new.id, old.id]
    assert client.post(f"/notifications/{new.id}/read").status_code == 302
    db.session.expire_all()
    assert db.session.get(Notification, new.id).read_at is not None
    assert db.session.get(Notification, old.id).read_at is None
    # Another user's notification: 404, and it stays unread.
    assert client.post(f"/notifications/{other.id}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, other.id).read_at is None
    assert client.post("/notifications/read").status_code == 302
    db.session.expire_all()
    assert db.session.get(Notification, old.id).read_at is not None
    assert db.session.get(Notification, other.id).read_at is None
    home = client.get("/desk").get_data(as_text=True)
    assert 'data-testid="bell"' in home and 'data-testid="bell-count"' not in home
    # Without a CSRF token the page refuses to change anything (and says so).
    login(client, "community_b")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/notifications/read")
        assert refused.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(Notification, other.id).read_at is None
    client.post("/logout")
    assert client.get("/notifications").status_code == 302  # to the login page
    assert 'data-testid="bell"' not in client.get("/login").get_data(as_text=True)


def test_the_bell_counts_up_to_99_and_the_page_and_api_count_them_all(world, journey, client):
    """Past 99 unread the bell says 99+ (it counts no further, whatever a user leaves unread); the page and the API
    still give the exact number."""
    project = journey.create()
    db.session.add_all(Notification(user_id=world["community"].id, project_id=project.id, kind="award_notice_late",
                                    params={"code": project.code, "title": project.title, "due": "2026-03-01"},
                                    key=f"k:{n}", created_at=app_clock.now()) for n in range(120))
    db.session.commit()
    login(client, "community")
    home = client.get("/desk").get_data(as_text=True)
    assert '<span class="count" data-testid="bell-count">99+</span>' in home and "99+ 条未读" in home
    token = client.post("/api/v1/tokens", json={"username": "community", "password": PASSWORD}).get_json()["token"]
    listed = client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert listed["unread"] == 120
    notify(world, project, "community", "k:read", read=True)
    for n in db.session.scalars(select(Notification).filter_by(user_id=world["community"].id, read_at=None)
                                .order_by(Notification.id).limit(30)):
        n.read_at = app_clock.now()
    db.session.commit()
    assert '<span class="count" data-testid="bell-count">90</span>' in client.get("/desk").get_data(as_text=True)


def test_notification_page_is_paginated(app, world, journey, client, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    project = journey.create()
    rows = [notify(world, project, "community", f"k:2026-03-0{i}", created=app_clock.now() + timedelta(hours=i))
            for i in range(1, 6)]
    login(client, "community")
    first = client.get("/notifications").get_data(as_text=True)
    third = client.get("/notifications?page=3").get_data(as_text=True)
    assert f"notification-{rows[4].id}\"" in first and f"notification-{rows[0].id}\"" not in first
    assert f"notification-{rows[0].id}\"" in third and 'rel="prev"' in third
    assert client.get("/notifications?page=99").status_code == 200


def test_notifications_api_lists_filters_and_marks_read(api, world, journey, doc, db_snapshot):
    project = journey.create()
    unread = notify(world, project, "bureau", "k:2026-03-05")
    read = notify(world, project, "bureau", "k:2026-03-06", read=True)
    other = notify(world, project, "bureau_far", "k:2026-03-07")
    body = check(doc, "/notifications", "get", api.as_("bureau").get("/notifications"), 200)
    assert [n["id"] for n in body["items"]] == [unread.id, read.id]
    assert body["total"] == 2 and body["unread"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert item["project_id"] == project.id and item["kind"] == "award_notice_late"
    assert project.code in item["message"] and "2026-03-05" in item["message"]
    body = check(doc, "/notifications", "get", api.as_("bureau").get("/notifications?unread=true"), 200)
    assert [n["id"] for n in body["items"]] == [unread.id]
    check(doc, "/notifications", "get", api.as_("bureau").get("/notifications?unread=maybe"), 400)
    check(doc, "/notifications", "get", api.as_("bureau").get("/notifications?page=0"), 400)
    path = "/notifications/read"
    before = db_snapshot()
    check(doc, path, "post", api.as_("bureau").post(path, json={"ids": [unread.id, other.id]}), 404)
    check(doc, path, "post", api.as_("bureau").post(path, json={}), 400)
    check(doc, path, "post", api.as_("bureau").post(path, json={"ids": ["x"]}), 400)
    assert db_snapshot() == before
    body = check(doc, path, "post", api.as_("bureau").post(path, json={"ids": [unread.id, read.id]}), 200)
    assert body == {"marked": 1, "unread": 0}
    body = check(doc, path, "post", api.as_("bureau_far").post(path, json={"all": True}), 200)
    assert body == {"marked": 1, "unread": 0}
    db.session.expire_all()
    assert all(db.session.get(Notification, n.id).read_at for n in (unread, read, other))
    assert api.client.get("/api/v1/notifications").status_code == 401


# ---- "waiting for me" ------------------------------------------------------------------------------

def notes_for(user, project) -> list[str]:
    from flask import current_app

    with current_app.test_request_context("/"):  # notes are worded in the request's language
        items, _truncated = waiting_for(user)
    return next((w.notes for w in items if w.project.id == project.id), [])


def test_waiting_notes_for_the_bureau_after_an_award(world, journey, clock):
    project = journey.drive(journey.create(), "awarded")
    clear_award_notice(project)
    due = deadlines.award_notice_due(project)
    assert f"成交公告待发布（{due} 前）" in notes_for(world["bureau"], project)
    assert notes_for(world["bureau_far"], project) == []
    advance_past(clock, due)
    assert f"成交公告应于 {due} 前发布，已逾期" in notes_for(world["bureau"], project)
    sign_due = deadlines.contract_sign_due(project)
    assert not any("合同尚未签订" in n for n in notes_for(world["bureau"], project))
    advance_past(clock, sign_due)
    assert any("合同尚未签订" in n and str(sign_due) in n for n in notes_for(world["bureau"], project))
    set_award_notice(project)
    assert not any("成交公告" in n for n in notes_for(world["bureau"], project))


def test_waiting_notes_for_late_challenges_and_unpublished_contracts(world, journey, clock):
    project = journey.drive(journey.create(), "awarded")
    set_award_notice(project)
    loser = next(u for u in ("provider", "provider2") if world[u].organisation_id != project.implementer_id)
    challenge = journey.do(procurement.file_challenge, project, world[loser],
                           json_to_formdata({"content": "评分有误，请复核。"}))
    due = deadlines.challenge_answer_due(challenge)
    assert not any("答复期限" in n for n in notes_for(world["bureau"], project))
    advance_past(clock, due)
    assert f"1 条质疑已超过答复期限（最早应于 {due} 前答复）" in notes_for(world["bureau"], project)
    assert db.session.get(Challenge, challenge.id).answer is None

    contracted = journey.drive(journey.create(title="社区儿童托管服务"), "contracted")
    publish_due = deadlines.contract_publish_due(unpublished(contracted))
    assert f"合同已签订，待公开（{publish_due} 前）" in notes_for(world["bureau"], contracted)
    advance_past(clock, publish_due)
    assert f"合同已签订，应于 {publish_due} 前公开，已逾期" in notes_for(world["bureau"], contracted)
    contract_of(contracted).published_at = app_clock.now()
    db.session.commit()
    assert not any("公开" in n for n in notes_for(world["bureau"], contracted))


def test_overdue_milestones_still_wait_for_the_implementer(world, journey, clock):
    project = journey.drive(journey.create(), "in_delivery")
    advance_past(clock, contract_of(project).milestones[0].due)
    implementer = implementer_of(world, project)
    assert "1 个付款节点已逾期未报告" in notes_for(world[implementer], project)
