"""Separation of duties where the community implements the project itself (项目奖励): the reviewer of its area,
the street office (街道), confirms the acceptance and fills the community's score sheet; the community trying
either is a 422 `community_is_implementer` that changes nothing. Through the API and the pages."""
from procure.acceptance.models import CommunityConfirmation
from procure.extensions import db
from procure.performance_evaluation import operations as performance
from procure.performance_evaluation.models import ScoreSheet

CONFIRMATION = {"agreed": True, "opinion": "居民代表现场核实，同意验收。", "residents_present": 4}


def confirm(api, username, project):
    return api.as_(username).post(f"/projects/{project.id}/acceptance/confirmation", json=CONFIRMATION)


def full_sheet(project) -> list[dict]:
    from procure.demo.journey import Journey

    state = performance.state_of(project)
    return [{"indicator_id": leaf.indicator.id, **Journey.full_marks(leaf.indicator)}
            for leaf in state.leaves if leaf.indicator.kind != "satisfaction"]


def sheet(api, username, project, submit=True):
    return api.as_(username).post(f"/projects/{project.id}/evaluation/sheets",
                                  json={"submit": submit, "scores": full_sheet(project)})


def page(client, project) -> str:
    return client.get(f"/projects/{project.id}").get_data(as_text=True)


# ---- the acceptance confirmation --------------------------------------------------------------------

def test_the_community_cannot_confirm_the_acceptance_of_its_own_reward(journey, api, refused):
    project = journey.drive(journey.create(funding_form="reward", amount="15000.00"), "under_acceptance")
    [reason] = refused(lambda: confirm(api, "community", project), "community_is_implementer")
    assert "街道" in reason["message"]
    assert db.session.scalar(db.select(CommunityConfirmation)) is None


def test_the_street_office_confirms_a_reward_and_the_acceptance_goes_on(journey, api):
    project = journey.drive(journey.create(funding_form="reward", amount="15000.00"), "under_acceptance")
    response = confirm(api, "reviewer", project)
    assert response.status_code == 200, response.get_json()
    row = db.session.scalar(db.select(CommunityConfirmation).filter_by(project_id=project.id))
    assert row.confirmed_by_id == journey.cast.reviewer.id
    journey.accept(project)
    assert project.state == "accepted"


def test_a_reviewer_of_another_area_and_a_reviewer_on_a_purchase_are_refused(journey, api):
    reward = journey.drive(journey.create(funding_form="reward", amount="15000.00"), "under_acceptance")
    assert confirm(api, "reviewer_far", reward).status_code == 404
    purchase = journey.drive(journey.create(), "under_acceptance")
    assert confirm(api, "reviewer", purchase).status_code == 403  # the community confirms a provider's work
    assert confirm(api, "community", purchase).status_code == 200


def test_the_pages_offer_the_confirmation_to_the_street_office_only(journey, as_user, db_snapshot):
    project = journey.drive(journey.create(funding_form="reward", amount="15000.00"), "under_acceptance")
    community = as_user("community")
    html = page(community, project)
    assert 'data-testid="street-office-confirms"' in html and 'data-testid="acceptance-confirmation"' not in html
    before = db_snapshot()
    response = community.post(f"/projects/{project.id}/acceptance/confirmation",
                              data={**CONFIRMATION, "agreed": "y"})
    assert response.status_code == 422 and "验收确认和社区评分须由所在街道（审核人员）办理" in response.get_data(as_text=True)
    assert db_snapshot() == before
    reviewer = as_user("reviewer")
    assert 'data-testid="acceptance-confirmation"' in page(reviewer, project)
    response = reviewer.post(f"/projects/{project.id}/acceptance/confirmation", data={**CONFIRMATION, "agreed": "y"})
    assert response.status_code == 302
    assert 'data-testid="confirmation-shown"' in page(reviewer, project)


# ---- the community's score sheet -------------------------------------------------------------------

def test_the_street_office_fills_the_community_sheet_of_a_reward(journey, api, refused):
    project = journey.drive(journey.create(funding_form="reward", amount="15000.00"), "accepted")
    refused(lambda: sheet(api, "community", project), "community_is_implementer")
    assert db.session.scalar(db.select(ScoreSheet).filter_by(party="community")) is None
    response = sheet(api, "reviewer", project)
    assert response.status_code == 200, response.get_json()
    seen = api.as_("reviewer").get(f"/projects/{project.id}/evaluation").get_json()
    assert seen["party"] == "community" and seen["submitted"] == ["community"]
    assert api.as_("community").get(f"/projects/{project.id}/evaluation").get_json()["party"] is None


def test_a_reward_is_evaluated_with_the_street_office_sheet(journey):
    project = journey.drive(journey.create(funding_form="reward", amount="15000.00"), "accepted")
    journey.evaluate(project)  # the survey, the three sheets (the street office's for the community), the grade
    assert project.state == "evaluated" and project.grade == "excellent"
    saved = performance.sheets_of(performance.evaluation_of(project))["community"]
    assert saved.user_id == journey.cast.reviewer.id


def test_on_a_purchase_the_community_scores_and_the_reviewer_does_not(journey, api):
    project = journey.drive(journey.create(), "accepted")
    assert sheet(api, "reviewer", project).status_code == 403
    assert sheet(api, "community", project).status_code == 200


def test_the_pages_offer_the_community_sheet_to_the_street_office_only(journey, as_user, db_snapshot):
    project = journey.drive(journey.create(funding_form="reward", amount="15000.00"), "accepted")
    community = as_user("community")
    html = page(community, project)
    assert 'data-testid="street-office-scores"' in html and 'data-testid="score-sheet-form"' not in html
    rows = full_sheet(project)
    form = {"submit": "true"}
    for index, row in enumerate(rows):
        form.update({f"scores-{index}-{key}": str(value) for key, value in row.items()})
    before = db_snapshot()
    response = community.post(f"/projects/{project.id}/evaluation/sheet", data=form)
    assert response.status_code == 422
    assert db_snapshot() == before
    reviewer = as_user("reviewer")
    html = page(reviewer, project)
    assert 'data-testid="score-sheet-form"' in html and "本方评分（社区）" in html
    assert reviewer.post(f"/projects/{project.id}/evaluation/sheet", data=form).status_code == 302
    db.session.expire_all()
    saved = performance.sheets_of(performance.evaluation_of(project))["community"]
    assert saved.submitted_at is not None and saved.user_id == journey.cast.reviewer.id
