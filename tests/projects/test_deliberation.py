"""The residents' council (居民议事会) that agreed to a proposal really met: the community's registered council,
a date not in the future nor after the notice, minutes recorded, quorum and majority by the community class's
settings. Each refusal through the API (422, nothing changed) and on the pages."""
from datetime import timedelta
from fractions import Fraction

import pytest

from procure import clock as app_clock
from procure.extensions import db

from support import reason_codes


def meeting(**overrides) -> dict:
    data = {"held_on": (app_clock.today() - timedelta(days=3)).isoformat(), "members_total": 15,
            "members_present": 12, "votes_for": 11, "votes_against": 1, "minutes": "议事会讨论后表决通过申报。"}
    data.update(overrides)
    return data


def publish(api, project):
    return lambda: api.as_("community").fire(project, "publish_notice")


def test_three_present_of_a_declared_three_is_refused_for_a_council_of_fifteen(journey, api, refused):
    project = journey.create(deliberation=meeting(members_total=3, members_present=3, votes_for=3, votes_against=0))
    mismatch, quorum = refused(publish(api, project), "council_size_mismatch", "no_quorum")
    assert "3 人" in mismatch["message"] and "15 人" in mismatch["message"]
    assert "实到 3 人，未超过应到 15 人的 2/3" in quorum["message"]  # quorum counts the registered council


def test_a_community_without_a_registered_council_cannot_publish(journey, api, refused, world):
    world.community.members_total = None
    db.session.commit()
    project = journey.create()
    refused(publish(api, project), "council_size_unregistered")


def test_a_meeting_in_the_future_and_empty_minutes_never_reach_the_notice(journey, api, refused):
    ahead = (app_clock.today() + timedelta(days=30)).isoformat()
    project = journey.create(deliberation=meeting(held_on=ahead, minutes=""))
    reasons = refused(publish(api, project), "deliberation_in_future", "minutes_missing")
    assert ahead in reasons[0]["message"]
    blank = journey.create(deliberation=meeting(minutes="   \n "))
    refused(publish(api, blank), "minutes_missing")


def test_a_meeting_held_today_may_be_published(journey, api):
    project = journey.create(deliberation=meeting(held_on=app_clock.today().isoformat()))
    response = publish(api, project)()
    assert response.status_code == 200 and response.get_json()["state"] == "notice"


def test_a_meeting_after_the_notice_cannot_be_resubmitted(journey, api, refused, clock):
    project = journey.drive(journey.create(), "returned")
    published = project.notice_published_on
    clock.moment += timedelta(days=10)
    response = api.as_("community").patch(f"/projects/{project.id}", json={
        "version": project.version, "deliberation": meeting(held_on=(published + timedelta(days=1)).isoformat())})
    assert response.status_code == 200, response.get_json()
    [reason] = refused(lambda: api.as_("community").fire(project, "resubmit"), "deliberation_after_notice")
    assert published.isoformat() in reason["message"]


@pytest.mark.parametrize("quorum,majority,present,votes_for,codes", [
    ("3/4", "1/2", 11, 9, ["no_quorum"]),        # 11 of 15 is more than 2/3 but not more than 3/4
    ("3/4", "1/2", 12, 9, []),                   # 12 of 15 is more than 3/4
    ("2/3", "2/3", 12, 8, ["no_majority"]),      # 8 of 12 is exactly 2/3: not more than
    ("2/3", "2/3", 12, 9, []),
])
def test_quorum_and_majority_follow_the_community_class(journey, api, app, db_snapshot, quorum, majority, present,
                                                        votes_for, codes):
    settings = app.config["CLASS_QUORUM"], app.config["CLASS_MAJORITY"]
    saved = dict(settings[0]), dict(settings[1])
    settings[0]["mature"], settings[1]["mature"] = Fraction(quorum), Fraction(majority)
    try:
        project = journey.create(deliberation=meeting(members_present=present, votes_for=votes_for,
                                                      votes_against=present - votes_for))
        before = db_snapshot()
        response = publish(api, project)()
        if codes:
            assert reason_codes(response) == codes
            assert db_snapshot() == before
            assert quorum in response.get_json()["reasons"][0]["message"] or majority in \
                response.get_json()["reasons"][0]["message"]
        else:
            assert response.status_code == 200, response.get_json()
    finally:
        settings[0].update(saved[0])
        settings[1].update(saved[1])


def test_the_default_rules_are_more_than_two_thirds_present_and_half_in_favour(app):
    assert set(app.config["CLASS_QUORUM"].values()) == {Fraction(2, 3)}
    assert set(app.config["CLASS_MAJORITY"].values()) == {Fraction(1, 2)}
    assert set(app.config["CLASS_QUORUM"]) == set(app.config["CLASS_CAPS"])


# ---- the pages ------------------------------------------------------------------------------------

def test_the_proposal_form_offers_the_registered_council_and_its_rules(as_user):
    html = as_user("community").get("/projects/new").get_data(as_text=True)
    rules = html.split('data-testid="council-rules"')[1].split("</p>")[0]
    assert "15" in rules and "2/3" in rules and "1/2" in rules
    assert 'name="deliberation-members_total"' in html
    field = html.split('name="deliberation-members_total"')[1].split(">")[0]
    assert 'value="15"' in field


def test_the_project_page_names_the_mismatch_and_refuses_with_422(as_user, journey, db_snapshot):
    project = journey.create(deliberation=meeting(members_total=3, members_present=3, votes_for=3,
                                                  votes_against=0, minutes=""))
    client = as_user("community")
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert 'data-testid="council-mismatch"' in html
    block = html.split('data-testid="action-publish_notice"')[1].split("</div>")[0]
    assert "与本社区登记的议事会成员 15 人不一致" in block and "尚未填写议事会会议纪要" in block
    before = db_snapshot()
    response = client.post(f"/projects/{project.id}/fire/publish_notice", data={"version": project.version})
    assert response.status_code == 422
    assert "与本社区登记的议事会成员 15 人不一致" in response.get_data(as_text=True)
    assert db_snapshot() == before


def test_the_refusal_reads_in_english(as_user, journey):
    project = journey.create(deliberation=meeting(held_on=(app_clock.today() + timedelta(days=5)).isoformat()))
    client = as_user("community")
    client.get("/lang/en")
    html = client.get(f"/projects/{project.id}").get_data(as_text=True)
    block = html.split('data-testid="action-publish_notice"')[1].split("</div>")[0]
    assert "is later than today" in block
