"""Volunteer registration (public, with the ID number's check digit, duplicates and a honeypot), what staff see of
volunteers (masked), the volunteer's own page, the desk and navigation for residents, and points expiry (FIFO)."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from conftest import PASSWORD
from procure.accounts.models import User
from procure.audit.models import AuditEntry
from procure.codes import is_valid_id_number, make_id_number, mask_id_number
from procure.extensions import db
from procure.volunteers import ledger
from procure.volunteers.expiry import expire_points, months_before
from procure.volunteers.models import PointEntry, Volunteer

ID_1 = make_id_number("33010219900101123")
ID_2 = make_id_number("33010219851231004")


def text(response) -> str:
    return response.get_data(as_text=True)


def registration(world, **overrides) -> dict:
    return {"community_id": str(world.community.id), "real_name": "王小明", "id_number": ID_1,
            "phone": "13912345678", "skills": ["doctor", "electrician"], "skills_other": "摄影，书法",
            "consent_public": "y", "username": "wangxm", "password": "long-enough-pw", **overrides}


def log_in(client, username, password=PASSWORD):
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, text(response)
    return client


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# ---- the ID number ------------------------------------------------------------------------------------------

def test_id_number_check_digit():
    assert is_valid_id_number("11010519491231002X")  # the standard's own example
    assert is_valid_id_number("11010519491231002x")
    assert not is_valid_id_number("110105194912310021")  # wrong check digit
    assert not is_valid_id_number("110105194913310028")  # no 13th month
    assert not is_valid_id_number("1101051949123100")  # too short
    assert not is_valid_id_number("１１0105194912310021")  # full-width digits
    assert mask_id_number("11010519491231002X") == "1101**********002X"


# ---- public registration ----------------------------------------------------------------------------------

def test_a_resident_registers_then_signs_in(client, world):
    page = text(client.get("/volunteers/register"))
    assert "幸福社区" in page and "医生" in page and 'name="website"' in page
    response = client.post("/volunteers/register", data=registration(world))
    assert response.status_code == 302 and response.headers["Location"].endswith("/volunteers/register?done=1")
    assert "注册申请已收到" in text(client.get(response.headers["Location"]))
    volunteer = db.session.scalar(db.select(Volunteer))
    user = db.session.get(User, volunteer.user_id)
    assert (user.role, user.organisation_id, user.username) == ("resident", world.community.id, "wangxm")
    assert user.password_hash != "long-enough-pw"
    assert (volunteer.community_id, volunteer.id_number, volunteer.real_name, volunteer.consent_public) == (
        world.community.id, ID_1, "王小明", True)
    assert volunteer.skills == "doctor,electrician,photography,书法"  # a listed skill typed by its name is that skill
    audit = db.session.scalar(db.select(AuditEntry).filter_by(action="register_volunteer"))
    assert audit.user_id == user.id and audit.project_id is None
    assert ID_1 not in repr(audit.data) and "王小明" not in repr(audit.data)
    # Not signed in by the registration (a new account and a refused one are answered alike): they sign in.
    assert client.get("/me/volunteer").status_code == 302
    log_in(client, "wangxm", "long-enough-pw")
    page = text(client.get("/me/volunteer"))
    assert 'data-testid="balance">0.00<' in page and "王*" in page


@pytest.mark.parametrize("number,message", [("110105194912310021", "末位校验码不符"),
                                            ("11010519491231", "身份证号码为18位"),
                                            ("", "此项必填")])
def test_a_wrong_id_number_is_a_field_error(client, world, number, message):
    response = client.post("/volunteers/register", data=registration(world, id_number=number))
    assert response.status_code == 422 and message in text(response)
    assert count(Volunteer) == 0 and count(User) == len(world.users)
    assert 'value="王小明"' in text(response) and "long-enough-pw" not in text(response)


def cookie_shape(header: str) -> str:
    """A cookie's name and attributes, without its value or its expiry (which moves with the clock's second)."""
    attributes = [part.strip() for part in header.split(";")[1:] if not part.strip().lower().startswith("expires=")]
    return header.split("=", 1)[0] + "=…; " + "; ".join(attributes)


def answer(response) -> tuple:
    """What a registration's answer shows a visitor: status, headers (the per-address limit's countdown aside,
    which moves the same way whatever is posted, and the request id, new for every request; of a cookie, its
    name and attributes, its value holding the visitor's own form token: the session's content is compared
    below; not its expiry, a second later for a later answer) and body."""
    headers = sorted((k, cookie_shape(v) if k == "Set-Cookie" else v)
                     for k, v in response.headers.items() if not k.startswith(("X-RateLimit", "X-Request-ID")))
    return response.status_code, headers, response.get_data()


@pytest.mark.parametrize("password, refusal", [("short-pw1", "至少需要 10 个字符"), ("wangxm-2026-x", "不能包含用户名"),
                                               ("password123", "过于常见")])
def test_registration_applies_the_password_policy(client, world, password, refusal):
    response = client.post("/volunteers/register", data=registration(world, password=password))
    assert response.status_code == 422 and refusal in text(response)
    assert count(Volunteer) == 0 and count(User) == len(world.users)


def test_registration_answers_alike_whether_a_number_or_username_is_registered(app, world, monkeypatch):
    """Issue 15, item 7: the public page tells nobody whether an ID number or a username is registered. A new
    registration, a registered number, a taken username (a resident's or a staff member's) and both: the same
    redirect, headers and body, no cookie change, the password hashed every time; only the new one is kept."""
    from procure.volunteers import operations

    hashed = []
    real_hash = operations.hash_password
    monkeypatch.setattr(operations, "hash_password", lambda password: hashed.append(password) or real_hash(password))
    answers = {}
    attempts = {"new": registration(world),
                "registered number": registration(world, username="someone-new", password="attacker-pw-1"),
                "taken username": registration(world, id_number=ID_2, password="attacker-pw-2"),
                "staff username": registration(world, id_number=ID_2, username="bureau", password="attacker-pw-3"),
                "both": registration(world, password="attacker-pw-4")}
    serializer = app.session_interface.get_signing_serializer(app)
    sessions = {}
    for case, data in attempts.items():
        visitor = app.test_client()
        visitor.get("/volunteers/register")  # the form first, as a browser does (the session it starts)
        response = visitor.post("/volunteers/register", data=data)
        received = visitor.get(response.headers["Location"])
        answers[case] = (answer(response), answer(received))
        session = serializer.loads(visitor.get_cookie("session").value)
        sessions[case] = sorted(key for key in session if key != "csrf_token")  # the token is each visitor's own
    differences = {case: [(part, a, b) for part, a, b in zip(("post", "page"), found, answers["new"]) if a != b]
                   for case, found in answers.items()}
    assert not any(differences.values()), differences
    assert all(keys == sessions["new"] for keys in sessions.values()) and "_user_id" not in sessions["new"]
    assert answers["new"][0][0] == 302 and b"\xe6\xb3\xa8\xe5\x86\x8c" in answers["new"][1][2]  # 注册…
    assert len(hashed) == len(attempts)  # the same work done for each
    # Only the new registration was kept; the others changed nothing and sign nobody in.
    assert count(Volunteer) == 1 and count(User) == len(world.users) + 1
    for password in ("attacker-pw-1", "attacker-pw-2", "attacker-pw-4"):
        assert app.test_client().post("/login", data={"username": "wangxm", "password": password}).status_code != 302
    assert app.test_client().post("/login", data={"username": "bureau", "password": "attacker-pw-3"}).status_code \
        != 302
    log_in(app.test_client(), "wangxm", "long-enough-pw")
    log_in(app.test_client(), "bureau")


def test_the_received_page_tells_a_resident_what_to_do_when_signing_in_fails(client, world):
    page = text(client.get("/volunteers/register?done=1"))
    for words in ("注册申请已收到", "请用刚才设置的用户名和密码登录", "换一个用户名重新注册", "请联系所在社区的工作人员"):
        assert words in page, words
    assert 'href="/login"' in page


def test_bad_input_is_still_shown_field_by_field(client, world):
    """Only the question "is it registered?" goes unanswered: a wrong check digit or a missing field is still
    said (they concern what was typed, not who is registered)."""
    assert client.post("/volunteers/register", data=registration(world)).status_code == 302
    response = client.post("/volunteers/register", data=registration(world, id_number="110105194912310021",
                                                                     username="wangxm"))
    assert response.status_code == 422 and "末位校验码不符" in text(response) and "已被使用" not in text(response)
    response = client.post("/volunteers/register", data=registration(world, community_id="999999"))
    assert response.status_code == 422 and "请选择所在社区" in text(response) and "已登记" not in text(response)


def test_community_staff_are_told_of_a_duplicate_id_number_or_username(client, world):
    assert client.post("/volunteers/register", data=registration(world)).status_code == 302
    log_in(client, "community")
    response = client.post("/volunteers/new", data=registration(world, username="other"))
    assert response.status_code == 422 and "该身份证号码已登记为志愿者" in text(response)
    response = client.post("/volunteers/new", data=registration(world, id_number=ID_2))
    assert response.status_code == 422 and "该用户名已被使用" in text(response)
    assert count(Volunteer) == 1


def test_only_a_community_can_be_chosen(client, world):
    for bad in (str(world.providers[0].id), "999999", "x", str(2**40)):
        response = client.post("/volunteers/register", data=registration(world, community_id=bad))
        assert response.status_code == 422, bad
    response = client.post("/volunteers/register", data=registration(world, skills=["juggling"]))
    assert response.status_code == 422 and "请选择列出的技能" in text(response)
    assert count(Volunteer) == 0


def test_the_honeypot_keeps_nothing(client, world):
    response = client.post("/volunteers/register", data=registration(world, website="http://spam.example"))
    assert response.status_code == 302
    assert "注册申请已收到" in text(client.get(response.headers["Location"]))
    assert count(Volunteer) == 0 and count(User) == len(world.users)


def test_registrations_from_one_address_are_limited(app, client, world, monkeypatch):
    assert app.config["PUBLIC_REGISTRATION_LIMIT"] == "10 per hour"
    monkeypatch.setitem(app.config, "PUBLIC_REGISTRATION_LIMIT", "3 per hour")
    statuses = [client.post("/volunteers/register", data=registration(world, id_number="bad")).status_code
                for _ in range(4)]
    assert statuses == [422] * 3 + [429]
    assert client.get("/volunteers/register").status_code == 200  # reading the form is not limited


# ---- community staff -------------------------------------------------------------------------------------

def test_community_staff_register_on_behalf_and_see_masked_numbers(client, world):
    log_in(client, "community")
    assert client.get("/volunteers/register").headers["Location"].endswith("/volunteers/new")
    assert client.post("/volunteers/register", data=registration(world)).status_code == 302  # not logged out
    assert count(Volunteer) == 0
    data = registration(world, community_id=str(world.community_b.id))  # ignored: the staff's own community
    assert client.post("/volunteers/new", data=data).status_code == 302
    volunteer = db.session.scalar(db.select(Volunteer))
    assert volunteer.community_id == world.community.id
    page = text(client.get("/volunteers"))
    assert "王小明" in page and mask_id_number(ID_1) in page and ID_1 not in page
    assert "139****5678" in page and "13912345678" not in page
    audit = db.session.scalar(db.select(AuditEntry).filter_by(action="register_volunteer"))
    assert audit.user_id == world["community"].id and audit.data["on_behalf"] is True
    log_in(client, "community_b")
    assert "王小明" not in text(client.get("/volunteers"))
    for username in ("provider", "bureau", "admin", "evaluator"):
        log_in(client, username)
        assert client.get("/volunteers").status_code == 404
        assert client.post("/volunteers/new", data=registration(world, id_number=ID_2,
                                                                username="x" + username)).status_code == 404
    assert count(Volunteer) == 1


# ---- a resident's account --------------------------------------------------------------------------------

@pytest.fixture
def resident(client, world):
    """A resident registered from the public page and signed in."""
    assert client.post("/volunteers/register", data=registration(world)).status_code == 302
    log_in(client, "wangxm", "long-enough-pw")
    return db.session.scalar(db.select(Volunteer))


def test_a_resident_sees_no_projects(client, world, journey, resident):
    project = journey.drive(journey.create(title="社区微项目甲"), "notice")
    log_in(client, "wangxm", "long-enough-pw")
    response = client.get("/desk")
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/volunteer")
    page = text(client.get("/me/volunteer"))
    assert "志愿活动" in page and "我的积分" in page and 'href="/projects"' not in page
    listing = client.get("/projects")
    assert listing.status_code == 200 and project.code not in text(listing)
    assert client.get(f"/projects/{project.id}").status_code == 404
    assert client.get("/volunteers").status_code == 404


def test_staff_have_no_volunteer_page(client, world):
    log_in(client, "community")
    assert client.get("/me/volunteer").status_code == 404


def test_the_volunteer_page_shows_history_redemptions_and_corrections(client, world, resident):
    from procure.redemption.models import Redemption, RewardItem

    ledger.append(resident, "service", hours=Decimal("2"), points=Decimal("3"), user=world["community"])
    item = RewardItem(community_id=world.community.id, name="环保购物袋", points_price=2, stock=3)
    db.session.add(item)
    db.session.flush()
    redemption = Redemption(item_id=item.id, volunteer_id=resident.id, points=2)
    db.session.add(redemption)
    db.session.flush()
    ledger.append(resident, "redemption", points=Decimal("-2"), user=None, redemption_id=redemption.id)
    db.session.commit()
    log_in(client, "wangxm", "long-enough-pw")
    page = text(client.get("/me/volunteer"))
    assert 'data-testid="balance">1.00<' in page and 'data-testid="hours">2.00 小时<' in page
    assert "环保购物袋" in page and "积分兑换" in page and "志愿服务" in page


def test_the_volunteer_page_shows_one_year_at_a_time(client, world, resident, clock):
    """A long-serving volunteer's page stays short: this year's records by default, earlier years one click away;
    the totals and stars are all-time."""
    now = clock.moment
    resident.registered_at = datetime(2024, 5, 1, tzinfo=timezone.utc)
    clock.moment = datetime(2025, 12, 31, 15, 30, tzinfo=timezone.utc)  # 23:30 on New Year's Eve in Shanghai
    ledger.append(resident, "service", hours=Decimal("2"), points=Decimal("2"), user=world["community"])
    clock.moment = datetime(2025, 12, 31, 16, 30, tzinfo=timezone.utc)  # 00:30 on 1 January in Shanghai
    ledger.append(resident, "service", hours=Decimal("1.5"), points=Decimal("3"), user=world["community"])
    clock.moment = now
    db.session.commit()
    log_in(client, "wangxm", "long-enough-pw")
    page = text(client.get("/me/volunteer"))
    assert 'data-testid="hours">3.50 小时<' in page and "2026 年服务 1.50 小时，获得 3.00 积分" in page
    assert page.count("<td class=\"num\">1.50</td>") == 1 and "<td class=\"num\">2.00</td>" not in page
    assert 'href="/me/volunteer?year=2025"' in page and 'href="/me/volunteer?year=2024"' in page
    page = text(client.get("/me/volunteer?year=2025"))
    assert "2025 年服务 2.00 小时，获得 2.00 积分" in page and "<td class=\"num\">2.00</td>" in page
    assert text(client.get("/me/volunteer?year=1999")).count("2026 年服务") == 1  # out of range: this year


# ---- expiry ---------------------------------------------------------------------------------------------

def at(year, month, day) -> datetime:
    return datetime(year, month, day, 2, 0, tzinfo=timezone.utc)


def entry(volunteer, kind, points, when, clock, hours=None):
    clock.moment = when
    ledger.append(volunteer, kind, points=Decimal(points),
                  hours=Decimal(hours if hours is not None else (points if kind == "service" else 0)))
    db.session.commit()


def test_months_before():
    assert months_before(at(2026, 3, 31), 1) == at(2026, 2, 28)
    assert months_before(at(2026, 3, 2), 12) == at(2025, 3, 2)
    assert months_before(at(2026, 1, 15), 2) == at(2025, 11, 15)


def test_nothing_expires_when_the_setting_is_zero(app, world, resident, clock):
    entry(resident, "service", "5", at(2020, 1, 1), clock)
    clock.moment = at(2026, 3, 2)
    app.config["POINTS_EXPIRE_MONTHS"] = 0
    assert expire_points() == (0, Decimal("0.00"))
    assert count(PointEntry) == 1


def test_expiry_is_first_in_first_out_and_idempotent(app, world, resident, clock, monkeypatch):
    monkeypatch.setitem(app.config, "POINTS_EXPIRE_MONTHS", 12)
    entry(resident, "service", "10", at(2025, 1, 10), clock)   # lot A
    entry(resident, "redemption", "-4", at(2025, 2, 1), clock)  # takes 4 of lot A
    entry(resident, "service", "6", at(2025, 5, 1), clock)     # lot B
    entry(resident, "redemption", "-3", at(2025, 6, 1), clock)  # 3 more of lot A (the oldest), not of B
    entry(resident, "service", "5", at(2026, 2, 1), clock)     # lot C, recent
    # Now 2026-03-02: the cut-off is 2025-03-02. Lot A (10) is old; 7 of it was spent first; 3 expire.
    clock.moment = at(2026, 3, 2)
    assert expire_points() == (1, Decimal("3.00"))
    db.session.commit()
    db.session.expire_all()
    assert (resident.balance, resident.hours_total) == (Decimal("11.00"), Decimal("21.00"))  # hours stay
    last = db.session.scalars(db.select(PointEntry).order_by(PointEntry.id.desc())).first()
    assert (last.kind, last.points, last.hours, last.recorded_by_id) == ("expiry", Decimal("-3.00"),
                                                                        Decimal("0.00"), None)
    assert expire_points() == (0, Decimal("0.00"))  # run again: nothing more
    # Four months on, lot B (6, earned 2025-05-01) is old too and untouched: it expires whole; C stays.
    clock.moment = at(2026, 7, 2)
    assert expire_points() == (1, Decimal("6.00"))
    db.session.commit()
    db.session.expire_all()
    assert resident.balance == Decimal("5.00")
    entries = db.session.scalars(db.select(PointEntry).filter_by(volunteer_id=resident.id)).all()
    assert sum(e.points for e in entries) == resident.balance
    audit = db.session.scalars(db.select(AuditEntry).filter_by(action="expire_points").order_by(AuditEntry.id)).all()
    assert [a.data["points"] for a in audit] == ["-3.00", "-6.00"] and all(a.user_id is None for a in audit)


def test_spending_consumes_the_oldest_points_even_when_spent_late(app, world, resident, clock, monkeypatch):
    monkeypatch.setitem(app.config, "POINTS_EXPIRE_MONTHS", 6)
    entry(resident, "service", "4", at(2025, 1, 1), clock)
    entry(resident, "service", "4", at(2026, 2, 1), clock)
    entry(resident, "redemption", "-5", at(2026, 2, 20), clock)  # 4 from the old lot, 1 from the new
    clock.moment = at(2026, 3, 2)
    assert expire_points() == (0, Decimal("0.00"))
    db.session.expire_all()
    assert resident.balance == Decimal("3.00")


def test_the_expire_command(app, world, resident, clock, monkeypatch):
    monkeypatch.setitem(app.config, "POINTS_EXPIRE_MONTHS", 12)
    entry(resident, "service", "2.5", at(2024, 1, 1), clock)
    clock.moment = at(2026, 3, 2)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["volunteers", "expire"])
    assert result.exit_code == 0 and "2.50 points expired for 1 volunteers" in result.output
    db.session.expire_all()
    assert resident.balance == Decimal("0.00") and resident.hours_total == Decimal("2.50")
    again = app.test_cli_runner().invoke(args=["volunteers", "expire"])
    assert again.exit_code == 0 and "already ran for 2026-03-02" in again.output
    assert "0.00 points expired for 0" in app.test_cli_runner().invoke(args=["volunteers", "expire", "--again"]).output
