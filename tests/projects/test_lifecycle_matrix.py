"""Every state × trigger × user, generated from procure.projects.states.TRANSITIONS.

For each state one project is driven there along a funding form's road; then every user tries every
trigger. The expected outcome comes from the table alone: a user without the trigger's part is
forbidden, a user with it in a state that is no source of the trigger gets an invalid transition, and
otherwise the trigger either fires or a guard refuses it; never a 403 or 409. Each attempt runs inside
a SAVEPOINT that is rolled back, so the one project serves every attempt. The same refusals are then
sent through the API, which must answer 404 to those who cannot see the project, 403 and 409 to the
others, and leave every row as it was.
"""
import pytest

from procure import lifecycle
from procure.demo.journey import BRANCHES, ROADS
from procure.errors import Forbidden, GuardFailed, InvalidInput, InvalidTransition, Refusal
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.lifecycle import available_triggers
from procure.projects.states import TRANSITIONS, State

from support import USERNAMES, Tokens, expected_parts, expected_visible, valid_input

FIRES = "fires"


def _cases():
    cases = [("purchase", state.value) for state in State]
    # The other roads differ from the purchase road once the catalogue is reached: who implements,
    # which agreement is signed, who claims completion.
    for form in ("subsidy", "reward"):
        road = ROADS[form]
        cases += [(form, state) for state in road[road.index("cataloged"):]] + [(form, "rectification")]
    return cases


CASES = _cases()


def test_cases_cover_every_state_and_the_table_names_only_known_parts():
    assert {state for form, state in CASES if form == "purchase"} == {s.value for s in State}
    reachable = {"draft", *BRANCHES, *(s for road in ROADS.values() for s in road)}
    assert reachable == {s.value for s in State}
    for trigger, (sources, dest, roles) in TRANSITIONS.items():
        assert set(sources) <= {s.value for s in State} and dest in {s.value for s in State}, trigger
        assert roles and roles <= {"community", "reviewer", "bureau", "implementer", "assigned_evaluator"}, trigger


def expected_outcome(parts, state, trigger):
    sources, _, roles = TRANSITIONS[trigger]
    if not roles & parts:
        return Forbidden
    if state not in sources:
        return InvalidTransition
    return FIRES  # or a guard's refusal


def attempt(project, trigger, user, data):
    """Fire inside a SAVEPOINT and roll it back: the outcome, the project untouched."""
    savepoint = db.session.begin_nested()
    try:
        lifecycle.fire(project, trigger, user, json_to_formdata(data), project.version)
        outcome = FIRES
    except Refusal as refusal:
        outcome = refusal
    finally:
        savepoint.rollback()
    return outcome


def refusal_of(project, trigger, user):
    """Fire where a refusal is expected: no SAVEPOINT needed, since a refusal must leave nothing
    behind, not even a pending change in the session."""
    try:
        lifecycle.fire(project, trigger, user, json_to_formdata({}), project.version)
    except Refusal as refusal:
        assert not db.session.new and not db.session.deleted, (trigger, user.username)
        assert not [o for o in db.session.dirty if db.session.is_modified(o)], (trigger, user.username)
        return refusal
    return FIRES


@pytest.mark.parametrize("form,state", CASES, ids=[f"{f}-{s}" for f, s in CASES])
def test_every_trigger_for_every_user(journey, world, client, db_snapshot, form, state):
    project = journey.drive(journey.create(funding_form=form), state)
    assert project.state == state
    project_id, version = project.id, project.version
    tokens = Tokens(client, world)
    refused_through_api = {}
    allowed = 0

    for username in USERNAMES:
        user = world[username]
        parts = expected_parts(world, username, project)
        available = set(available_triggers(user, project))
        for trigger in TRANSITIONS:
            expected = expected_outcome(parts, state, trigger)
            where = f"{username} {trigger} in {state} ({form})"
            if expected is FIRES:
                outcome = attempt(project, trigger, user, valid_input(trigger, project, world))
                assert outcome is FIRES or isinstance(outcome, GuardFailed), (where, outcome)
                assert not isinstance(outcome, InvalidInput), (where, getattr(outcome, "fields", None))
                # The API's available_transitions are exactly the triggers that fire now.
                assert (outcome is FIRES) == (trigger in available), (where, outcome, available)
                allowed += 1
            else:
                outcome = refusal_of(project, trigger, user)
                assert type(outcome) is expected, (where, outcome)
                assert trigger not in available, where
                # Through the API: one of each kind of refusal per user is enough to prove the mapping.
                refused_through_api.setdefault(username, {}).setdefault(expected, trigger)
        db.session.refresh(project)
        assert project.state == state and project.version == version

    # Every non-terminal state has somebody who may act on it (perhaps after a guard is satisfied).
    assert bool(allowed) == (state not in ("closed", "rejected", "withdrawn", "cancelled")), (form, state)

    # The refusals through the API: 404 to whoever cannot see the project, else 403 / 409; no row changes.
    before = db_snapshot()
    for username in USERNAMES:
        visible = expected_visible(world, username, project)
        detail = tokens.get(username, f"/projects/{project_id}")
        assert detail.status_code == (200 if visible else 404), (username, state, detail.get_json())
        if visible:
            body = detail.get_json()
            assert (body["state"], body["version"]) == (state, version)
            assert set(body["available_transitions"]) == set(available_triggers(world[username], project))
        for expected, trigger in refused_through_api.get(username, {}).items():
            response = tokens.post(username, f"/projects/{project_id}/transitions/{trigger}",
                                   json={"version": version, **valid_input(trigger, project, world)})
            status, code = (403, "forbidden") if expected is Forbidden else (409, "invalid_transition")
            if not visible:
                status, code = 404, "not_found"
            assert (response.status_code, response.get_json()["error"]) == (status, code), \
                (username, trigger, state, response.get_json())
    assert db_snapshot() == before


def test_terminal_states_accept_no_trigger_at_all():
    """closed / rejected / withdrawn / cancelled: no trigger lists them as a source."""
    for terminal in ("closed", "rejected", "withdrawn", "cancelled"):
        assert not [t for t, (sources, _, _) in TRANSITIONS.items() if terminal in sources]


def test_a_trigger_fired_through_the_api_moves_the_state_and_version(journey, api):
    project = journey.create()
    version = project.version
    response = api.as_("community").fire(project, "publish_notice")
    assert response.status_code == 200
    assert response.get_json() == {"state": "notice", "version": version + 1}
    db.session.refresh(project)
    assert (project.state, project.version) == ("notice", version + 1)
