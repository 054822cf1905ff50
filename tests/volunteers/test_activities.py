"""Volunteer activities: who publishes, signing up (never twice, never beyond the places, never after the start),
hours recorded by the organiser only (check-in by ticking or by the organiser's QR code, check-out, no-shows),
the cap and the multipliers, corrections as new ledger entries, and stars reached through real check-outs."""
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from conftest import PASSWORD, START
from procure.accounts.models import User
from procure.accounts.passwords import hash_password
from procure.audit.models import AuditEntry
from procure.codes import make_id_number
from procure.extensions import db
from procure.volunteers import operations
from procure.volunteers.models import Activity, CorrectionRequest, PointEntry, SignUp, Volunteer

# START is Monday 2 March 2026, 10:00 in Shanghai; activities below start the next day at 09:00 (01:00 UTC).
TOMORROW_9 = START + timedelta(hours=23)


def make_resident(community, username, n=1) -> Volunteer:
    user = User(username=username, role="resident", organisation_id=community.id, display_name=username,
                password_hash=hash_password(PASSWORD))
    db.session.add(user)
    db.session.flush()
    volunteer = Volunteer(user_id=user.id, community_id=community.id, real_name=f"居民{n}",
                          id_number=make_id_number(f"33010219900101{n:03d}"), phone="13900000000")
    db.session.add(volunteer)
    db.session.commit()
    return volunteer


def log_in(client, username):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def activity_data(title="助老陪伴", category="elderly", places=10, start="2026-03-03T09:00",
                  end="2026-03-03T12:00", **extra) -> dict:
    return {"title": title, "category": category, "description": "陪老人聊天", "place": "社区活动室",
            "starts_at": start, "ends_at": end, "places": str(places), **extra}


def days_ahead(days, hour=9, hours=3) -> dict:
    """Start and end `days` days after the clock's day (local time), for activities published after time moved."""
    from procure import clock

    day = clock.today() + timedelta(days=days)
    return {"start": f"{day}T{hour:02d}:00", "end": f"{day}T{hour + hours:02d}:00"}


def publish(user, **data) -> Activity:
    activity = operations.publish_activity(user, MultiDict(activity_data(**data)))
    db.session.commit()
    return activity


def entries_of(volunteer) -> list[PointEntry]:
    return db.session.scalars(db.select(PointEntry).filter_by(volunteer_id=volunteer.id)
                              .order_by(PointEntry.id)).all()


def assert_ledger_matches(volunteer):
    db.session.expire_all()
    entries = entries_of(volunteer)
    assert sum((e.points for e in entries), Decimal("0")) == volunteer.balance
    assert sum((e.hours for e in entries), Decimal("0")) == volunteer.hours_total


@pytest.fixture
def resident(world):
    return make_resident(world.community, "resident1", 1)


@pytest.fixture
def activity(world):
    return publish(world["community"])


def signed_up(volunteer, activity):
    operations.sign_up(db.session.get(User, volunteer.user_id), activity.id)
    db.session.commit()
    return db.session.scalar(db.select(SignUp).filter_by(activity_id=activity.id, volunteer_id=volunteer.id))


# ---- publishing ------------------------------------------------------------------------------------------

def test_community_staff_publish_for_their_community_in_local_time(client, world):
    log_in(client, "community")
    response = client.post("/activities/new", data=activity_data())
    assert response.status_code == 302
    activity = db.session.scalar(db.select(Activity))
    assert (activity.community_id, activity.organiser_org_id, activity.project_id) == (
        world.community.id, world.community.id, None)
    assert activity.starts_at == TOMORROW_9  # 09:00 in Shanghai is 01:00 UTC
    assert len(activity.checkin_token) >= 20
    page = text(client.get(response.headers["Location"]))
    assert "助老陪伴" in page and "2026-03-03 09:00" in page and "助老服务" in page
    audit = db.session.scalar(db.select(AuditEntry).filter_by(action="publish_activity"))
    assert audit.data["activity_id"] == activity.id and audit.user_id == world["community"].id


@pytest.mark.parametrize("username", ["resident1", "bureau", "reviewer", "evaluator", "admin"])
def test_only_community_and_provider_staff_publish(client, world, resident, username, db_snapshot):
    log_in(client, username)
    before = db_snapshot()
    assert client.get("/activities/new").status_code == 404
    assert client.post("/activities/new", data=activity_data()).status_code == 404
    assert db_snapshot() == before


def test_refused_times_and_bad_input_show_on_the_form(client, world, db_snapshot):
    log_in(client, "community")
    before = db_snapshot()
    response = client.post("/activities/new", data=activity_data(start="2026-03-01T09:00"))
    assert response.status_code == 422 and "开始时间须晚于当前时间" in text(response)
    response = client.post("/activities/new", data=activity_data(end="2026-03-03T08:00"))
    assert response.status_code == 422 and "结束时间须晚于开始时间" in text(response)
    response = client.post("/activities/new", data=activity_data(category="nonsense", places="0", start="soon"))
    assert response.status_code == 400 and "人数须在 1 至 10000 之间" in text(response)
    assert db_snapshot() == before


def test_a_provider_publishes_only_inside_a_micro_project_it_implements(client, world, journey, db_snapshot):
    project = journey.drive(journey.create(), "in_delivery")
    implementer = next(u for u in ("provider", "provider2", "provider3")
                       if world[u].organisation_id == project.implementer_id)
    other = next(u for u in ("provider", "provider2", "provider3") if u != implementer)
    log_in(client, other)
    before = db_snapshot()
    response = client.post("/activities/new", data=activity_data(project_id=str(project.id)))
    assert response.status_code == 400 and "请选择本机构承接的微项目" in text(response)
    assert client.post("/activities/new", data=activity_data()).status_code == 400  # no project at all
    assert db_snapshot() == before
    log_in(client, implementer)
    assert project.code in text(client.get("/activities/new"))
    response = client.post("/activities/new", data=activity_data(project_id=str(project.id), **days_ahead(1)))
    assert response.status_code == 302
    activity = db.session.scalar(db.select(Activity))
    assert (activity.organiser_org_id, activity.community_id, activity.project_id) == (
        project.implementer_id, project.community_id, project.id)


def test_residents_see_their_own_communitys_activities_only(client, world, resident):
    here = publish(world["community"], title="本社区活动")
    there = publish(world["community_b"], title="别的社区活动")
    log_in(client, "resident1")
    page = text(client.get("/activities"))
    assert "本社区活动" in page and "别的社区活动" not in page
    assert client.get(f"/activities/{here.id}").status_code == 200
    assert client.get(f"/activities/{there.id}").status_code == 404
    assert client.get("/activities?community=abc&all=1").status_code == 200  # unknown filters are ignored
    assert client.get(f"/activities?community={world.community_b.id}").status_code == 200


# ---- signing up ------------------------------------------------------------------------------------------

def test_sign_up_once_within_the_places_and_before_the_start(client, world, resident, clock):
    activity = publish(world["community"], places=1)
    second = make_resident(world.community, "resident2", 2)
    log_in(client, "resident1")
    assert client.post(f"/activities/{activity.id}/signup").status_code == 302
    response = client.post(f"/activities/{activity.id}/signup")
    assert response.status_code == 422 and "您已报名此活动" in text(response)
    log_in(client, "resident2")
    response = client.post(f"/activities/{activity.id}/signup")
    assert response.status_code == 422 and "名额已满" in text(response)
    assert db.session.scalar(db.select(db.func.count(SignUp.id))) == 1
    # The first resident cancels before the start: the place is free again.
    log_in(client, "resident1")
    assert client.post(f"/activities/{activity.id}/signup/cancel").status_code == 302
    log_in(client, "resident2")
    assert client.post(f"/activities/{activity.id}/signup").status_code == 302
    # After the start nobody signs up or cancels.
    clock.moment = TOMORROW_9
    response = client.post(f"/activities/{activity.id}/signup/cancel")
    assert response.status_code == 422 and "活动已开始" in text(response)
    log_in(client, "resident1")
    response = client.post(f"/activities/{activity.id}/signup")
    assert response.status_code == 422 and "活动已开始，不能再报名" in text(response)
    statuses = dict(db.session.execute(db.select(SignUp.volunteer_id, SignUp.status)).all())
    assert statuses == {resident.id: "cancelled", second.id: "signed_up"}


def test_no_two_places_at_the_same_time(client, world, resident, db_snapshot):
    morning = publish(world["community"], title="助老陪伴")
    overlapping = publish(world["community"], title="垃圾分类督导", start="2026-03-03T11:00", end="2026-03-03T13:00")
    afterwards = publish(world["community"], title="亲子阅读", start="2026-03-03T12:00", end="2026-03-03T14:00")
    log_in(client, "resident1")
    assert client.post(f"/activities/{morning.id}/signup").status_code == 302
    before = db_snapshot()
    response = client.post(f"/activities/{overlapping.id}/signup")
    assert response.status_code == 422 and "您已报名同一时段的活动「助老陪伴」" in text(response)
    assert db_snapshot() == before
    assert client.post(f"/activities/{afterwards.id}/signup").status_code == 302  # starts as the first ends
    assert client.post(f"/activities/{morning.id}/signup/cancel").status_code == 302
    assert client.post(f"/activities/{afterwards.id}/signup/cancel").status_code == 302
    assert client.post(f"/activities/{overlapping.id}/signup").status_code == 302  # once the first is cancelled


def test_staff_cannot_sign_up(client, world, activity, db_snapshot):
    log_in(client, "community")
    before = db_snapshot()
    assert client.post(f"/activities/{activity.id}/signup").status_code == 403
    assert db_snapshot() == before


def test_two_residents_racing_for_the_last_places(app, world):
    activity = publish(world["community"], places=2)
    activity_id = activity.id
    for n in range(6):
        make_resident(world.community, f"racer{n}", 10 + n)
    db.session.commit()
    barrier, results, errors = threading.Barrier(6), [None] * 6, []

    def worker(n):
        try:
            client = app.test_client()
            client.post("/login", data={"username": f"racer{n}", "password": PASSWORD})
            barrier.wait(timeout=30)
            results[n] = client.post(f"/activities/{activity_id}/signup").status_code
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(results) == [302, 302, 422, 422, 422, 422]
    assert db.session.scalar(db.select(db.func.count(SignUp.id)).filter_by(activity_id=activity_id)) == 2


def test_cancelling_an_activity_releases_its_places_but_not_after_check_in(client, world, resident, clock):
    activity = publish(world["community"])
    signup = signed_up(resident, activity)
    log_in(client, "community")
    assert client.post(f"/activities/{activity.id}/cancel").status_code == 302
    db.session.expire_all()
    assert (activity.state, signup.status) == ("cancelled", "cancelled")
    other = publish(world["community"], title="第二场")
    signup = signed_up(resident, other)
    clock.moment = TOMORROW_9
    assert client.post(f"/activities/{other.id}/attendance/{signup.id}/check_in").status_code == 302
    response = client.post(f"/activities/{other.id}/cancel")
    assert response.status_code == 422 and "已有志愿者签到" in text(response)


# ---- attendance: only the organiser records ---------------------------------------------------------------

def test_hours_are_capped_and_points_follow_the_category(client, world, resident, clock):
    activity = publish(world["community"], category="elderly")  # × 1.5
    signup = signed_up(resident, activity)
    log_in(client, "community")
    clock.moment = TOMORROW_9
    assert client.post(f"/activities/{activity.id}/attendance/{signup.id}/check_in").status_code == 302
    clock.advance(hours=3.5)
    assert client.post(f"/activities/{activity.id}/attendance/{signup.id}/check_out").status_code == 302
    db.session.expire_all()
    assert (signup.status, signup.hours, signup.recorded_by_id) == ("completed", Decimal("2.00"),
                                                                    world["community"].id)
    [entry] = entries_of(resident)
    assert (entry.kind, entry.hours, entry.points, entry.signup_id, entry.recorded_by_id) == (
        "service", Decimal("2.00"), Decimal("3.00"), signup.id, world["community"].id)
    assert (resident.hours_total, resident.balance) == (Decimal("2.00"), Decimal("3.00"))
    assert_ledger_matches(resident)
    audit = db.session.scalar(db.select(AuditEntry).filter_by(action="volunteer_check_out"))
    assert audit.data["points"] == "3.00"


@pytest.mark.parametrize("category,minutes,hours,points", [("children", 120, "2.00", "2.40"),
                                                           ("environment", 75, "1.25", "1.25"),
                                                           ("disability", 45, "0.75", "1.13")])
def test_multipliers(client, world, resident, clock, category, minutes, hours, points):
    activity = publish(world["community"], category=category)
    signup = signed_up(resident, activity)
    organiser = world["community"]
    clock.moment = TOMORROW_9
    operations.check_in(organiser, activity.id, signup.id)
    clock.advance(hours=minutes / 60)
    operations.check_out(organiser, activity.id, signup.id)
    db.session.commit()
    assert (resident.hours_total, resident.balance) == (Decimal(hours), Decimal(points))
    assert_ledger_matches(resident)


def test_a_no_show_gets_no_hours_and_no_points(client, world, resident, clock):
    activity = publish(world["community"])
    signup = signed_up(resident, activity)
    log_in(client, "community")
    response = client.post(f"/activities/{activity.id}/attendance/{signup.id}/no_show")
    assert response.status_code == 422 and "活动开始后才能记为缺席" in text(response)
    clock.moment = TOMORROW_9 + timedelta(minutes=20)
    assert client.post(f"/activities/{activity.id}/attendance/{signup.id}/no_show").status_code == 302
    response = client.post(f"/activities/{activity.id}/attendance/{signup.id}/check_out")
    assert response.status_code == 422
    db.session.expire_all()
    assert signup.status == "no_show" and signup.hours is None
    assert entries_of(resident) == [] and (resident.hours_total, resident.balance) == (0, 0)
    assert "缺席" in text(client.get(f"/activities/{activity.id}/attendance"))


@pytest.fixture
def checked_in(world, resident, clock):
    activity = publish(world["community"])
    signup = signed_up(resident, activity)
    clock.moment = TOMORROW_9
    operations.check_in(world["community"], activity.id, signup.id)
    db.session.commit()
    return activity, signup


@pytest.mark.parametrize("username,status", [("resident1", 403), ("community_b", 404), ("provider", 404),
                                             ("bureau", 403), ("admin", 403)])
def test_only_the_organiser_records_hours(client, world, resident, checked_in, clock, db_snapshot, username,
                                          status):
    activity, signup = checked_in
    clock.advance(hours=1)
    log_in(client, username)
    before = db_snapshot()
    for action in ("check_in", "check_out", "no_show"):
        response = client.post(f"/activities/{activity.id}/attendance/{signup.id}/{action}")
        assert response.status_code == status, (action, response.status_code)
    assert client.get(f"/activities/{activity.id}/attendance").status_code == status
    assert db_snapshot() == before


def test_community_staff_do_not_record_hours_for_a_providers_activity(client, world, journey, clock, db_snapshot):
    project = journey.drive(journey.create(), "in_delivery")
    provider = db.session.scalar(db.select(User).filter_by(organisation_id=project.implementer_id))
    activity = publish(provider, project_id=str(project.id), **days_ahead(1))
    resident = make_resident(world.community, "resident1", 1)
    signup = signed_up(resident, activity)
    clock.moment = activity.starts_at
    log_in(client, "community")  # the project's own community: sees the activity, but did not organise it
    assert client.get(f"/activities/{activity.id}").status_code == 200
    before = db_snapshot()
    assert client.post(f"/activities/{activity.id}/attendance/{signup.id}/check_in").status_code == 403
    assert db_snapshot() == before
    log_in(client, provider.username)
    assert client.post(f"/activities/{activity.id}/attendance/{signup.id}/check_in").status_code == 302


def test_a_signup_of_another_activity_is_not_found(client, world, resident, checked_in):
    activity, signup = checked_in
    other = publish(world["community"], title="另一场", **days_ahead(1))
    log_in(client, "community")
    assert client.post(f"/activities/{other.id}/attendance/{signup.id}/check_out").status_code == 404
    assert client.post(f"/activities/{activity.id}/attendance/{signup.id}/dance").status_code == 404


# ---- the organiser's QR code --------------------------------------------------------------------------------

def test_qr_check_in_only_while_the_activity_is_on(client, world, resident, clock):
    activity = publish(world["community"])
    signup = signed_up(resident, activity)
    stranger = make_resident(world.community, "resident2", 2)
    url = f"/activities/checkin/{activity.checkin_token}"
    log_in(client, "community")
    clock.moment = TOMORROW_9 - timedelta(minutes=30)
    page = text(client.get(f"/activities/{activity.id}/attendance"))
    assert "data:image/svg+xml;base64," in page and activity.checkin_token not in page.split("<img")[0]
    log_in(client, "resident1")
    clock.moment = TOMORROW_9 - timedelta(minutes=31)
    assert "确认签到" not in text(client.get(url))
    response = client.post(url)
    assert response.status_code == 422 and "签到时间为活动开始前30分钟至活动结束" in text(response)
    clock.moment = TOMORROW_9 - timedelta(minutes=30)
    assert "确认签到" in text(client.get(url))
    assert client.post(url).status_code == 302
    db.session.expire_all()
    assert (signup.status, signup.checked_in_at, signup.recorded_by_id) == ("checked_in", clock.moment, None)
    assert entries_of(resident) == []  # presence only: the organiser's check-out records the hours
    response = client.post(url)
    assert response.status_code == 422 and "您已签到" in text(response)
    # A resident who did not sign up, a late scan, a wrong code, and staff.
    log_in(client, "resident2")
    response = client.post(url)
    assert response.status_code == 422 and "您没有报名此活动" in text(response)
    clock.moment = activity.ends_at + timedelta(minutes=1)
    assert client.post(url).status_code == 422
    assert client.post("/activities/checkin/not-a-token").status_code == 404
    log_in(client, "community")
    assert client.post(url).status_code == 403
    assert stranger.id not in set(db.session.scalars(db.select(SignUp.volunteer_id)))


# ---- corrections ---------------------------------------------------------------------------------------------

def completed(world, resident, clock, minutes=60, category="elderly"):
    activity = publish(world["community"], category=category)
    signup = signed_up(resident, activity)
    clock.moment = TOMORROW_9
    operations.check_in(world["community"], activity.id, signup.id)
    clock.advance(hours=minutes / 60)
    operations.check_out(world["community"], activity.id, signup.id)
    db.session.commit()
    return activity, signup


def test_corrections_are_new_entries_and_the_original_stays(client, world, resident, clock, db_snapshot):
    activity, signup = completed(world, resident, clock, minutes=60)  # 1 h × 1.5 = 1.5 points
    [service] = entries_of(resident)
    original = (service.id, service.kind, service.hours, service.points, service.at)
    log_in(client, "resident1")
    before = db_snapshot()
    response = client.post(f"/me/volunteer/signups/{signup.id}/correction",
                           data={"requested_hours": "2.5", "reason": "实际服务了两个半小时"})
    assert response.status_code == 422 and "每次活动最多记 2 小时" in text(response)
    assert client.post(f"/me/volunteer/signups/{signup.id}/correction",
                       data={"requested_hours": "abc", "reason": ""}).status_code == 400
    assert db_snapshot() == before
    assert client.post(f"/me/volunteer/signups/{signup.id}/correction",
                       data={"requested_hours": "2", "reason": "签退晚登记了一小时"}).status_code == 302
    response = client.post(f"/me/volunteer/signups/{signup.id}/correction",
                           data={"requested_hours": "1.5", "reason": "再申请"})
    assert response.status_code == 422 and "已有一项待处理的更正申请" in text(response)
    correction = db.session.scalar(db.select(CorrectionRequest))
    # The resident cannot decide it; staff of another community do not find it.
    before = db_snapshot()
    assert client.post(f"/activities/{activity.id}/corrections/{correction.id}/approve").status_code == 403
    log_in(client, "community_b")
    assert client.post(f"/activities/{activity.id}/corrections/{correction.id}/approve").status_code == 404
    assert db_snapshot() == before
    log_in(client, "community")
    assert "签退晚登记了一小时" in text(client.get(f"/activities/{activity.id}/attendance"))
    assert client.post(f"/activities/{activity.id}/corrections/{correction.id}/approve").status_code == 302
    db.session.expire_all()
    first, second = entries_of(resident)
    assert (first.id, first.kind, first.hours, first.points, first.at) == original
    assert (second.kind, second.hours, second.points, second.correction_id, second.recorded_by_id) == (
        "correction", Decimal("1.00"), Decimal("1.50"), correction.id, world["community"].id)
    assert (signup.hours, resident.hours_total, resident.balance) == (Decimal("2.00"), Decimal("2.00"),
                                                                      Decimal("3.00"))
    # A correction downwards takes hours and points back, as one more entry.
    log_in(client, "resident1")
    assert client.post(f"/me/volunteer/signups/{signup.id}/correction",
                       data={"requested_hours": "0.5", "reason": "我记错了"}).status_code == 302
    down = db.session.scalar(db.select(CorrectionRequest).filter_by(state="requested"))
    log_in(client, "community")
    assert client.post(f"/activities/{activity.id}/corrections/{down.id}/approve").status_code == 302
    db.session.expire_all()
    assert [(e.kind, e.hours, e.points) for e in entries_of(resident)] == [
        ("service", Decimal("1.00"), Decimal("1.50")), ("correction", Decimal("1.00"), Decimal("1.50")),
        ("correction", Decimal("-1.50"), Decimal("-2.25"))]
    assert (resident.hours_total, resident.balance) == (Decimal("0.50"), Decimal("0.75"))
    assert_ledger_matches(resident)
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"request_correction", "approve_correction"} <= actions


def test_a_refusal_needs_a_reason_and_changes_no_points(client, world, resident, clock):
    activity, signup = completed(world, resident, clock, minutes=60)
    log_in(client, "resident1")
    client.post(f"/me/volunteer/signups/{signup.id}/correction", data={"requested_hours": "2", "reason": "多算"})
    correction = db.session.scalar(db.select(CorrectionRequest))
    log_in(client, "community")
    url = f"/activities/{activity.id}/corrections/{correction.id}/refuse"
    response = client.post(url, data={"reason": ""})
    assert response.status_code == 400 and "拒绝时请说明理由" in text(response)
    assert client.post(url, data={"reason": "签到表显示一小时"}).status_code == 302
    db.session.expire_all()
    assert (correction.state, correction.decision_reason) == ("refused", "签到表显示一小时")
    assert len(entries_of(resident)) == 1 and resident.balance == Decimal("1.50")
    response = client.post(f"/activities/{activity.id}/corrections/{correction.id}/approve")
    assert response.status_code == 422 and "该更正申请已处理" in text(response)
    log_in(client, "resident1")
    page = text(client.get("/me/volunteer"))
    assert "已拒绝" in page and "签到表显示一小时" in page


def test_a_correction_that_would_overdraw_is_refused(client, world, resident, clock):
    from procure.volunteers import ledger

    activity, signup = completed(world, resident, clock, minutes=120)  # 2 h, 3 points
    ledger.append(resident, "redemption", points=Decimal("-3.00"), user=world["community"])
    db.session.commit()
    log_in(client, "resident1")
    client.post(f"/me/volunteer/signups/{signup.id}/correction", data={"requested_hours": "1", "reason": "少一点"})
    correction = db.session.scalar(db.select(CorrectionRequest))
    log_in(client, "community")
    response = client.post(f"/activities/{activity.id}/corrections/{correction.id}/approve")
    assert response.status_code == 422 and "积分余额不足以扣减" in text(response)
    db.session.expire_all()
    assert correction.state == "requested" and resident.hours_total == Decimal("2.00")


# ---- stars ----------------------------------------------------------------------------------------------------

def test_stars_come_with_the_hundredth_hour_of_real_check_outs(client, world, resident, clock, app):
    organiser = world["community"]
    user = db.session.get(User, resident.user_id)
    for n in range(50):  # 50 activities of 2 hours (capped): 98 hours after 49, 100 after the 50th
        clock.moment = START + timedelta(days=n)
        activity = operations.publish_activity(organiser, MultiDict(activity_data(
            title=f"巡逻 {n}", category="safety", start=f"{(START + timedelta(days=n + 1)):%Y-%m-%d}T09:00",
            end=f"{(START + timedelta(days=n + 1)):%Y-%m-%d}T12:00")))
        signup = operations.sign_up(user, activity.id)
        clock.moment = activity.starts_at
        operations.check_in(organiser, activity.id, signup.id)
        clock.advance(hours=3)
        operations.check_out(organiser, activity.id, signup.id)
        db.session.commit()
        if n == 48:
            log_in(client, "resident1")
            page = text(client.get("/me/volunteer"))
            assert 'data-testid="hours">98.00 小时<' in page and 'data-testid="stars">暂无<' in page
    log_in(client, "resident1")
    page = text(client.get("/me/volunteer"))
    assert 'data-testid="hours">100.00 小时<' in page and "★ 1 星" in page
    assert_ledger_matches(resident)
    assert resident.balance == Decimal("100.00")
