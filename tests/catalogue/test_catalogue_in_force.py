"""Issue 14, part 2: buying only from a catalogue in force. Opening a tender, signing a subsidy agreement and
claiming a reward need the project's catalogue year published, its notice run and in force; before that each
is a 422 `catalogue_not_in_force` that changes nothing, through the API and through the page."""
import pytest

from procure import clock as app_clock
from procure.catalogue import operations as catalogues
from procure.catalogue.models import Catalogue
from procure.extensions import db
from procure.formfields import json_to_formdata

from support import login, valid_input

# trigger → (funding form, who fires it, the state it leads to)
BUYING = {"open_tender": ("purchase", "bureau", "tendering"),
          "sign_agreement": ("subsidy", "bureau", "contracted"),
          "claim_completion": ("reward", "community", "delivered")}
MESSAGE = "年度购买服务目录尚未生效"


@pytest.fixture
def as_user(client, world):
    def log_in(username):
        client.post("/logout")
        assert login(client, username).status_code == 302
        return client
    return log_in


def cataloged(journey, funding_form):
    return journey.drive(journey.create(funding_form=funding_form), "cataloged")


def catalogue_of(project) -> Catalogue:
    return db.session.scalar(db.select(Catalogue).filter_by(year=project.catalogue_year))


def publish(journey, project):
    catalogues.publish(catalogue_of(project), journey.cast.bureau)
    db.session.commit()


def bring_into_force(journey, project, clock):
    catalogue = catalogue_of(project)
    clock.advance(days=(catalogue.notice_ends_on - app_clock.today()).days + 1)
    catalogues.bring_into_force(catalogue, journey.cast.bureau)
    db.session.commit()


def fire_api(api, world, project, trigger):
    _form, username, _state = BUYING[trigger]
    return lambda: api.as_(username).fire(project, trigger, **valid_input(trigger, project, world))


@pytest.mark.parametrize("trigger", BUYING)
def test_through_the_api_refused_while_draft_and_during_the_notice_then_allowed(api, world, journey, clock,
                                                                                refused, trigger):
    form, username, state = BUYING[trigger]
    project = cataloged(journey, form)
    assert catalogue_of(project).state == "draft"
    [reason] = refused(fire_api(api, world, project, trigger), "catalogue_not_in_force")
    assert MESSAGE in reason["message"] and str(project.catalogue_year) in reason["message"]

    publish(journey, project)
    assert catalogue_of(project).state == "published"
    refused(fire_api(api, world, project, trigger), "catalogue_not_in_force")

    bring_into_force(journey, project, clock)
    response = fire_api(api, world, project, trigger)()
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["state"] == state


@pytest.mark.parametrize("trigger", BUYING)
def test_through_the_page_not_offered_with_the_reason_refused_then_allowed(as_user, world, journey, clock,
                                                                           db_snapshot, trigger):
    form, username, state = BUYING[trigger]
    project = cataloged(journey, form)

    def post():
        db.session.refresh(project)
        data = json_to_formdata({**valid_input(trigger, project, world), "version": project.version})
        return as_user(username).post(f"/projects/{project.id}/fire/{trigger}", data=data)

    for step in ("draft", "published"):
        if step == "published":
            publish(journey, project)
        html = as_user(username).get(f"/projects/{project.id}").get_data(as_text=True)
        block = html.split(f'data-testid="action-{trigger}"')[1].split("</div>")[0]
        assert "disabled" in block and MESSAGE in block, step  # shown with the reason, not offered
        assert f'action="/projects/{project.id}/fire/{trigger}"' not in html
        before = db_snapshot()
        response = post()
        assert response.status_code == 422, step
        assert MESSAGE in response.get_data(as_text=True)
        assert db_snapshot() == before

    bring_into_force(journey, project, clock)
    html = as_user(username).get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'action="/projects/{project.id}/fire/{trigger}"' in html
    response = post()
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.state == state


@pytest.mark.parametrize("trigger", BUYING)
def test_against_next_years_draft_catalogue_is_refused(api, world, journey, clock, refused, trigger):
    """This year's catalogue is in force, but the project is listed in next year's draft: not yet."""
    form, _username, _state = BUYING[trigger]
    current = cataloged(journey, form)
    publish(journey, current)
    bring_into_force(journey, current, clock)
    project = journey.drive(journey.create(funding_form=form), "approved")
    next_year = app_clock.today().year + 1
    journey.fire(project, "list_in_catalogue", journey.cast.bureau, catalogue_year=next_year)
    assert project.catalogue_year == next_year and catalogue_of(project).state == "draft"
    assert catalogue_of(current).state == "in_force"
    refused(fire_api(api, world, project, trigger), "catalogue_not_in_force")


def test_the_openapi_document_lists_the_reason_for_the_three_triggers(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for trigger in BUYING:
        [operation] = [path["post"] for name, path in document["paths"].items()
                       if name.endswith(f"/transitions/{trigger}")]
        assert "catalogue_not_in_force" in str(operation), trigger
