"""Sessions that end: logout, a password change or reset and disabling end every session cookie and API token of
the user at once; idle and absolute lifetimes; a new session at login; Secure cookies over HTTPS."""
import pytest
from argon2 import PasswordHasher

from conftest import PASSWORD
from procure.accounts.models import ApiToken, User
from procure.extensions import db
from support import login


@pytest.fixture
def lifetimes(app):
    """The default lifetimes (the testing settings lift them: other tests move the clock by days)."""
    from config import Config

    saved = app.config["SESSION_IDLE_MINUTES"], app.config["SESSION_ABSOLUTE_HOURS"]
    app.config.update(SESSION_IDLE_MINUTES=Config.SESSION_IDLE_MINUTES,
                      SESSION_ABSOLUTE_HOURS=Config.SESSION_ABSOLUTE_HOURS)
    assert (Config.SESSION_IDLE_MINUTES, Config.SESSION_ABSOLUTE_HOURS) == (30, 12)
    yield
    app.config["SESSION_IDLE_MINUTES"], app.config["SESSION_ABSOLUTE_HOURS"] = saved


def cookie(client):
    return client.get_cookie("session").value


def copy_of(app, value):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def signed_in(client) -> bool:
    response = client.get("/desk")
    return response.status_code == 200


def test_a_cookie_copied_before_logout_no_longer_opens_the_desk(app, client, world):
    assert login(client, "bureau").status_code == 302
    assert signed_in(client)
    stolen = cookie(client)
    client.post("/logout")
    thief = copy_of(app, stolen)
    response = thief.get("/desk")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_ends_the_api_tokens_too(client, world):
    token = ApiToken.issue(world["bureau"], 12)
    db.session.commit()
    assert client.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    login(client, "bureau")
    client.post("/logout")
    assert client.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_the_session_changes_at_login(client, world):
    client.get("/login")
    # what an attacker planted in the cookie before the login (session fixation) does not survive it
    with client.session_transaction() as session:
        session["planted"] = "x"
    before = cookie(client)
    login(client, "bureau")
    assert cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"] == str(world["bureau"].id)
        first = session["sid"]
    login(client, "bureau")
    with client.session_transaction() as session:
        assert session["sid"] != first


def test_the_language_survives_a_login(client, world):
    client.get("/lang/en")
    login(client, "bureau")
    with client.session_transaction() as session:
        assert session["lang"] == "en"


def test_a_password_change_ends_other_sessions_and_tokens_and_keeps_this_one(app, client, world):
    other = app.test_client()
    login(other, "bureau")
    login(client, "bureau")
    token = ApiToken.issue(world["bureau"], 12)
    db.session.commit()
    response = client.post("/password", data={"current": PASSWORD, "new": "a-much-better-secret",
                                              "confirm": "a-much-better-secret"})
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)
    assert other.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    client.post("/logout")
    assert login(client, "bureau").status_code == 200  # the old password no longer works
    assert login(client, "bureau", "a-much-better-secret").status_code == 302


@pytest.mark.parametrize("new, lang, message", [
    ("short-1", "zh_Hans_CN", "密码至少需要 10 个字符"),
    ("short-1", "en", "at least 10 characters"),
    ("bureau-2026-x", "zh_Hans_CN", "密码不能包含用户名"),
    ("my-BUREAU-password", "en", "must not contain the username"),
    ("woaini1314", "zh_Hans_CN", "该密码过于常见"),
    ("Password123", "en", "too common"),
    ("qwertyuiop", "en", "too common"),
])
def test_the_policy_refuses_weak_passwords_in_both_languages(client, world, new, lang, message):
    login(client, "bureau")
    client.get(f"/lang/{lang}")
    response = client.post("/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.refresh(world["bureau"])
    assert PasswordHasher().verify(world["bureau"].password_hash, PASSWORD)


def test_a_wrong_current_password_or_a_mismatch_changes_nothing(client, world):
    login(client, "bureau")
    before = world["bureau"].password_hash
    wrong = client.post("/password", data={"current": "not-it-at-all", "new": "a-much-better-secret",
                                           "confirm": "a-much-better-secret"})
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    differ = client.post("/password", data={"current": PASSWORD, "new": "a-much-better-secret",
                                            "confirm": "a-much-better-secrex"})
    assert "两次输入的新密码不一致" in differ.get_data(as_text=True)
    db.session.refresh(world["bureau"])
    assert world["bureau"].password_hash == before
    assert signed_in(client)


def test_the_header_links_to_the_password_page(client, world):
    login(client, "provider")
    assert 'href="/password"' in client.get("/desk").get_data(as_text=True)
    assert client.get("/password").status_code == 200


def test_a_disabled_users_cookie_and_token_die_and_login_is_refused(app, client, world):
    login(client, "bureau")
    token = ApiToken.issue(world["bureau"], 12)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "disable", "bureau"])
    assert result.exit_code == 0, result.output
    assert not signed_in(client)
    assert client.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    refused = login(client, "bureau")
    assert refused.status_code == 200 and "该账号已停用" in refused.get_data(as_text=True)
    api = client.post("/api/v1/tokens", json={"username": "bureau", "password": PASSWORD})
    assert api.status_code == 401 and "disabled" in api.get_json()["message"]
    assert app.test_cli_runner().invoke(args=["users", "enable", "bureau"]).exit_code == 0
    assert login(client, "bureau").status_code == 302
    assert signed_in(client)


def test_the_session_ends_when_idle(app, client, world, clock, lifetimes):
    login(client, "bureau")
    for _ in range(5):  # used every 20 minutes: goes on past the idle limit of 30
        clock.advance(hours=1 / 3)
        assert signed_in(client)
    clock.advance(hours=0.5)
    assert not signed_in(client)


def test_the_session_ends_after_its_absolute_lifetime(app, client, world, clock, lifetimes):
    login(client, "bureau")
    for _ in range(35):  # never idle, but 11 h 40 min is the last it may go on
        clock.advance(hours=1 / 3)
        assert signed_in(client)
    clock.advance(hours=1 / 3)
    assert not signed_in(client)


def test_reset_password_prints_a_temporary_one_that_must_be_changed(app, client, world):
    login(client, "bureau")
    result = app.test_cli_runner().invoke(args=["users", "reset-password", "bureau"])
    assert result.exit_code == 0, result.output
    temporary = result.output.strip().rsplit(" ", 1)[-1]
    assert len(temporary) == 16
    assert not signed_in(client)
    assert client.post("/api/v1/tokens", json={"username": "bureau", "password": temporary}).status_code == 403
    response = login(client, "bureau", temporary)
    assert response.headers["Location"].endswith("/password")
    elsewhere = client.get("/desk")
    assert elsewhere.status_code == 302 and elsewhere.headers["Location"].endswith("/password")
    assert client.post("/password", data={"current": temporary, "new": "my-own-secret-now",
                                          "confirm": "my-own-secret-now"}).status_code == 302
    assert signed_in(client)
    assert client.post("/api/v1/tokens", json={"username": "bureau",
                                               "password": "my-own-secret-now"}).status_code == 201


def test_cli_refuses_unknown_users_and_weak_passwords(app, world):
    runner = app.test_cli_runner()
    for command in ("disable", "enable", "reset-password"):
        result = runner.invoke(args=["users", command, "nobody"])
        assert result.exit_code != 0 and "no user nobody" in result.output
    org = world["bureau"].organisation_id
    weak = runner.invoke(args=["users", "create", "newbie", "--role", "bureau", "--org", str(org),
                               "--password", "newbie12345"])
    assert weak.exit_code != 0 and "must not contain the username / 密码不能包含用户名" in weak.output
    common = runner.invoke(args=["users", "create", "newbie", "--role", "bureau", "--org", str(org),
                                 "--password", "1q2w3e4r5t"])
    assert common.exit_code != 0 and "too common" in common.output
    good = runner.invoke(args=["users", "create", "newbie", "--role", "bureau", "--org", str(org),
                               "--password", "procure-demo-2026"])
    assert good.exit_code == 0, good.output
    assert db.session.scalar(db.select(User).filter_by(username="newbie")) is not None


def test_login_rehashes_a_password_made_with_other_parameters(app, client, world):
    user = world["bureau"]
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=512).hash(PASSWORD)
    db.session.commit()
    assert login(client, "bureau").status_code == 302
    db.session.refresh(user)
    params = PasswordHasher(time_cost=app.config["ARGON2_TIME_COST"], memory_cost=app.config["ARGON2_MEMORY_COST"])
    assert "m=1024,t=1" in user.password_hash and not params.check_needs_rehash(user.password_hash)
    assert params.verify(user.password_hash, PASSWORD)


def test_the_api_rehashes_too(app, client, world):
    user = world["bureau"]
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=512).hash(PASSWORD)
    db.session.commit()
    assert client.post("/api/v1/tokens", json={"username": "bureau", "password": PASSWORD}).status_code == 201
    db.session.refresh(user)
    assert "m=1024,t=1" in user.password_hash


def test_cookies_are_secure_over_https(app, world):
    plain, secure = app.test_client(), app.test_client()
    assert "Secure" not in login(plain, "bureau").headers["Set-Cookie"]
    response = secure.post("/login", data={"username": "bureau", "password": PASSWORD},
                           base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    app.config["SESSION_COOKIE_SECURE_MODE"] = "1"
    try:
        assert "Secure" in app.test_client().post("/login", data={"username": "bureau",
                                                                    "password": PASSWORD}).headers["Set-Cookie"]
    finally:
        app.config["SESSION_COOKIE_SECURE_MODE"] = "auto"


def test_the_command_line_changes_are_audited_in_the_chain(app, world):
    from procure.audit import chain
    from procure.audit.models import AuditEntry

    runner = app.test_cli_runner()
    for command in ("disable", "enable", "reset-password"):
        assert runner.invoke(args=["users", command, "bureau"]).exit_code == 0
    db.session.expire_all()
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action.in_(["disable_user", "enable_user", "reset_password"])).order_by(AuditEntry.id)).all()
    assert [(e.action, e.data["username"], e.data["via"], e.user_id) for e in entries] == [
        ("disable_user", "bureau", "cli", None), ("enable_user", "bureau", "cli", None),
        ("reset_password", "bureau", "cli", None)]
    assert chain.verify(db.session).intact
