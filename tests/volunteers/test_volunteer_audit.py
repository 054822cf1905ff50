"""The volunteer system's audit trail (/volunteers/audit): community staff see what happened in their community
(their staff, their residents, outside organisers of activities held there, expiry of their volunteers' points),
with labels and links and no personal data; nobody else sees the page; filters narrow and bad values are ignored."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from conftest import PASSWORD
from procure.accounts.models import User
from procure.audit.log import record
from procure.audit.models import AuditEntry
from procure.codes import make_id_number
from procure.extensions import db
from procure.redemption.models import RewardItem
from procure.volunteers import ledger, operations
from procure.volunteers.models import Activity, Volunteer

ID_NUMBER = make_id_number("33010219900101123")
PHONE = "13912345678"


def text(response) -> str:
    return response.get_data(as_text=True)


def log_in(client, username, password=PASSWORD):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, text(response)
    return client


def rows(page) -> list[str]:
    """The actions of the table's rows, top to bottom."""
    return re.findall(r'data-action="([a-z_]+)"', page)


def publish(user, title="助老陪伴", day=1) -> Activity:
    from procure import clock

    start = clock.today() + timedelta(days=day)
    activity = operations.publish_activity(user, MultiDict({
        "title": title, "category": "elderly", "description": "陪老人聊天", "place": "社区活动室",
        "starts_at": f"{start}T09:00", "ends_at": f"{start}T12:00", "places": "10"}))
    db.session.commit()
    return activity


@pytest.fixture
def story(client, world):
    """A resident registers (public page), signs up for the community's activity and redeems an item."""
    activity = publish(world["community"], title="社区清扫")
    item = RewardItem(community_id=world.community.id, name="保温杯", description="", kind="item", points_price=2,
                      stock=5, active=True)
    db.session.add(item)
    db.session.commit()
    response = client.post("/volunteers/register", data={
        "community_id": str(world.community.id), "real_name": "王小明", "id_number": ID_NUMBER, "phone": PHONE,
        "skills": ["doctor"], "consent_public": "y", "username": "wangxm", "password": "long-enough-pw"})
    assert response.status_code == 302, text(response)
    log_in(client, "wangxm", "long-enough-pw")
    volunteer = db.session.scalar(db.select(Volunteer).filter_by(id_number=ID_NUMBER))
    ledger.append(volunteer, "service", hours=Decimal("3"), points=Decimal("3"))
    db.session.commit()
    assert client.post(f"/activities/{activity.id}/signup").status_code == 302
    assert client.post(f"/rewards/{item.id}/redeem").status_code == 302
    client.post("/logout")
    return {"activity": activity, "item": item, "volunteer": volunteer}


def test_staff_see_their_communitys_trail_with_labels_and_links(client, world, story):
    log_in(client, "community")
    assert 'href="/volunteers/audit"' in text(client.get("/volunteers"))
    response = client.get("/volunteers/audit")
    assert response.status_code == 200
    page = text(response)
    assert rows(page) == ["redeem_reward", "sign_up", "register_volunteer", "publish_activity"]
    for label in ("登记志愿者", "报名志愿活动", "兑换积分奖励", "发布志愿活动"):
        assert label in page
    activity, volunteer = story["activity"], story["volunteer"]
    assert f'href="/activities/{activity.id}"' in page and "社区清扫" in page
    assert f'href="/talent/volunteers/{volunteer.id}"' in page
    assert f'href="/communities/{world.community.id}/rewards"' in page and "保温杯" in page
    assert "王小明" in page  # who: the resident's display name, which staff already see in the register
    assert "幸福社区" in page and "积分 2" in page
    assert ID_NUMBER not in page and PHONE not in page and ID_NUMBER[-4:] + "<" not in page
    assert "signup_id" not in page and "redemption_id" not in page  # never the raw data


def test_another_communitys_staff_do_not_see_it(client, world, story):
    log_in(client, "community_b")
    page = text(client.get("/volunteers/audit"))
    assert rows(page) == [] and "社区清扫" not in page and "王小明" not in page and "共 0 条记录" in page


@pytest.mark.parametrize("username", ["wangxm", "provider", "bureau", "reviewer", "admin", "evaluator"])
def test_nobody_else_sees_the_page(client, world, story, username):
    if username == "wangxm":
        assert client.post("/login", data={"username": "wangxm", "password": "long-enough-pw"}).status_code == 302
    else:
        log_in(client, username)
    assert client.get("/volunteers/audit").status_code == 404


def test_the_public_is_sent_to_log_in(client, world, story):
    response = client.get("/volunteers/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_outside_organisers_and_expiry_of_our_volunteers_show_up(client, world, story):
    """A provider's activity held in the community, and the scheduled expiry (no user) of one of its volunteers;
    a provider's activity elsewhere does not."""
    provider = world["provider"]
    here = Activity(organiser_org_id=provider.organisation_id, community_id=world.community.id, title="义诊",
                    category="elderly", place="卫生站", starts_at=story["activity"].starts_at,
                    ends_at=story["activity"].ends_at, places=5, checkin_token="t-here", created_by_id=provider.id)
    there = Activity(organiser_org_id=provider.organisation_id, community_id=world.community_b.id, title="别处义诊",
                     category="elderly", place="卫生站", starts_at=here.starts_at, ends_at=here.ends_at, places=5,
                     checkin_token="t-there", created_by_id=provider.id)
    db.session.add_all([here, there])
    db.session.flush()
    record(None, provider, "publish_activity", data={"activity_id": here.id})
    record(None, provider, "cancel_activity", data={"activity_id": there.id})
    db.session.add(AuditEntry(project_id=None, at=here.starts_at, user_id=None, organisation_id=None,
                              action="expire_points", comment="",
                              data={"volunteer_id": story["volunteer"].id, "points": "-1.00"}))
    db.session.commit()
    log_in(client, "community")
    page = text(client.get("/volunteers/audit"))
    assert "义诊" in page and "别处义诊" not in page and "cancel_activity" not in rows(page)
    assert "阳光社会工作服务中心" in page and "积分到期失效" in page and "系统" in page and "积分 -1.00" in page
    log_in(client, "community_b")
    page = text(client.get("/volunteers/audit"))
    assert rows(page) == ["cancel_activity"]


def test_filters_narrow_and_bad_values_are_ignored(client, world, story, clock):
    clock.advance(days=3)
    publish(world["community"], title="三天后发布")
    log_in(client, "community")
    page = text(client.get("/volunteers/audit?action=sign_up"))
    assert rows(page) == ["sign_up"] and 'value="sign_up" selected' in page
    later = (clock.moment + timedelta(hours=8)).date().isoformat()
    assert rows(text(client.get(f"/volunteers/audit?from={later}"))) == ["publish_activity"]
    assert len(rows(text(client.get(f"/volunteers/audit?to={later}")))) == 5
    earlier = (clock.moment - timedelta(days=1)).date().isoformat()
    assert rows(text(client.get(f"/volunteers/audit?to={earlier}&action=publish_activity"))) == ["publish_activity"]
    everything = rows(text(client.get("/volunteers/audit")))
    assert len(everything) == 5
    for query in ("action=drop_table", "from=2026-02-30", "to=yesterday", "page=-1", "page=99999999999999",
                  "from=%00", "action=&from=&to=", "page=abc", "from=１２３"):
        response = client.get(f"/volunteers/audit?{query}")
        assert response.status_code == 200, query
        assert rows(text(response)) == everything, query


def test_pages_are_bounded(client, world, story, app, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    log_in(client, "community")
    first = text(client.get("/volunteers/audit"))
    assert rows(first) == ["redeem_reward", "sign_up"] and "第 1 / 2 页" in first
    second = text(client.get("/volunteers/audit?page=2"))
    assert rows(second) == ["register_volunteer", "publish_activity"]
    assert rows(text(client.get("/volunteers/audit?page=9"))) == rows(second)  # beyond the last: the last


def test_one_query_per_kind_whatever_the_rows(client, world, story, app):
    """Counting statements: a page of many entries costs no more queries than a page of a few."""
    from sqlalchemy import event

    def statements(path):
        seen = []

        def count(*args):
            seen.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    log_in(client, "community")
    db.session.commit()  # both requests start from a session with nothing loaded
    few = statements("/volunteers/audit")
    resident = db.session.get(User, story["volunteer"].user_id)
    for n in range(12):
        record(None, world["community"], "publish_activity", data={"activity_id": story["activity"].id})
        record(None, world["community"], "restock_reward_item", data={"item_id": story["item"].id, "quantity": n})
        record(None, resident, "redeem_reward", data={"item_id": story["item"].id, "volunteer_id": story[
            "volunteer"].id, "points": "2.00"})
    db.session.commit()
    assert statements("/volunteers/audit") == few
