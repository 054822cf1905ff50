"""What a proposal must contain before its public notice (issue 14, part 5): the direct and indirect
beneficiaries (each a description and a count of people), the goals and the location, the project lead, a
contact (name and phone) and the team. A draft may leave them out; publish_notice names what is missing (422
missing_fields, nothing changed). The notice shows the beneficiaries, the lead and the team, never the contact."""
import pytest

from procure.extensions import db

from openapi_check import check
from support import reason_codes

NEW_FIELDS = {
    "beneficiaries": "直接受益对象", "beneficiaries_count": "直接受益人数", "indirect_beneficiaries": "间接受益对象",
    "indirect_beneficiaries_count": "间接受益人数", "goals": "项目目标", "location": "实施地点",
    "lead_name": "项目负责人", "contact_name": "联系人", "contact_phone": "联系电话", "team": "项目团队",
}


def publish(api, project):
    db.session.refresh(project)
    return api.as_("community").fire(project, "publish_notice")


@pytest.mark.parametrize("field", NEW_FIELDS)
def test_each_part_is_required_for_the_notice(journey, api, refused, field):
    project = journey.create(**{field: None if field.endswith("_count") else ""})
    assert project.state == "draft"
    [reason] = refused(lambda: publish(api, project), "missing_fields")
    assert reason["message"] == f"以下内容尚未填写：{NEW_FIELDS[field]}"


def test_blank_text_counts_as_missing_and_zero_indirect_beneficiaries_is_an_answer(journey, api, refused):
    project = journey.create(team="   ", indirect_beneficiaries_count=0)
    [reason] = refused(lambda: publish(api, project), "missing_fields")
    assert reason["message"] == "以下内容尚未填写：项目团队"
    response = api.as_("community").patch(f"/projects/{project.id}", json={"version": project.version,
                                                                          "team": "社工2名负责组织"})
    assert response.status_code == 200, response.get_json()
    assert publish(api, project).status_code == 200


def test_counts_are_whole_numbers_of_people(journey, api, db_snapshot):
    project = journey.create()
    before = db_snapshot()
    for field, value in (("beneficiaries_count", 0), ("beneficiaries_count", -5), ("indirect_beneficiaries_count", -1),
                         ("beneficiaries_count", "many")):
        response = api.as_("community").patch(f"/projects/{project.id}", json={"version": project.version,
                                                                              field: value})
        assert response.status_code == 400 and field in response.get_json()["fields"], (field, value)
    assert db_snapshot() == before


def test_the_api_stores_and_serves_every_part(journey, api, doc):
    project = journey.create()
    body = check(doc, "/projects/{project_id}", "get", api.as_("community").get(f"/projects/{project.id}"), 200)
    assert (body["beneficiaries"], body["beneficiaries_count"]) == ("辖区80岁以上及独居老人", 120)
    assert (body["indirect_beneficiaries"], body["indirect_beneficiaries_count"]) == ("老人的家属", 300)
    assert (body["lead_name"], body["contact_name"], body["contact_phone"]) == ("王建华", "李晓燕", "0571-86001234")
    assert body["team"].startswith("社区社工2名")


def test_the_form_asks_for_every_part_and_names_what_is_missing(journey, as_user):
    project = journey.create(lead_name="", team="")
    client = as_user("community")
    form = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    for name in NEW_FIELDS:
        assert f'name="{name}"' in form, name
    db.session.refresh(project)
    response = client.post(f"/projects/{project.id}/fire/publish_notice", data={"version": project.version})
    assert response.status_code == 422
    assert "以下内容尚未填写：项目负责人、项目团队" in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.state == "draft"


def test_the_notice_shows_beneficiaries_lead_and_team_but_not_the_contact(journey, client, api):
    project = journey.create(contact_name="赵联系", contact_phone="13900001111")
    assert publish(api, project).status_code == 200
    html = client.get(f"/public/projects/{project.code}").get_data(as_text=True)
    direct = html.split('data-testid="direct-beneficiaries"')[1].split("</div>")[0]
    assert "辖区80岁以上及独居老人" in direct and "120 人" in direct
    indirect = html.split('data-testid="indirect-beneficiaries"')[1].split("</div>")[0]
    assert "老人的家属" in indirect and "300 人" in indirect
    assert "王建华" in html and "社区社工2名负责组织协调和服务台账" in html and "社区党群服务中心" in html
    assert "赵联系" not in html and "13900001111" not in html
