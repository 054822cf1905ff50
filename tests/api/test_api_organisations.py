"""GET /organisations lets a client find the ids that actions take; long lists are refused, not cut."""
from procure.demo.journey import proposal


def test_organisations_by_kind(api, world):
    response = api.as_("bureau").get("/organisations?kind=evaluator")
    assert response.status_code == 200
    assert {o["name"] for o in response.json} == {"明镜评估事务所", "公信第三方评估中心"}
    assert all(o["kind"] == "evaluator" for o in response.json)


def test_organisations_unknown_kind_is_400(api, world):
    response = api.as_("bureau").get("/organisations?kind=nonsense")
    assert response.status_code == 400 and "kind" in response.json["fields"]


def test_organisations_need_a_token(client):
    assert client.get("/api/v1/organisations").status_code == 401


def test_more_budget_lines_than_allowed_is_refused_whole(api, world, db_snapshot):
    payload = proposal()
    payload["budget_lines"] = [{"item": f"第{i}项", "amount": "1.00"} for i in range(101)]
    before = db_snapshot()
    response = api.as_("community").post("/projects", json=payload)
    assert response.status_code == 400
    assert "budget_lines" in response.json["fields"]
    assert db_snapshot() == before
