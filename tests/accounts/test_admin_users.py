"""The admin's user pages and everyone's API tokens: each change is audited, only admins reach /admin/users and
/admin/tokens, a disabled or reset user is signed out at once, a revoked token stops working at once."""
import re

import pytest

from conftest import PASSWORD
from procure.accounts.models import ApiToken, User
from procure.audit.models import AuditEntry
from procure.extensions import db
from support import login


def entries(action):
    return db.session.scalars(db.select(AuditEntry).filter_by(action=action)).all()


def user_named(username):
    db.session.expire_all()
    return db.session.scalar(db.select(User).filter_by(username=username))


def test_only_admins_reach_the_pages(client, world):
    for path in ("/admin/users", "/admin/users/new", f"/admin/users/{world['bureau'].id}", "/admin/tokens"):
        assert client.get(path).status_code == 302  # to the login
    login(client, "bureau")
    for path in ("/admin/users", "/admin/users/new", f"/admin/users/{world['bureau'].id}", "/admin/tokens"):
        assert client.get(path).status_code == 404
    assert client.post(f"/admin/users/{world['community'].id}/disable").status_code == 404
    assert user_named("community").active


def test_the_list_searches_and_filters(as_user, world):
    client = as_user("admin")
    page = client.get("/admin/users?q=provider").get_data(as_text=True)
    assert 'data-testid="user-provider2"' in page and 'data-testid="user-bureau"' not in page
    page = client.get("/admin/users?role=evaluator").get_data(as_text=True)
    assert 'data-testid="user-evaluator2"' in page and 'data-testid="user-provider"' not in page
    assert client.get("/admin/users?q=%00&role=nonsense&status=x").status_code == 200


def test_create_with_a_generated_password_shown_once_and_changed_at_first_login(app, as_user, world):
    client = as_user("admin")
    response = client.post("/admin/users/new", data={
        "username": "newcomer", "display_name": "新同事", "organisation": world.community.id, "role": "community"})
    assert response.status_code == 200
    password = re.search(r'data-testid="temporary-password">([^<]+)<', response.get_data(as_text=True)).group(1)
    user = user_named("newcomer")
    assert user.must_change_password and user.organisation_id == world.community.id
    [entry] = entries("create_user")
    assert entry.user_id == world["admin"].id and entry.data["username"] == "newcomer"
    assert password not in str(entry.data)
    other = app.test_client()
    response = other.post("/login", data={"username": "newcomer", "password": password})
    assert response.status_code == 302 and "/password" in response.headers["Location"]


def test_create_refuses_bad_input_on_its_fields(as_user, world):
    client = as_user("admin")
    cases = [
        ({"username": "x1", "display_name": "x", "organisation": world.community.id, "role": "bureau"}, "role"),
        ({"username": "bureau", "display_name": "x", "organisation": world.orgs["city"].id, "role": "bureau"},
         "username"),
        ({"username": "good", "display_name": "x", "organisation": world.orgs["city"].id, "role": "bureau",
          "password": "short"}, "password"),
        ({"username": "bad name", "display_name": "x", "organisation": world.orgs["city"].id, "role": "bureau"},
         "username"),
        ({"username": "good", "display_name": "x", "organisation": "abc", "role": "bureau"}, "organisation"),
        ({"username": "good", "display_name": "x\x00", "organisation": world.orgs["city"].id, "role": "nope"},
         "role"),
    ]
    for data, field in cases:
        response = client.post("/admin/users/new", data=data)
        assert response.status_code == 200, data
        page = response.get_data(as_text=True)
        assert re.search(rf'has-error" data-field="{field}"', page), (data, field)
    assert user_named("good") is None and user_named("x1") is None
    assert entries("create_user") == []


def test_create_with_a_chosen_password(as_user, world):
    client = as_user("admin")
    response = client.post("/admin/users/new", data={
        "username": "chosen", "display_name": "选定", "organisation": world.orgs["city"].id, "role": "reviewer",
        "password": "a-long-enough-Passphrase"})
    assert response.status_code == 302
    assert user_named("chosen").must_change_password


def test_edit_changes_role_and_organisation_and_ends_sessions(app, as_user, world):
    other = app.test_client()
    login(other, "reviewer")
    client = as_user("admin")
    reviewer = world["reviewer"]
    response = client.post(f"/admin/users/{reviewer.id}", data={
        "display_name": "新名字", "organisation": world.orgs["far"].id, "role": "bureau"})
    assert response.status_code == 302
    user = user_named("reviewer")
    assert (user.display_name, user.role, user.organisation_id) == ("新名字", "bureau", world.orgs["far"].id)
    [entry] = entries("update_user")
    assert entry.data["before"]["role"] == "reviewer" and entry.data["after"]["role"] == "bureau"
    assert other.get("/desk").status_code == 302
    # a role that does not fit the organisation's kind is refused on the field
    response = client.post(f"/admin/users/{reviewer.id}", data={
        "display_name": "新名字", "organisation": world.providers[0].id, "role": "bureau"})
    assert response.status_code == 200 and 'has-error" data-field="role"' in response.get_data(as_text=True)
    assert user_named("reviewer").organisation_id == world.orgs["far"].id


def test_disable_signs_the_user_out_and_kills_tokens_then_enable(app, as_user, world):
    token = ApiToken.issue(world["bureau"], 12)
    db.session.commit()
    other = app.test_client()
    login(other, "bureau")
    assert other.get("/desk").status_code == 200
    client = as_user("admin")
    assert client.post(f"/admin/users/{world['bureau'].id}/disable").status_code == 302
    response = other.get("/desk")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert other.get("/api/v1/projects", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert not user_named("bureau").active and len(entries("disable_user")) == 1
    assert login(app.test_client(), "bureau").status_code == 200  # refused
    client.post(f"/admin/users/{world['bureau'].id}/enable")
    assert user_named("bureau").active and len(entries("enable_user")) == 1
    assert login(app.test_client(), "bureau").status_code == 302


def test_an_admin_cannot_disable_themselves(as_user, world):
    client = as_user("admin")
    client.post(f"/admin/users/{world['admin'].id}/disable")
    assert user_named("admin").active and entries("disable_user") == []


def test_reset_password_shows_it_once_and_forces_a_change(app, as_user, world):
    other = app.test_client()
    login(other, "provider")
    client = as_user("admin")
    response = client.post(f"/admin/users/{world['provider'].id}/reset-password")
    password = re.search(r'data-testid="temporary-password">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert other.get("/desk").status_code == 302
    assert login(app.test_client(), "provider").status_code == 200  # the old password no longer works
    fresh = app.test_client()
    response = fresh.post("/login", data={"username": "provider", "password": password})
    assert "/password" in response.headers["Location"]
    assert user_named("provider").must_change_password and len(entries("reset_password")) == 1


def test_everyone_lists_and_revokes_their_own_tokens_only(as_user, client, world):
    mine = ApiToken.issue(world["bureau"], 12)
    theirs = ApiToken.issue(world["reviewer"], 12)
    db.session.commit()
    mine_id = db.session.scalar(db.select(ApiToken.id).filter_by(token_hash=ApiToken.digest(mine)))
    theirs_id = db.session.scalar(db.select(ApiToken.id).filter_by(token_hash=ApiToken.digest(theirs)))
    as_user("bureau")
    page = client.get("/tokens").get_data(as_text=True)
    assert f'data-testid="token-{mine_id}"' in page and f'data-testid="token-{theirs_id}"' not in page
    assert client.post(f"/tokens/{theirs_id}/revoke").status_code == 404
    assert client.post(f"/tokens/{mine_id}/revoke").status_code == 302
    auth = {"Authorization": f"Bearer {mine}"}
    assert client.get("/api/v1/projects", headers=auth).status_code == 401
    assert client.get("/api/v1/projects", headers={"Authorization": f"Bearer {theirs}"}).status_code == 200
    [entry] = entries("revoke_api_token")
    assert entry.user_id == world["bureau"].id and entry.data["token_id"] == mine_id


def test_the_admin_revokes_anyones_token(as_user, client, world):
    theirs = ApiToken.issue(world["reviewer"], 12)
    db.session.commit()
    theirs_id = db.session.scalar(db.select(ApiToken.id).filter_by(token_hash=ApiToken.digest(theirs)))
    as_user("admin")
    assert f'data-testid="token-{theirs_id}"' in client.get("/admin/tokens").get_data(as_text=True)
    assert client.post(f"/admin/tokens/{theirs_id}/revoke").status_code == 302
    assert client.get("/api/v1/projects", headers={"Authorization": f"Bearer {theirs}"}).status_code == 401
    assert client.post(f"/admin/tokens/{theirs_id}/revoke").status_code == 404


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/tokens", "/tokens"])
def test_pages_answer_for_the_admin(as_user, world, path):
    assert as_user("admin").get(path).status_code == 200


def test_the_admin_unlocks_an_account_locked_by_failed_sign_ins(app, as_user, world):
    visitor = app.test_client()
    attacker = {"REMOTE_ADDR": "198.51.100.7"}  # an address of its own: the address is locked as well
    statuses = [visitor.post("/login", data={"username": "bureau", "password": "wrong-password-0"},
                             environ_base=attacker).status_code for _ in range(10)]
    assert statuses == [200] * 10
    assert login(visitor, "bureau").status_code == 429  # the account is locked from any address
    client = as_user("admin")
    page = client.get(f"/admin/users/{world['bureau'].id}").get_data(as_text=True)
    assert 'data-testid="unlock-user"' in page and "登录失败 10 次" in page
    assert client.post(f"/admin/users/{world['bureau'].id}/unlock").status_code == 302
    [entry] = entries("unlock_user")
    assert entry.user_id == world["admin"].id and entry.data["failures"] == 10
    assert 'data-testid="unlock-user"' not in client.get(f"/admin/users/{world['bureau'].id}").get_data(as_text=True)
    assert login(app.test_client(), "bureau").status_code == 302
