"""An indicator template keeps a resident satisfaction indicator under 效益 (issue 14, part 5): a custom
template that drops it, or moves it to another group, is refused through the API and the pages (422 with a
reason code of its own, nothing stored)."""
from procure.extensions import db
from procure.performance_evaluation.models import IndicatorTemplate
from procure.performance_evaluation.templates import default_template, rows_of

from openapi_check import check
from support import reason_codes


def _rows(**changes) -> list[dict]:
    rows = rows_of(default_template())
    for row in rows:
        row.update(changes.get(row["code"], {}))
        row["weight"] = str(row["weight"])
    return rows


def without_satisfaction() -> list[dict]:
    """效益 with its satisfaction leaf replaced by a scale indicator of the same weight."""
    return _rows(**{"effect.satisfaction": {"kind": "scale", "scale_max": 5, "name": "居民获得感"}})


def satisfaction_under_output() -> list[dict]:
    """The satisfaction leaf moved from 效益 to 产出 (weights re-balanced so the tree itself is valid)."""
    rows = _rows(**{"effect.satisfaction": {"kind": "scale", "scale_max": 5, "name": "居民获得感"},
                    "output.beneficiaries": {"kind": "satisfaction", "name": "受益人满意度"}})
    return rows


def post(api, rows, name="助老服务评价指标"):
    return api.as_("bureau").post("/indicator-templates", json={"name": name, "category_code": "A01",
                                                                "indicators": rows})


def test_the_api_refuses_a_template_without_satisfaction_under_effect(api, doc, db_snapshot):
    dropped, moved = without_satisfaction(), satisfaction_under_output()
    db.session.commit()  # the default template they copy, made the first time it is needed
    before = db_snapshot()
    response = post(api, dropped)
    check(doc, "/indicator-templates", "post", response, 422)
    assert reason_codes(response) == ["satisfaction_indicator_missing"]
    assert "“效益”下须保留一项满意度指标" in response.get_json()["reasons"][0]["message"]
    assert db_snapshot() == before

    response = post(api, moved)
    assert reason_codes(response) == ["satisfaction_indicator_missing", "satisfaction_indicator_misplaced"]
    assert "满意度指标“受益人满意度”须位于“效益”之下" in response.get_json()["reasons"][1]["message"]
    assert db_snapshot() == before

    english = api.as_("bureau").post("/indicator-templates", headers={"Accept-Language": "en"},
                                     json={"name": "x", "indicators": dropped})
    assert reason_codes(english) == ["satisfaction_indicator_missing"]
    assert "satisfaction" in english.get_json()["reasons"][0]["message"]


def test_the_other_reasons_come_with_it(api):
    rows = without_satisfaction()
    next(r for r in rows if r["code"] == "output.quantity")["weight"] = "50"
    assert reason_codes(post(api, rows)) == ["template_invalid", "satisfaction_indicator_missing"]


def test_a_template_keeping_satisfaction_under_effect_is_created(api):
    # Satisfaction on the third level, under a second-level node of 效益, still counts.
    rows = _rows(**{"effect.satisfaction": {"kind": None, "name": "满意度"}})
    rows += [{"code": "effect.satisfaction.residents", "parent": "effect.satisfaction", "name": "居民满意度",
              "weight": "100", "kind": "satisfaction"}]
    response = post(api, rows)
    assert response.status_code == 201, response.get_json()


def test_the_page_refuses_it_and_says_why(as_user):
    client = as_user("bureau")
    form = {"name": "社区服务类", "category_code": "A02", "community_class": ""}
    for index, row in enumerate(without_satisfaction()):
        for key, value in row.items():
            form[f"indicators-{index}-{key}"] = "" if value is None else str(value)
    refused = client.post("/indicator-templates/new", data=form)
    assert refused.status_code == 422
    assert "“效益”下须保留一项满意度指标（指标类型：满意度）" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(IndicatorTemplate).filter_by(category_code="A02")) is None
