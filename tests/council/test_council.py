"""A community registers its council (居民议事会) size: its staff or an admin change it against the version they
read, a registered size changes only with a reason, each change is audited, and the proposal checks against it.
Through the API and the pages."""
from procure.audit.models import AuditEntry
from procure.extensions import db

from support import reason_codes


def council(api, username, org):
    return api.as_(username).get(f"/organisations/{org.id}/council")


def put(api, username, org, size, version, reason=""):
    return api.as_(username).put(f"/organisations/{org.id}/council",
                                 json={"council_size": size, "version": version, "reason": reason})


def test_the_community_reads_and_changes_its_council_with_a_reason(api, world):
    org = world.community
    seen = council(api, "community", org).get_json()
    assert seen["council_size"] == 15 and seen["quorum"] == "2/3" and seen["majority"] == "1/2"
    response = put(api, "community", org, 17, seen["version"], "换届选举，增补两名居民代表")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["council_size"] == 17 and body["version"] == seen["version"] + 1
    assert body["history"][0]["before"] == 15 and body["history"][0]["after"] == 17
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="set_council_size"))
    assert entry.user_id == world["community"].id and entry.comment == "换届选举，增补两名居民代表"
    assert entry.data["community_id"] == org.id and (entry.data["before"], entry.data["after"]) == (15, 17)
    listed = {o["id"]: o for o in api.as_("bureau").get("/organisations?kind=community").get_json()}
    assert listed[org.id]["council_size"] == 17


def test_refusals_change_nothing(api, world, refused, db_snapshot):
    org = world.community
    version = council(api, "community", org).get_json()["version"]
    refused(lambda: put(api, "community", org, 17, version), "council_change_unexplained")
    refused(lambda: put(api, "community", org, 15, version, "核对"), "council_size_unchanged")
    before = db_snapshot()
    assert put(api, "community", org, 17, version + 1, "换届").get_json()["error"] == "stale_version"
    assert put(api, "community", org, 0, version, "换届").status_code == 400
    assert put(api, "community", org, "十五", version, "换届").status_code == 400
    assert db_snapshot() == before


def test_a_first_registration_needs_no_reason(api, world):
    org = world.community
    org.members_total = None
    db.session.commit()
    response = put(api, "community", org, 9, org.council_version)
    assert response.status_code == 200 and response.get_json()["history"][0]["before"] is None


def test_who_may_read_and_change(api, world):
    org = world.community
    assert council(api, "community_b", org).status_code == 404
    assert council(api, "reviewer_far", org).status_code == 404
    assert council(api, "provider", org).status_code == 404
    assert council(api, "reviewer", org).status_code == 200 and council(api, "bureau", org).status_code == 200
    assert put(api, "reviewer", org, 16, 0, "x").status_code == 403
    assert put(api, "bureau", org, 16, 0, "x").status_code == 403
    assert council(api, "community", world.orgs["city"]).status_code == 404  # not a community
    assert put(api, "admin", org, 16, 0, "区民政局核定").status_code == 200


def test_two_changes_from_the_same_version_the_second_is_a_409(api, world):
    org = world.community
    assert put(api, "community", org, 16, 0, "换届").status_code == 200
    assert put(api, "admin", org, 18, 0, "核定").status_code == 409
    assert council(api, "community", org).get_json()["council_size"] == 16


def test_the_proposal_follows_the_new_size(api, world, journey):
    project = journey.create()  # the journey's meeting names 15 members
    assert put(api, "community", world.community, 21, 0, "换届").status_code == 200
    db.session.refresh(project.community)
    response = api.as_("community").fire(project, "publish_notice")
    assert reason_codes(response) == ["council_size_mismatch", "no_quorum"]  # 12 of 21 present is not over 2/3


# ---- the pages ------------------------------------------------------------------------------------

def test_the_council_page_for_the_community(as_user, world, db_snapshot):
    org = world.community
    client = as_user("community")
    assert client.get("/council").headers["Location"].endswith(f"/council/{org.id}")
    html = client.get(f"/council/{org.id}").get_data(as_text=True)
    assert 'data-testid="council-form"' in html and "15 人" in html.split('data-testid="council-size"')[1][:40]
    before = db_snapshot()
    response = client.post(f"/council/{org.id}", data={"council_size": "17", "reason": "", "version": "0"})
    assert response.status_code == 422 and "变更已登记的议事会成员人数须说明理由" in response.get_data(as_text=True)
    assert db_snapshot() == before
    response = client.post(f"/council/{org.id}", data={"council_size": "abc", "reason": "换届", "version": "0"})
    assert response.status_code == 400
    response = client.post(f"/council/{org.id}", data={"council_size": "17", "reason": "换届选举", "version": "0"})
    assert response.status_code == 302
    html = client.get(f"/council/{org.id}").get_data(as_text=True)
    assert "15 → 17 人" in html and "换届选举" in html
    assert client.get(f"/council/{world.community_b.id}").status_code == 404


def test_the_council_pages_for_the_bureau_and_the_admin(as_user, world):
    bureau = as_user("bureau")
    html = bureau.get("/council").get_data(as_text=True)
    assert world.community.name in html and world.community_far.name not in html
    page = bureau.get(f"/council/{world.community.id}").get_data(as_text=True)
    assert 'data-testid="council-form"' not in page and 'data-testid="council-rules"' in page
    assert bureau.post(f"/council/{world.community.id}",
                       data={"council_size": "17", "reason": "x", "version": "0"}).status_code == 403
    admin = as_user("admin")
    assert world.community_far.name in admin.get("/council").get_data(as_text=True)
    assert 'data-testid="council-form"' in admin.get(f"/council/{world.community.id}").get_data(as_text=True)
    assert as_user("provider").get("/council").status_code == 404
