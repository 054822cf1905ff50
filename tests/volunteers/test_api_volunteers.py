"""The volunteers' JSON API: the public star board (the page's data, masked names of consenting volunteers only,
nothing private anywhere in the body), the activities each role may see with the places taken, and a resident's
own hours, balance (the ledger's sum), ledger pages and redemptions; everyone else gets 404."""
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from conftest import PASSWORD
from procure.accounts.models import User
from procure.accounts.passwords import hash_password
from procure.codes import make_id_number
from procure.extensions import db
from procure.volunteers import ledger, operations
from procure.volunteers.models import Activity, PointEntry, Volunteer

BOARD = "/api/v1/volunteers/board"


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


def check(doc, path, response, status):
    from openapi_check import check as fits

    return fits(doc, path, "get", response, status)


def resident(world, community, key, real_name, n, consent=True) -> Volunteer:
    """A resident volunteer whose private fields are easy to search for; usable as api.as_(key)."""
    user = User(username=f"resident_{key}", role="resident", organisation_id=community.id,
                display_name=f"显示名{key}", password_hash=hash_password(PASSWORD))
    db.session.add(user)
    db.session.flush()
    volunteer = Volunteer(user_id=user.id, community_id=community.id, real_name=real_name,
                          id_number=make_id_number(f"33010219900101{n:03d}"), phone=f"1390000{n:04d}",
                          consent_public=consent)
    db.session.add(volunteer)
    db.session.flush()
    world.users[key] = user
    return volunteer


def private_values(volunteers) -> list[str]:
    values = []
    for v in volunteers:
        user = db.session.get(User, v.user_id)
        values += [v.real_name, v.id_number, v.phone, user.username, user.display_name]
    return values


@pytest.fixture
def people(world):
    a = resident(world, world.community, "a", "王建国", 1)
    b = resident(world, world.community_b, "b", "李秀英", 2)
    hidden = resident(world, world.community, "hidden", "隐藏者", 3, consent=False)
    far = resident(world, world.community_far, "far", "赵远山", 4)
    for volunteer, hours in ((a, "30"), (b, "12.5"), (hidden, "50"), (far, "5")):
        ledger.append(volunteer, "service", hours=Decimal(hours), points=Decimal(hours))
    db.session.commit()
    return {"a": a, "b": b, "hidden": hidden, "far": far}


# ---- the public star board ----------------------------------------------------------------------------

def test_the_board_is_public_masked_and_carries_nothing_private(client, world, people, doc):
    queries = ({}, {"period": "year"}, {"period": "all"}, {"period": "all", "community": world.community.id},
               {"period": "all", "district": "330102"})
    for args in queries:
        response = client.get(BOARD, query_string=args)  # no token
        body = check(doc, "/volunteers/board", response, 200)
        text = response.get_data(as_text=True)
        for value in private_values(people.values()):
            assert value not in text, (args, value)
        assert "隐" not in text  # the volunteer who did not consent: not even masked
        for item in body["items"]:
            assert set(item) == {"rank", "name", "hours", "stars", "community"}
            assert item["name"][1:] == "*" * (len(item["name"]) - 1)
    body = client.get(BOARD).get_json()
    assert [(i["rank"], i["name"], i["hours"], i["community"]["name"]) for i in body["items"]] == [
        (1, "王**", "30.00", "幸福社区"), (2, "李**", "12.50", "和平社区"), (3, "赵**", "5.00", "远山社区")]
    assert (body["period"], body["community"], body["district"], body["total"]) == ("month", None, None, 3)
    district = client.get(BOARD, query_string={"district": "330102"}).get_json()
    assert [i["name"] for i in district["items"]] == ["王**", "李**"] and district["district"] == "330102"
    mine = client.get(BOARD, query_string={"community": world.community_b.id}).get_json()
    assert [i["name"] for i in mine["items"]] == ["李**"] and mine["community"] == world.community_b.id


def test_the_board_matches_the_public_page(client, world, people):
    from test_board import board_rows

    for args in ({}, {"period": "all", "district": "330102"}):
        api = client.get(BOARD, query_string=args).get_json()["items"]
        assert [(i["rank"], i["name"], i["community"]["name"], i["hours"], i["stars"]) for i in api] == \
            board_rows(client, **args)


def test_stars_come_from_all_hours_and_spending_changes_nothing(client, world, people):
    ledger.append(people["b"], "service", hours=Decimal("100"), points=Decimal("100"))
    ledger.append(people["b"], "redemption", points=Decimal("-50"))
    db.session.commit()
    rows = {i["name"]: i for i in client.get(BOARD).get_json()["items"]}
    assert (rows["李**"]["rank"], rows["李**"]["hours"], rows["李**"]["stars"]) == (1, "112.50", 1)


@pytest.mark.parametrize("args,field", [({"period": "week"}, "period"), ({"community": "abc"}, "community"),
                                        ({"community": "0"}, "community"), ({"district": "3301"}, "district"),
                                        ({"district": "33010２"}, "district"), ({"page": "0"}, "page")])
def test_bad_board_parameters_are_400(client, world, people, doc, args, field):
    body = check(doc, "/volunteers/board", client.get(BOARD, query_string=args), 400)
    assert body["error"] == "invalid_input" and set(body["fields"]) == {field}


def test_empty_parameters_mean_the_whole_board_and_unknown_places_an_empty_one(client, world, people):
    # What the page's "all" choices send: empty values.
    assert client.get(BOARD, query_string={"period": "", "community": "", "district": ""}).get_json()["total"] == 3
    nowhere = client.get(BOARD, query_string={"community": 999999, "district": "110101"}).get_json()
    assert nowhere["items"] == [] and nowhere["total"] == 0
    assert client.get(BOARD, query_string={"page": 5}).get_json()["items"] == []


# ---- activities ------------------------------------------------------------------------------------------

def publish(user, title, places=10, start="2026-03-03T09:00", end="2026-03-03T12:00") -> Activity:
    activity = operations.publish_activity(user, MultiDict({
        "title": title, "category": "elderly", "description": "陪老人聊天", "place": "社区活动室",
        "starts_at": start, "ends_at": end, "places": str(places)}))
    db.session.commit()
    return activity


@pytest.fixture
def activities(world, people):
    here = publish(world["community"], "幸福社区助老", places=3)
    there = publish(world["community_b"], "和平社区环保")
    far = publish(world["community_far"], "远山社区巡防")
    cancelled = publish(world["community"], "已取消的活动", start="2026-03-05T09:00", end="2026-03-05T10:00")
    operations.cancel_activity(world["community"], cancelled.id)
    operations.sign_up(world["a"], here.id)
    operations.sign_up(world["hidden"], here.id)
    db.session.commit()
    return {"here": here, "there": there, "far": far, "cancelled": cancelled}


def titles(response) -> list[str]:
    return [item["title"] for item in response.get_json()["items"]]


@pytest.mark.parametrize("username,expected", [
    ("a", ["幸福社区助老"]), ("b", ["和平社区环保"]), ("community", ["幸福社区助老"]),
    ("community_b", ["和平社区环保"]), ("bureau", ["幸福社区助老", "和平社区环保"]),
    ("reviewer", ["幸福社区助老", "和平社区环保"]), ("bureau_far", ["远山社区巡防"]),
    ("admin", ["幸福社区助老", "和平社区环保", "远山社区巡防"]),
    ("provider", []), ("evaluator", []),
])
def test_each_role_sees_its_activities(api, world, activities, doc, username, expected):
    body = check(doc, "/activities", api.as_(username).get("/activities"), 200)
    assert [i["title"] for i in body["items"]] == expected and body["total"] == len(expected)


def test_activities_carry_places_taken_and_my_sign_up_but_no_check_in_code(api, world, activities, doc):
    response = api.as_("a").get("/activities")
    item = check(doc, "/activities", response, 200)["items"][0]
    assert (item["places"], item["taken"], item["left"], item["my_status"]) == (3, 2, 1, "signed_up")
    assert item["community"] == {"id": world.community.id, "name": "幸福社区"} and item["category"] == "elderly"
    assert item["starts_at"] == "2026-03-03T01:00:00+00:00"  # 09:00 in Shanghai, UTC in the JSON
    assert activities["here"].checkin_token not in response.get_data(as_text=True)
    staff = api.as_("community").get("/activities").get_json()["items"][0]
    assert staff["my_status"] is None and staff["organiser_here"] is True and staff["taken"] == 2
    assert api.as_("bureau").get("/activities").get_json()["items"][0]["organiser_here"] is False


def test_past_and_cancelled_activities_for_staff_only(api, world, activities, doc, clock):
    everything = check(doc, "/activities", api.as_("community").get("/activities?all=1"), 200)
    assert [i["title"] for i in everything["items"]] == ["已取消的活动", "幸福社区助老"]
    assert everything["items"][0]["state"] == "cancelled"
    assert titles(api.as_("a").get("/activities?all=1")) == ["幸福社区助老"]  # ignored for residents, as on the page
    clock.advance(days=2)  # the activity is over
    assert titles(api.as_("community").get("/activities")) == []
    assert titles(api.as_("community").get("/activities?all=true")) == ["已取消的活动", "幸福社区助老"]


def test_activities_by_community_and_bad_parameters(api, world, activities, doc):
    assert titles(api.as_("bureau").get(f"/activities?community={world.community_b.id}")) == ["和平社区环保"]
    assert titles(api.as_("a").get(f"/activities?community={world.community_b.id}")) == []  # not theirs to see
    for query, field in (("community=x", "community"), ("all=yes", "all"), ("page=-1", "page")):
        body = check(doc, "/activities", api.as_("bureau").get(f"/activities?{query}"), 400)
        assert set(body["fields"]) == {field}


# ---- the volunteer's own account --------------------------------------------------------------------------

def test_a_resident_sees_their_balance_equal_to_the_ledger_sum(api, world, people, doc, app, monkeypatch):
    from procure.redemption.models import Redemption, RewardItem

    volunteer = people["a"]
    ledger.append(volunteer, "service", hours=Decimal("2"), points=Decimal("3"), note="助老陪伴")
    ledger.append(volunteer, "correction", hours=Decimal("-1"), points=Decimal("-1.5"))
    item = RewardItem(community_id=world.community.id, name="环保购物袋", points_price=4, stock=3)
    db.session.add(item)
    db.session.flush()
    redemption = Redemption(item_id=item.id, volunteer_id=volunteer.id, points=4)
    db.session.add(redemption)
    db.session.flush()
    ledger.append(volunteer, "redemption", points=Decimal("-4"), redemption_id=redemption.id, note=item.name)
    db.session.commit()
    monkeypatch.setitem(app.config, "PER_PAGE", 3)

    response = api.as_("a").get("/me/volunteer")
    me = check(doc, "/me/volunteer", response, 200)
    entries = db.session.scalars(db.select(PointEntry).filter_by(volunteer_id=volunteer.id)).all()
    assert Decimal(me["balance"]) == sum(e.points for e in entries) == Decimal("27.50")
    assert Decimal(me["hours_total"]) == sum(e.hours for e in entries) == Decimal("31.00")
    assert (me["stars"], me["masked_name"], me["community"]["name"]) == (0, "王**", "幸福社区")
    assert [e["kind"] for e in me["entries"]["items"]] == ["redemption", "correction", "service"]
    assert me["entries"]["total"] == 4 and me["entries"]["items"][0]["points"] == "-4.00"
    assert me["redemptions"] == [{"id": redemption.id, "item": "环保购物袋", "points": "4.00",
                                  "redeemed_at": me["redemptions"][0]["redeemed_at"]}]
    second = check(doc, "/me/volunteer", api.as_("a").get("/me/volunteer?page=2"), 200)["entries"]
    assert [e["points"] for e in second["items"]] == ["30.00"] and second["page"] == 2
    assert volunteer.id_number not in response.get_data(as_text=True)
    check(doc, "/me/volunteer", api.as_("a").get("/me/volunteer?page=x"), 400)


def test_each_volunteer_sees_only_their_own(api, world, people):
    assert api.as_("b").get("/me/volunteer").get_json()["balance"] == "12.50"
    assert api.as_("hidden").get("/me/volunteer").get_json()["consent_public"] is False


@pytest.mark.parametrize("username", ["community", "bureau", "admin", "provider", "evaluator", "plain_resident"])
def test_anyone_not_a_volunteer_gets_404(api, world, people, doc, username):
    if username == "plain_resident":  # a resident account with no volunteer record
        user = User(username="plain", role="resident", organisation_id=world.community.id, display_name="plain",
                    password_hash="x")
        db.session.add(user)
        db.session.commit()
        world.users[username] = user
    body = check(doc, "/me/volunteer", api.as_(username).get("/me/volunteer"), 404)
    assert body == {"error": "not_found", "message": "找不到该记录，或您无权查看"}


def test_a_token_is_needed_except_for_the_board(client, world, people, doc):
    for path in ("/activities", "/me/volunteer"):
        body = check(doc, path, client.get("/api/v1" + path), 401)
        assert body["error"] == "unauthorized"
        assert client.get("/api/v1" + path, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert client.get(BOARD).status_code == 200


def test_a_resident_gets_a_token_with_their_password(client, world, people):
    token = client.post("/api/v1/tokens", json={"username": "resident_a", "password": PASSWORD}).get_json()["token"]
    me = client.get("/api/v1/me/volunteer", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["balance"] == "30.00"
