"""The admin creates and changes organisations on /admin/organisations: checked on the fields, a failing credit code
only with a reason, a kind that no longer fits a user's role refused, each change audited."""
from procure.accounts.models import Organisation
from procure.audit.models import AuditEntry
from procure.codes import make_uscc
from procure.extensions import db


def entries(action):
    return db.session.scalars(db.select(AuditEntry).filter_by(action=action)).all()


def org_named(name):
    db.session.expire_all()
    return db.session.scalar(db.select(Organisation).filter_by(name=name))


def test_others_cannot_create(as_user, world):
    client = as_user("bureau")
    assert client.post("/admin/organisations/new", data={"name": "x"}).status_code == 404


def test_create_a_community_and_a_provider(as_user, world):
    client = as_user("admin")
    response = client.post("/admin/organisations/new", data={
        "name": "新星社区", "kind": "community", "division_code": "330102001009", "community_class": "mature"})
    assert response.status_code == 302
    assert org_named("新星社区").community_class == "mature"
    code = make_uscc("52330109MJ0000009")
    response = client.post("/admin/organisations/new", data={
        "name": "新承接主体", "kind": "provider", "division_code": "330102", "credit_code": code})
    assert response.status_code == 302 and org_named("新承接主体").credit_code == code
    assert len(entries("create_organisation")) == 2


def test_create_refuses_bad_input(as_user, world):
    client = as_user("admin")
    cases = [
        ({"name": "甲", "kind": "community", "division_code": "330102001009"}, 400),  # no class
        ({"name": "甲", "kind": "community", "division_code": "33", "community_class": "mature"}, 400),
        ({"name": "甲", "kind": "provider", "division_code": "330102"}, 400),  # no credit code
        ({"name": "甲", "kind": "spaceship", "division_code": "330102"}, 400),
        ({"name": "甲", "kind": "provider", "division_code": "330102", "credit_code": "91330100MA00000000"}, None),
    ]
    for data, status in cases:
        response = client.post("/admin/organisations/new", data=data)
        assert response.status_code in ((status,) if status else (409, 422)), (data, response.status_code)
        assert "data-testid=\"new-organisation\"" in response.get_data(as_text=True)
    assert org_named("甲") is None and entries("create_organisation") == []
    # with a reason the failing code is kept as an override
    response = client.post("/admin/organisations/new", data={
        "name": "甲", "kind": "provider", "division_code": "330102", "credit_code": "91330100MA00000000",
        "override_reason": "登记证书原件已核对"})
    assert response.status_code == 302 and org_named("甲").credit_code_override


def test_edit_and_a_kind_that_misfits_its_users(as_user, world):
    client = as_user("admin")
    community = world.community
    response = client.post(f"/admin/organisations/{community.id}", data={
        "name": "幸福社区（新）", "kind": "community", "division_code": community.division_code,
        "community_class": "work_unit"})
    assert response.status_code == 302
    assert org_named("幸福社区（新）").community_class == "work_unit"
    [entry] = entries("update_organisation")
    assert entry.data["before"]["community_class"] == "mature"
    response = client.post(f"/admin/organisations/{community.id}", data={
        "name": "幸福社区（新）", "kind": "government", "division_code": community.division_code})
    assert response.status_code in (400, 409, 422)
    assert org_named("幸福社区（新）").kind == "community"
