"""What must stay hidden stays hidden in every channel: sealed bids in the API history,
other firms' declarations, and redirects that would leave the site."""
import pytest

from procure.evaluators import operations as evaluators
from procure.extensions import db
from procure.formfields import json_to_formdata
from procure.procurement import operations as procurement


def _bid(project, user, price="30000.00"):
    procurement.submit_bid(project, user, json_to_formdata({"price": price, "plan": "方案"}))
    db.session.commit()


def test_history_hides_other_bidders_until_the_deadline(api, world, journey, clock):
    project = journey.drive(journey.create(), "tendering")
    _bid(project, world["provider"])
    _bid(project, world["provider2"], "29000.00")

    def bid_entries(username):
        history = api.as_(username).get(f"/projects/{project.id}/history").json
        return [e["organisation"] for e in history if e["action"] == "submit_bid"]

    assert bid_entries("provider") == ["阳光社会工作服务中心"]
    assert bid_entries("provider3") == []
    assert bid_entries("bureau") == []
    clock.advance(days=11)
    assert sorted(bid_entries("bureau")) == ["同心社工事务所", "阳光社会工作服务中心"]


def test_history_shows_a_firm_only_its_own_declarations(api, world, journey):
    project = journey.drive(journey.create(), "delivered")
    # The first firm picked declares a conflict and is recused; the second is picked and declares none.
    for firm, member, conflict in zip(world.evaluators, ("evaluator", "evaluator2"), (True, False)):
        evaluators.assign_evaluator(project, world["bureau"], json_to_formdata(
            {"evaluator_org_id": firm.id, "reason": "测试：依次指定两家机构。"}))
        evaluators.declare(project, world[member], json_to_formdata(
            {"has_conflict": conflict, "conflict_type": "financial" if conflict else "", "statement": "无"}))
    db.session.commit()
    history = api.as_("evaluator2").get(f"/projects/{project.id}/history").json
    declared = [e["organisation"] for e in history if e["action"] == "declare_conflict"]
    assert declared == [world.evaluators[1].name]
    # Draws and hand picks are the bureau's until the acceptance is over.
    assert not [e for e in history if e["action"] == "assign_evaluator"]
    bureau = api.as_("bureau").get(f"/projects/{project.id}/history").json
    assert len([e for e in bureau if e["action"] == "declare_conflict"]) == 2
    assert len([e for e in bureau if e["action"] == "assign_evaluator"]) == 2


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_login_never_redirects_off_site(client, world, target):
    from conftest import PASSWORD

    response = client.post(f"/login?next={target}", data={"username": "bureau", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/desk"


def test_language_switch_never_redirects_off_site(client):
    response = client.get("/lang/en", headers={"Referer": "https://evil.example/phish"})
    assert response.headers["Location"] == "/"
