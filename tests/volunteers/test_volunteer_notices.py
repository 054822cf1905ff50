"""Notifications of volunteer activities: residents holding a place hear that an activity is cancelled, the
organiser's staff hear of a correction request, the volunteer hears the decision; nobody else, nobody inactive,
nobody of their own action, nothing when the operation is refused; each notice links to the page it is about."""
from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from conftest import PASSWORD
from procure.accounts.models import Organisation, User
from procure.accounts.passwords import hash_password
from procure.extensions import db
from procure.notifications.models import Notification
from procure.volunteers import notices, operations
from procure.volunteers.models import CorrectionRequest

from test_activities import TOMORROW_9, completed, days_ahead, log_in, make_resident, publish, signed_up, text
from openapi_check import check


def heard(kind=None) -> dict[str, set[str]]:
    """username → keys of their notifications (of `kind`)."""
    query = select(User.username, Notification.key).join(User, User.id == Notification.user_id)
    if kind:
        query = query.where(Notification.kind == kind)
    found: dict[str, set[str]] = {}
    for username, key in db.session.execute(query):
        found.setdefault(username, set()).add(key)
    return found


def staff(org, username, active=True) -> User:
    user = User(username=username, role="community", organisation_id=org.id, display_name=username,
                password_hash=hash_password(PASSWORD), active=active)
    db.session.add(user)
    db.session.commit()
    return user


def bell(client) -> str:
    page = text(client.get("/activities"))
    marker = 'data-testid="bell-count">'
    return page.split(marker, 1)[1].split("<", 1)[0] if marker in page else "0"


@pytest.fixture
def resident(world):
    return make_resident(world.community, "resident1", 1)


# ---- an activity is cancelled ----------------------------------------------------------------------------------

def test_cancelling_tells_the_residents_holding_a_place_and_nobody_else(client, world, resident):
    activity = publish(world["community"])
    other_activity = publish(world["community"], title="另一场", start="2026-03-04T09:00", end="2026-03-04T12:00")
    signed_up(resident, activity)
    second = make_resident(world.community, "resident2", 2)
    signed_up(second, activity)
    gone = make_resident(world.community, "resident3", 3)  # cancelled their own sign-up before
    signed_up(gone, activity)
    operations.cancel_signup(db.session.get(User, gone.user_id), activity.id)
    inactive = make_resident(world.community, "resident4", 4)
    signed_up(inactive, activity)
    db.session.get(User, inactive.user_id).active = False
    elsewhere = make_resident(world.community, "resident5", 5)  # signed up for another activity only
    signed_up(elsewhere, other_activity)
    far = make_resident(world.community_b, "resident6", 6)
    signed_up(far, publish(world["community_b"], title="和平社区活动"))
    db.session.commit()
    log_in(client, "resident1")
    assert bell(client) == "0"
    log_in(client, "community")
    assert client.post(f"/activities/{activity.id}/cancel").status_code == 302
    key = f"activity_cancelled:{activity.id}"
    assert heard() == {"resident1": {key}, "resident2": {key}}
    note = db.session.scalar(select(Notification).filter_by(user_id=resident.user_id))
    assert note.project_id is None and note.read_at is None
    # The resident sees it: the bell counts it, the page says what and when (Shanghai time) and links the activity.
    log_in(client, "resident1")
    assert bell(client) == "1"
    page = text(client.get("/notifications"))
    assert "您报名的活动「助老陪伴」（2026-03-03 09:00）已取消" in page and "活动取消" in page
    href = f'href="/activities/{activity.id}"'
    assert href in page
    response = client.get(f"/activities/{activity.id}")
    assert response.status_code == 200 and "助老陪伴" in text(response)


def test_a_refused_cancellation_writes_no_notification(client, world, resident, clock, db_snapshot):
    activity = publish(world["community"])
    signup = signed_up(resident, activity)
    second = make_resident(world.community, "resident2", 2)
    signed_up(second, activity)
    clock.moment = TOMORROW_9
    operations.check_in(world["community"], activity.id, signup.id)
    db.session.commit()
    log_in(client, "community_b")  # another community: not found
    before = db_snapshot()
    assert client.post(f"/activities/{activity.id}/cancel").status_code == 404
    log_in(client, "resident1")  # not the organiser
    assert client.post(f"/activities/{activity.id}/cancel").status_code == 403
    log_in(client, "community")  # someone has checked in
    response = client.post(f"/activities/{activity.id}/cancel")
    assert response.status_code == 422 and "已有志愿者签到" in text(response)
    assert db_snapshot() == before
    assert db.session.scalar(select(db.func.count(Notification.id))) == 0


# ---- a correction is requested ---------------------------------------------------------------------------------

def test_a_correction_request_tells_the_organisers_active_staff_only(client, world, resident, clock):
    colleague = staff(world.community, "community2")
    staff(world.community, "community_gone", active=False)
    neighbour = make_resident(world.community, "resident2", 2)  # same organisation, but a resident
    activity, signup = completed(world, resident, clock, minutes=60)
    signed_up(neighbour, publish(world["community"], title="另一场", start="2026-03-05T09:00",
                                 end="2026-03-05T10:00"))
    log_in(client, "resident1")
    assert client.post(f"/me/volunteer/signups/{signup.id}/correction",
                       data={"requested_hours": "2", "reason": "签退晚登记了一小时"}).status_code == 302
    correction = db.session.scalar(select(CorrectionRequest))
    key = f"correction_requested:{correction.id}"
    assert heard() == {"community": {key}, "community2": {key}}
    note = db.session.scalar(select(Notification).filter_by(user_id=colleague.id))
    assert "居民1" not in str(note.params) and "签退晚登记" not in str(note.params)  # the activity says which
    log_in(client, "community")
    assert bell(client) == "1"
    page = text(client.get("/notifications"))
    assert "有志愿者申请更正活动「助老陪伴」的服务时长，请核实处理" in page and "居民1" not in page
    href = f"/activities/{activity.id}/attendance#corrections"
    assert f'href="{href}"' in page
    response = client.get(href.split("#")[0])
    assert response.status_code == 200 and "签退晚登记了一小时" in text(response)


def test_a_refused_correction_request_writes_no_notification(client, world, resident, clock, db_snapshot):
    activity, signup = completed(world, resident, clock, minutes=60)
    log_in(client, "resident1")
    before = db_snapshot()
    response = client.post(f"/me/volunteer/signups/{signup.id}/correction",
                           data={"requested_hours": "1", "reason": "同样的时长"})
    assert response.status_code == 422 and "申请的时长与已记录的相同" in text(response)
    assert db_snapshot() == before
    assert db.session.scalar(select(db.func.count(Notification.id))) == 0


def test_a_providers_activity_tells_the_providers_staff_not_the_community(client, world, journey, clock):
    project = journey.drive(journey.create(), "in_delivery")
    provider = db.session.scalar(select(User).filter_by(organisation_id=project.implementer_id))
    activity = publish(provider, project_id=str(project.id), **days_ahead(1))
    resident = make_resident(db.session.get(Organisation, project.community_id), "resident1", 1)
    signup = signed_up(resident, activity)
    clock.moment = activity.starts_at
    operations.check_in(provider, activity.id, signup.id)
    clock.advance(hours=1)
    operations.check_out(provider, activity.id, signup.id)
    db.session.commit()
    db.session.execute(db.delete(Notification))  # whatever the journey itself sent
    db.session.commit()
    operations.request_correction(db.session.get(User, resident.user_id), signup.id,
                                  MultiDict({"requested_hours": "2", "reason": "晚签退"}))
    db.session.commit()
    assert set(heard("correction_requested")) == {provider.username}


# ---- a correction is decided -----------------------------------------------------------------------------------

@pytest.fixture
def requested(client, world, resident, clock):
    activity, signup = completed(world, resident, clock, minutes=60)
    staff(world.community, "community2")
    log_in(client, "resident1")
    assert client.post(f"/me/volunteer/signups/{signup.id}/correction",
                       data={"requested_hours": "2", "reason": "签退晚登记了一小时"}).status_code == 302
    return activity, db.session.scalar(select(CorrectionRequest))


def test_an_approval_tells_the_volunteer_with_the_new_hours(client, world, requested):
    activity, correction = requested
    log_in(client, "community")
    assert client.post(f"/activities/{activity.id}/corrections/{correction.id}/approve").status_code == 302
    key = f"correction_decided:{correction.id}"
    assert heard("correction_approved") == {"resident1": {key}}
    assert set(heard()) == {"community", "community2", "resident1"}  # staff only had the request
    log_in(client, "resident1")
    assert bell(client) == "1"
    page = text(client.get("/notifications"))
    assert "您对活动「助老陪伴」服务时长的更正申请已通过，时长更正为 2.00 小时" in page
    assert 'href="/me/volunteer#corrections"' in page
    assert client.get("/me/volunteer").status_code == 200


def test_a_refusal_tells_the_volunteer_the_reason(client, world, requested):
    activity, correction = requested
    log_in(client, "community")
    url = f"/activities/{activity.id}/corrections/{correction.id}/refuse"
    assert client.post(url, data={"reason": ""}).status_code == 400  # refused: no reason, no notification
    assert heard("correction_refused") == {}
    assert client.post(url, data={"reason": "签到表显示一小时"}).status_code == 302
    assert heard("correction_refused") == {"resident1": {f"correction_decided:{correction.id}"}}
    log_in(client, "resident1")
    page = text(client.get("/notifications"))
    assert "您对活动「助老陪伴」服务时长的更正申请未获同意，理由：签到表显示一小时" in page
    assert 'href="/me/volunteer#corrections"' in page


def test_a_refused_decision_writes_no_notification(client, world, requested, db_snapshot):
    activity, correction = requested
    url = f"/activities/{activity.id}/corrections/{correction.id}/approve"
    before = db_snapshot()
    log_in(client, "community_b")
    assert client.post(url).status_code == 404
    log_in(client, "resident1")
    assert client.post(url).status_code == 403
    assert db_snapshot() == before


def test_an_approval_the_balance_cannot_pay_writes_no_notification(client, world, resident, clock, db_snapshot):
    from procure.volunteers import ledger

    activity, signup = completed(world, resident, clock, minutes=120)  # 2 h, 3 points, all spent
    ledger.append(resident, "redemption", points=Decimal("-3.00"), user=world["community"])
    db.session.commit()
    log_in(client, "resident1")
    client.post(f"/me/volunteer/signups/{signup.id}/correction", data={"requested_hours": "1", "reason": "少一点"})
    correction = db.session.scalar(select(CorrectionRequest))
    log_in(client, "community")
    before = db_snapshot()
    response = client.post(f"/activities/{activity.id}/corrections/{correction.id}/approve")
    assert response.status_code == 422 and "积分余额不足以扣减" in text(response)
    assert db_snapshot() == before
    assert "resident1" not in heard()


def test_an_inactive_volunteer_hears_nothing(world, resident, requested):
    activity, correction = requested
    db.session.get(User, resident.user_id).active = False
    db.session.commit()
    assert operations.decide_correction(world["community"], activity.id, correction.id, False,
                                        MultiDict({"reason": "不符"})).state == "refused"
    db.session.commit()
    assert heard("correction_refused") == {}


def test_nobody_hears_of_their_own_action(world, requested):
    activity, correction = requested
    db.session.execute(db.delete(Notification))
    notices.correction_requested(world["community"], correction, activity)
    db.session.commit()
    assert set(heard()) == {"community2"}


# ---- links, old notifications and the API -------------------------------------------------------------------

def test_a_notification_without_the_ids_its_link_needs_still_shows(client, world, resident):
    db.session.add(Notification(user_id=resident.user_id, kind="activity_cancelled", key="activity_cancelled:x",
                                params={"title": "旧活动", "starts": "2026-01-01 09:00"}))
    db.session.add(Notification(user_id=resident.user_id, kind="correction_refused", key="correction_decided:x",
                                params={"activity_id": "7; drop"}))
    db.session.commit()
    log_in(client, "resident1")
    response = client.get("/notifications")
    page = text(response)
    assert response.status_code == 200 and "您报名的活动「旧活动」（2026-01-01 09:00）已取消" in page
    assert "更正未通过" in page  # the params no longer fit the message: the kind's label shows
    assert 'href="/activities/' not in page


def test_the_api_gives_the_link(api, world, resident, requested, client):
    activity, _correction = requested
    doc = client.get("/api/v1/openapi.json").get_json()
    body = check(doc, "/notifications", "get", api.as_("community").get("/notifications"), 200)
    [item] = body["items"]
    assert item["kind"] == "correction_requested" and item["project_id"] is None
    assert item["url"] == f"/activities/{activity.id}/attendance#corrections"
    assert "助老陪伴" in item["message"]


def test_notices_are_written_at_the_clock_time(world, resident, clock):
    activity = publish(world["community"])
    signed_up(resident, activity)
    clock.advance(hours=2)
    operations.cancel_activity(world["community"], activity.id)
    db.session.commit()
    assert db.session.scalar(select(Notification.created_at)) == clock.moment
